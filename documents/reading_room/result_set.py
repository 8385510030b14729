"""A document list's results as ids, for exporting the whole result set.

`result_ids` is the one place the export asks which documents a list shows: the list's own
parameters (search, facets, dates, sort), published documents only (`published_documents()`),
in the list's order. When the list moves onto the search engine, this function switches with
it, and the export follows.
"""

from dataclasses import dataclass, field

from documents.search.filters import MAX_QUERY_LENGTH, DocumentFilter
from documents.selectors import published_documents

EXPORT_LIMIT = 1000


@dataclass
class ResultSet:
    """The first `limit` ids of the list in its order, how many it has in all, and a message
    for a request the list would refuse (then no ids)."""

    ids: list[int] = field(default_factory=list)
    total: int = 0
    error: str = ""


def result_ids(querydict, *, limit: int = EXPORT_LIMIT) -> ResultSet:
    """The published documents the list at `?<querydict>` shows, at most `limit` of them."""
    if any("\x00" in key or "\x00" in v for key, vs in querydict.lists() for v in vs):
        return ResultSet(error="The address contains a NUL character; remove it.")
    if len(querydict.get("q", "")) > MAX_QUERY_LENGTH:
        return ResultSet(error=f"A search may be at most {MAX_QUERY_LENGTH} characters long.")
    filterset = DocumentFilter(querydict, queryset=published_documents())
    if not filterset.is_valid():
        messages = [str(m) for errors in filterset.form.errors.values() for m in errors]
        return ResultSet(error="Please correct the dates: " + " ".join(messages))
    results = filterset.qs
    ordered = filterset.ordered(results)
    ids = list(ordered.values_list("pk", flat=True)[:limit])
    total = len(ids) if len(ids) < limit else results.count()
    return ResultSet(ids=ids, total=total)
