"""OAI-PMH 2.0 at /oai/: the collection for harvesters (library catalogues, aggregators).

`protocol` checks requests (verbs, arguments, datestamps) and names the errors, `tokens` makes
resumption tokens, `records` chooses what may be disseminated (the public documents, from
`documents.selectors`, and tombstones of once-public ones as deleted records), `dublin_core`
describes a document in `oai_dc`, `xml` writes the responses and `views` answers the verbs.

Written on lxml rather than a server library: the Python OAI-PMH servers on PyPI page with
offsets (a list shifts under a harvester when documents change), give no completeListSize,
cursor or expiry, and lose repeated arguments; here tokens are keyset positions in a list
frozen at the first request.
"""
