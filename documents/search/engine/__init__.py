"""The search engine: a tantivy index of published documents beside PostgreSQL.

PostgreSQL stays the source of truth; the index is derived and can always be rebuilt from it
(`manage.py search_index --rebuild`). Changes reach it through the outbox
(`documents.search.outbox`, filled by database triggers) and each node's follower
(`search_index --follow`), which applies all of it to that node's index. Readers call
`search(SearchRequest(...))`: ids of the page in order, the exact total, facet counts and
the year histogram; `highlight`/`document_snippet` mark the matches in the rows the caller
then loads from PostgreSQL by id.
"""

from documents.search.engine import counting, store
from documents.search.engine.checking import check, indexed_versions, lag, status
from documents.search.engine.follower import Follower
from documents.search.engine.highlight import document_snippet, highlight, name_terms, snippet
from documents.search.engine.indexer import (
    NeedsRebuild,
    apply_inline,
    apply_pending,
    cleanup,
    close_writers,
    rebuild,
)
from documents.search.engine.locks import IndexerBusy
from documents.search.engine.query import ParsedQuery, parse
from documents.search.engine.related import related
from documents.search.engine.searching import (
    SearchRequest,
    SearchResult,
    index_state,
    role_counts,
    search,
)
from documents.search.engine.store import SearchUnavailable
from documents.search.engine.together import appears_with

__all__ = [
    "Follower",
    "IndexerBusy",
    "NeedsRebuild",
    "ParsedQuery",
    "SearchRequest",
    "SearchResult",
    "SearchUnavailable",
    "appears_with",
    "apply_inline",
    "apply_pending",
    "check",
    "cleanup",
    "document_snippet",
    "health",
    "highlight",
    "index_state",
    "indexed_versions",
    "lag",
    "name_terms",
    "parse",
    "rebuild",
    "related",
    "reset",
    "role_counts",
    "search",
    "snippet",
    "status",
]


def reset() -> None:
    """Forget this process's writers, open indexes and kept counts (tests switch indexes)."""
    close_writers()
    store.forget()
    counting.forget()
