"""The search engine: a tantivy index of published documents beside PostgreSQL.

PostgreSQL stays the source of truth; the index is derived and can always be rebuilt from it
(`manage.py search_index --rebuild`). Changes reach it through the outbox
(`documents.search.outbox`, filled by database triggers) and the single indexer
(`search_index --follow`). Readers call `search(SearchRequest(...))`: ids of the page in order,
the exact total, facet counts and the year histogram; `highlight`/`document_snippet` mark the
matches in the rows the caller then loads from PostgreSQL by id.
"""

from documents.search.engine import counting, store
from documents.search.engine.highlight import document_snippet, highlight, name_terms, snippet
from documents.search.engine.indexer import (
    Follower,
    apply_inline,
    apply_pending,
    check,
    close_writers,
    health,
    indexed_versions,
    rebuild,
    status,
)
from documents.search.engine.locks import IndexerBusy
from documents.search.engine.query import ParsedQuery, parse
from documents.search.engine.related import related
from documents.search.engine.searching import SearchRequest, SearchResult, index_state, search
from documents.search.engine.store import SearchUnavailable

__all__ = [
    "Follower",
    "IndexerBusy",
    "ParsedQuery",
    "SearchRequest",
    "SearchResult",
    "SearchUnavailable",
    "apply_inline",
    "apply_pending",
    "check",
    "document_snippet",
    "health",
    "highlight",
    "index_state",
    "indexed_versions",
    "name_terms",
    "parse",
    "rebuild",
    "related",
    "reset",
    "search",
    "snippet",
    "status",
]


def reset() -> None:
    """Forget this process's writers, open indexes and kept counts (tests switch indexes)."""
    close_writers()
    store.forget()
    counting.forget()
