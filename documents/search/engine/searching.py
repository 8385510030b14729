"""One search: the page of ids, the exact count, every facet's counts and the year histogram.

A search for the page (with the exact count), and the aggregations of `counting` started
first on a small thread pool so they run while the page is found. Semantics are the reading
room's: web syntax read as `websearch_to_tsquery` reads it (`query`), OR within a facet and
AND across facets, each facet counted over the results narrowed by every *other* facet's
choices, dates overlapping the range, the embargo applied at query time (so it lifts by
itself), no paging cap, and the same orders: relevance (ties: oldest first, then record
number), date both ways (undated last, then record number), title (then record number);
and for feeds and "recently published", newest public first (`schema.public_since_key`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial

import tantivy
from django.conf import settings

from documents.search.engine import counting, indexer, store
from documents.search.engine import schema as f
from documents.search.engine.counting import ALL_VALUES
from documents.search.engine.loading import embargo_micros
from documents.search.engine.query import ParsedQuery, parse, to_query

SORTS = ("relevance", "date", "-date", "title", "recent")  # recent: newest public first
MAX_PAGE_SIZE = 1000
TIE_FETCH_STEP = 1_000  # equally relevant results fetched beyond the page to order them by date
TIE_FETCH_LIMIT = 50_000  # ... at most


@dataclass(frozen=True)
class SearchRequest:
    """What a list asks for. Facet values are ids (slugs are the caller's business)."""

    q: str = ""
    facets: Mapping[str, Sequence[int]] = field(default_factory=dict)
    date_from: date | None = None  # documents whose latest possible day is on or after it
    date_to: date | None = None  # documents whose earliest possible day is on or before it
    sort: str = ""  # relevance (when there are words), date, -date or title; "" = the default
    page: int = 1
    page_size: int = 10
    within: tuple[str, int] | None = None  # an entity page: (facet, id), left out of its facet
    # Roles (`schema.ROLES`) the entity of an entity page must hold (a person or organization);
    # without `within`, those the chosen people and organizations must hold.
    roles: Sequence[str] = ()
    facet_limit: int | None = 100  # values per facet (most frequent first); None: all
    with_facets: bool = True
    facet_names: tuple[str, ...] | None = None  # count only these facets (None: every one)
    with_histogram: bool = True
    now: datetime | None = None  # the moment embargoes are compared with (default: now)


@dataclass
class SearchResult:
    ids: list[int]  # the page, in order
    total: int
    page: int
    page_size: int
    sort: str
    query: ParsedQuery
    facet_counts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    facet_truncated: dict[str, bool] = field(default_factory=dict)
    unnamed: dict[str, set[int]] = field(default_factory=dict)  # chosen, named by nothing public
    years: dict[int, int] = field(default_factory=dict)
    undated: int = 0
    first_year: int | None = None
    last_year: int | None = None
    engine_ms: float = 0.0

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def page_exists(self) -> bool:
        return self.page <= self.num_pages


def search(request: SearchRequest) -> SearchResult:
    """Answer `request` from the live index (after applying pending changes when inline)."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    started = time.perf_counter()
    index, state = store.opened()
    searcher = index.searcher()
    parsed = parse(request.q)
    sort = _sort(request.sort, parsed)
    page_size = max(1, min(int(request.page_size), MAX_PAGE_SIZE))
    page = max(1, int(request.page))
    chosen = {k: sorted({int(v) for v in vs}) for k, vs in request.facets.items() if vs}
    unknown = set(chosen) - set(f.FACET_FIELDS)
    if unknown:
        raise ValueError(f"Unknown facet(s): {', '.join(sorted(unknown))}")
    _check_roles(request.roles)
    now = embargo_micros(request.now or datetime.now(UTC))
    base = _base_query(request, parsed, now)
    facet_roles = () if _roles_within(request) else request.roles
    filters = {name: _facet_filter(name, values, facet_roles) for name, values in chosen.items()}
    counts = [
        _run(job) for job in _count_tasks(searcher, base, filters, chosen, request, state, now)
    ]
    result = SearchResult([], 0, page, page_size, sort, parsed)
    result.ids, result.total = _page(searcher, _and(base, *filters.values()), sort, page, page_size)
    _fill(result, request, [c.result() for c in counts])
    if request.with_facets:
        result.unnamed = _unnamed(searcher, chosen, result.facet_counts, now)
    result.engine_ms = (time.perf_counter() - started) * 1000
    return result


def index_state() -> str:
    """Names what the live index holds now (after applying pending changes, when inline): it
    changes with every commit and every new build, so what is built from the index can be
    cached under it and is never kept past a change."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    _, (path, stamp) = store.opened()
    return "-".join([path.name, *(str(part) for part in stamp)])


def _unnamed(searcher, chosen: dict, facets: dict, now: int) -> dict[str, set[int]]:
    """Chosen values that no public document names at all (not merely none of these
    results): like any entity no public document names, they must not be shown by name."""
    unnamed: dict[str, set[int]] = {}
    for name, values in chosen.items():
        counted = dict(facets.get(name, ()))
        for value in values:
            if counted.get(value):
                continue
            term = tantivy.Query.term_query(f.schema(), name, value)
            if not searcher.search(_and(visible(now), term), 1).count:
                unnamed.setdefault(name, set()).add(value)
    return unnamed


def role_counts(request: SearchRequest) -> dict[str, int]:
    """{role: documents} of an entity page's entity (a person or organization) for each
    role, over its documents narrowed by every other choice of `request` (its roles aside)."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    if not _roles_within(request):
        raise ValueError("Role counts need a person's or an organization's page")
    facet, value = request.within
    index, _ = store.opened()
    searcher = index.searcher()
    now = embargo_micros(request.now or datetime.now(UTC))
    base = _base_query(replace(request, roles=()), parse(request.q), now)
    chosen = {k: sorted({int(v) for v in vs}) for k, vs in request.facets.items() if vs}
    query = _and(base, *(_facet_filter(name, values) for name, values in chosen.items()))
    counts = {}
    for role in f.ROLES:
        term = tantivy.Query.term_query(f.schema(), f.ROLE_FIELDS[facet], f.role_key(value, role))
        counts[role] = searcher.search(_and(query, _filter(term)), 1).count
    return counts


def _roles_within(request: SearchRequest) -> bool:
    """Whether the roles qualify the entity page's own entity (else the chosen ones)."""
    return request.within is not None and request.within[0] in f.ROLE_FIELDS


def _check_roles(roles: Sequence[str]) -> None:
    unknown = set(roles) - set(f.ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")


def _count_tasks(searcher, base, filters, chosen, request, state, now: int):
    if not (request.with_facets or request.with_histogram):
        return []
    size = ALL_VALUES if request.facet_limit is None else max(1, int(request.facet_limit))
    unfiltered = None
    narrowed = request.q.strip() or request.date_from or request.date_to or request.within
    if not (narrowed or request.facet_names):
        unfiltered = partial(counting.unfiltered_counts, searcher, base, state, now, size)
    options = (request.with_facets, request.with_histogram, request.facet_names)
    # Everything the base and the facet filters are made of: groups are kept under it.
    kept_as = (state, now, request.q.strip(), request.date_from, request.date_to,
               request.within, tuple(sorted(request.roles)))  # fmt: skip
    return counting.tasks(searcher, base, filters, chosen, size, options, unfiltered, kept_as)


def _fill(result: SearchResult, request: SearchRequest, parts: list[counting.Counts]) -> None:
    counts = counting.Counts()
    for part in parts:
        counts.update(part)
    facets = counts.facets
    if request.within is not None and request.within[0] in facets:
        name, value = request.within
        facets = {**facets, name: [(v, n) for v, n in facets[name] if v != int(value)]}
    result.facet_counts, result.facet_truncated = facets, counts.truncated
    result.years, result.first_year, result.last_year = (
        counts.years,
        counts.first_year,
        counts.last_year,
    )
    if request.with_histogram:
        result.undated = result.total - sum(counts.years.values())


# Aggregations run on a few threads beside the page's search (tantivy releases the GIL).
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _run(job) -> Future:
    global _pool
    if settings.SEARCH_QUERY_THREADS <= 1:
        done: Future = Future()
        done.set_result(job())
        return done
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(settings.SEARCH_QUERY_THREADS, "search")
    return _pool.submit(job)


def _sort(requested: str, parsed: ParsedQuery) -> str:
    """As the reading room: the reader's choice, else relevance when searching, else date;
    relevance without words to rank by is date order (every score would be equal)."""
    sort = requested if requested in SORTS else ""
    if sort == "relevance" and not parsed.ranks:
        sort = ""
    return sort or ("relevance" if parsed.ranks else "date")


# Queries ------------------------------------------------------------------------------------


def _and(*queries: tantivy.Query | None) -> tantivy.Query:
    present = [q for q in queries if q is not None]
    if len(present) == 1:
        return present[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in present])


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A condition that must hold but adds nothing to relevance."""
    return tantivy.Query.const_score_query(query, 0.0)


def visible(now: int) -> tantivy.Query:
    """Past any embargo at `now`: the index holds only published documents, so this is
    `selectors.published_documents()`'s rule."""
    embargo = tantivy.Query.range_query(
        f.schema(), f.EMBARGO, tantivy.FieldType.Integer, upper_bound=now
    )
    return _filter(embargo)


def _base_query(request: SearchRequest, parsed: ParsedQuery, now: int) -> tantivy.Query:
    """Words, embargo, dates and the entity of an entity page: everything but facets."""
    parts = [visible(now)]
    if parsed.matches_nothing:
        parts.append(tantivy.Query.empty_query())
    elif parsed.root is not None:
        parts.append(to_query(parsed.root))
    if request.date_from is not None:
        parts.append(_filter(_day_range(f.LATEST, lower=request.date_from)))
    if request.date_to is not None:
        parts.append(_filter(_day_range(f.EARLIEST, upper=request.date_to)))
    if request.within is not None:
        facet, value = request.within
        roles = request.roles if _roles_within(request) else ()
        parts.append(_facet_filter(facet, [int(value)], roles))
    return _and(*parts)


def _day_range(field_name: str, lower: date | None = None, upper: date | None = None):
    return tantivy.Query.range_query(
        f.schema(),
        field_name,
        tantivy.FieldType.Integer,
        lower_bound=lower.toordinal() if lower else None,
        upper_bound=upper.toordinal() if upper else None,
    )


def _facet_filter(name: str, values: Sequence[int], roles: Sequence[str] = ()) -> tantivy.Query:
    """Documents naming any of `values`; for people and organizations with `roles`, naming
    any of them in any of those roles."""
    if name not in f.FACET_FIELDS:
        raise ValueError(f"Unknown facet: {name}")
    if roles and name in f.ROLE_FIELDS:
        keys = [f.role_key(value, role) for value in values for role in roles]
        return _filter(tantivy.Query.term_set_query(f.schema(), f.ROLE_FIELDS[name], keys))
    return _filter(tantivy.Query.term_set_query(f.schema(), name, list(values)))


# The page -----------------------------------------------------------------------------------

_ORDER = {
    "date": (f.DATE_ASC, tantivy.Order.Asc),
    "-date": (f.DATE_DESC, tantivy.Order.Desc),
    "title": (f.TITLE_KEY, tantivy.Order.Asc),
    "recent": (f.PUBLIC_SINCE, tantivy.Order.Desc),
}


def _page(searcher, query, sort: str, page: int, size: int) -> tuple[list[int], int]:
    offset = (page - 1) * size
    if offset >= searcher.num_docs:  # past any possible result (and no huge allocation)
        return [], searcher.search(query, 1).count
    if sort != "relevance":
        order_field, order = _ORDER[sort]
        found = searcher.search(query, size, order_by_field=order_field, offset=offset, order=order)
        hits = [address for _, address in found.hits]
        return _ids(searcher, hits), found.count
    found = searcher.search(query, offset + size)
    hits = found.hits
    if len(hits) <= offset:
        return [], found.count
    return _ids(searcher, _by_relevance(searcher, query, hits, offset, size, found.count)), (
        found.count
    )


def _ids(searcher, addresses) -> list[int]:
    return [int(v) for v in searcher.fast_field_values(f.ID, addresses)] if addresses else []


def _by_relevance(searcher, query, hits, offset: int, size: int, total: int) -> list:
    """The page's addresses by score, equal scores oldest first (then by record number).

    While the page's lowest score may go on past what was fetched, fetch more (a little,
    then up to `TIE_FETCH_LIMIT`), so the tie order is exact across page boundaries (beyond
    that many equal scores, the rest of a tie keeps the index's order)."""
    window = hits[offset : offset + size]
    scores = {score for score, _ in window}
    lowest, highest = min(scores), max(scores)
    for extra in (TIE_FETCH_STEP, TIE_FETCH_LIMIT):
        if len(hits) >= total or hits[-1][0] != lowest:
            break
        hits = searcher.search(query, min(total, offset + size + extra), count=False).hits
    above = sum(1 for score, _ in hits if score > highest)
    tied = [(score, address) for score, address in hits if score in scores]
    keys = searcher.fast_field_values(f.DATE_ASC, [address for _, address in tied])
    ordered = sorted(zip(tied, keys, strict=True), key=lambda pair: (-pair[0][0], pair[1]))
    start = offset - above
    return [address for (_, address), _ in ordered[start : start + size]]
