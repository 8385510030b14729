"""How text becomes searchable words, the same way at index time, at query time and when
highlighting.

Accents are folded by `archive.text` (its SQL twin `translate()` when the indexer reads the
database, `fold()` on queries and highlighted text): one table, so the two never disagree.
Then, as PostgreSQL's `english` configuration did for the old search: split into words,
lower-case, drop English stop words, stem (Snowball English). Citations and original-language
text were indexed with the `simple` configuration (no stemming, no stop words): `PLAIN` does
the same here.
"""

import re
from functools import cache

import tantivy

from archive.text import FOLD_FROM, FOLD_TO

ENGLISH = "archive_english"
PLAIN = "archive_plain"
MAX_WORD_BYTES = 2047  # PostgreSQL ignores longer words too

# The words PostgreSQL's `english` configuration ignores (its english.stop, Snowball's English
# list); tantivy's own English list is shorter. tests/search/test_analysis.py checks each one
# against the database.
STOP_WORDS = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves what which "
    "who whom this that these those am is are was were be been being have has had having do "
    "does did doing a an the and but if or because as until while of at by for with about "
    "against between into through during before after above below to from up down in out on "
    "off over under again further then once here there when where why how all any both each "
    "few more most other some such no nor not only own same so than too very s t can will "
    "just don should now"
).split()


@cache
def english() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD_BYTES))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.custom_stopword(STOP_WORDS))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@cache
def plain() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD_BYTES))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


_FOLDING = str.maketrans(FOLD_FROM, FOLD_TO)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_TAGS = re.compile(r"<[^>]*>")
_REFERENCES = re.compile(r"&[#A-Za-z0-9]+;")


def fold(text: str) -> str:
    """`archive.text.fold`, faster on long texts: only the non-ASCII stretches are looked up
    (the table maps nothing else), so ASCII text costs one scan."""
    if text.isascii():
        return text
    return _NOT_ASCII.sub(lambda m: m.group().translate(_FOLDING), text)


def strip_markup(html: str) -> str:
    """Words of the archive's limited HTML: tags and character references become spaces,
    as PostgreSQL's parser skipped them."""
    text = _TAGS.sub(" ", html) if "<" in html else html
    return _REFERENCES.sub(" ", text) if "&" in text else text  # two passes: 6x faster


def register(index: tantivy.Index) -> None:
    """Every opened index needs the analyzers its schema names (they are not stored in it)."""
    index.register_tokenizer(ENGLISH, english())
    index.register_tokenizer(PLAIN, plain())


def words(text: str) -> list[tuple[int, str, int, int]]:
    """(position, word, start, end) of each searchable word of already folded `text`;
    positions count stop words, offsets are character offsets into `text`."""
    return [
        (t.position, t.text, t.char_offset_from, t.char_offset_to)
        for t in english().pre_tokenize(text).tokens
    ]
