"""Which words public documents hold, asked of the live index: the check behind "Did you
mean" (a suggestion is only ever a word some public document contains, whatever list it
came from)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings

from documents.search.engine import indexer, store
from documents.search.engine.loading import embargo_micros
from documents.search.engine.query import Term, to_query
from documents.search.engine.schema import TEXT_FIELDS
from documents.search.engine.searching import _and, visible


def present(terms: Iterable[str], now: datetime | None = None) -> dict[str, int]:
    """{analysed term: public documents holding it in any text field}, for those held by
    at least one; one term lookup each (fast at any size)."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    index, _ = store.opened()
    searcher = index.searcher()
    shown = visible(embargo_micros(now or datetime.now(UTC)))
    found = {}
    for term in dict.fromkeys(terms):
        count = searcher.search(_and(shown, to_query(Term(term))), 1).count
        if count:
            found[term] = count
    return found


def indexed(terms: Iterable[str]) -> set[str]:
    """The analysed terms the index holds in any text field, of any document it has (read
    from the term dictionary: no documents are visited). A term it lacks is surely held by
    no public document; one it has may still be an embargoed document's only, so this
    decides only what needs no correction, never what may be suggested."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    index, _ = store.opened()
    searcher = index.searcher()
    return {
        term
        for term in dict.fromkeys(terms)
        if any(searcher.doc_freq(field.name, term) for field in TEXT_FIELDS)
    }


def build_name() -> str:
    """The live build's name: a vocabulary derived from the database is kept per build."""
    _, (path, _stamp) = store.opened()
    return path.name
