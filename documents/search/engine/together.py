"""Which entities are named most often together with one entity, in public documents.

One aggregation over the entity's public documents (the index holds published documents
only; `searching.visible` applies embargoes): the top values of the people, organizations
and places facets, the entity itself left out. Anything counted is named by a public
document, so nothing only unpublished documents name can appear.
"""

from __future__ import annotations

from datetime import UTC, datetime

import tantivy
from django.conf import settings

from documents.search.engine import counting, indexer, store
from documents.search.engine import schema as f
from documents.search.engine.loading import embargo_micros
from documents.search.engine.searching import visible

KINDS = ("person", "organization", "place")


def appears_with(
    facet: str, value: int, *, limit: int = 10, kinds=KINDS, now: datetime | None = None
) -> dict[str, list[tuple[int, int]]]:
    """{kind: [(id, documents), ...]}: the `limit` entities of each kind most often named in
    the same public documents as `value` of `facet`, most documents first (then by id)."""
    if facet not in f.FACET_FIELDS or any(kind not in f.FACET_FIELDS for kind in kinds):
        raise ValueError(f"Unknown facet: {facet}")
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    index, _ = store.opened()
    searcher = index.searcher()
    moment = embargo_micros(now or datetime.now(UTC))
    own = tantivy.Query.term_query(f.schema(), facet, int(value))
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, visible(moment)), (tantivy.Occur.Must, own)]
    )
    counts = counting.aggregate(searcher, query, list(kinds), limit + 1)
    found = {}
    for kind in kinds:
        pairs = counts.facets.get(kind, [])
        pairs = [(v, n) for v, n in pairs if n and (kind, v) != (facet, int(value))]
        found[kind] = pairs[:limit]
    return found
