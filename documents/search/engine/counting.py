"""Facet counts and the year histogram of a result set.

Each facet is counted over the results narrowed by every *other* facet's choices, the
histogram over the results narrowed by all of them. Facets that see the same narrowing share
one aggregation: with no facet chosen that is one call, with k chosen at most k + 1. The calls
are independent, so `search` runs them on a small thread pool beside the page's own search
(tantivy releases the GIL). Counts are exact: every segment reports every value, and a chosen
value outside the top values is counted on its own.

The unfiltered list (no words, dates or entity) is the same for every reader until the index
changes or an embargo lifts, so each process keeps its counts until then: `/documents/`, the
home page and a single facet's own counts on `/documents/?place=…` reuse them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import tantivy

from documents.search.engine import schema as f

ALL_VALUES = 1_000_000  # a terms aggregation's size meaning "every value"
HISTOGRAM = "histogram"


@dataclass
class Counts:
    facets: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    truncated: dict[str, bool] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # undated documents not included
    first_year: int | None = None
    last_year: int | None = None

    def update(self, other: Counts) -> None:
        self.facets.update(other.facets)
        self.truncated.update(other.truncated)
        if other.years or other.first_year is not None:
            self.years, self.first_year = other.years, other.first_year
            self.last_year = other.last_year


def _terms(field_name: str, size: int) -> dict:
    return {"terms": {"field": field_name, "size": size, "segment_size": ALL_VALUES}}


BUCKET_LIMIT = 65_000  # tantivy refuses an aggregation answering more buckets than this


def aggregate(searcher, query, wanted: list[str], size: int) -> Counts:
    """One aggregation: the terms of each facet in `wanted` (and the histogram).

    Every value of every facet can exceed tantivy's bucket limit for one aggregation, so
    asking for all values aggregates one facet at a time (each exact below the limit)."""
    if size >= ALL_VALUES and len(wanted) > 1:
        counts = Counts()
        for name in wanted:
            counts.update(aggregate(searcher, query, [name], size))
        return counts
    aggs = {name: _terms(name, size) for name in wanted if name != HISTOGRAM}
    if HISTOGRAM in wanted:
        aggs["years"] = _terms(f.YEAR, ALL_VALUES)
        aggs["first"] = {"min": {"field": f.EARLIEST}}
        aggs["last"] = {"max": {"field": f.LATEST}}
    try:
        answer = searcher.aggregate(query, aggs)
    except ValueError:  # past the bucket limit: the most frequent values, marked truncated
        if size < BUCKET_LIMIT:
            raise
        return aggregate(searcher, query, wanted, BUCKET_LIMIT // 2)
    counts = Counts()
    for name in wanted:
        if name == HISTOGRAM:
            continue
        part = answer[name]
        found = [(int(b["key"]), int(b["doc_count"])) for b in part["buckets"]]
        counts.facets[name] = sorted(found, key=lambda item: (-item[1], item[0]))
        counts.truncated[name] = bool(part.get("sum_other_doc_count"))
    if HISTOGRAM in wanted:
        buckets = answer["years"]["buckets"]
        counts.years = {int(b["key"]): int(b["doc_count"]) for b in buckets}
        counts.years.pop(f.NO_YEAR, None)
        first, last = answer["first"].get("value"), answer["last"].get("value")
        if first is not None and int(first) != f.UNDATED:
            counts.first_year = date.fromordinal(int(first)).year
        if last is not None and int(last) > 0:
            counts.last_year = date.fromordinal(int(last)).year
    return counts


# Two halves of similar cost (multi-valued facets with many values cost most), so a large
# result set is counted on two cores.
HALVES = ({"person", "subject", "collection", "type"}, {"place", "organization", "language",
          "archive", HISTOGRAM})  # fmt: skip


def plan(
    chosen: dict[str, list[int]], facets: bool, histogram: bool, names: tuple | None = None
) -> list[tuple]:
    """[(the chosen facets whose filters apply, what to count under them)]: facets that see
    the same narrowing share an aggregation, split in halves when there are many. `names`:
    only these facets (None: every one)."""
    groups: dict[frozenset, list] = {}
    every = frozenset(chosen)
    for name in f.FACET_FIELDS if facets else ():
        if names is not None and name not in names:
            continue
        groups.setdefault(every - {name}, []).append(name)
    if histogram:
        groups.setdefault(every, []).append(HISTOGRAM)
    planned = []
    for applied, wanted in groups.items():
        if len(wanted) < 4:
            planned.append((applied, wanted))
            continue
        for half in HALVES:
            part = [name for name in wanted if name in half]
            if part:
                planned.append((applied, part))
    return planned


def tasks(
    searcher,
    base,
    filters: dict[str, tantivy.Query],
    chosen: dict[str, list[int]],
    size: int,
    options: tuple[bool, bool, tuple | None],
    unfiltered: Callable[[], Counts] | None,
    kept_as: tuple | None = None,
) -> list[Callable[[], Counts]]:
    """The independent aggregations a request needs; `unfiltered` (when the base is the
    unfiltered list) answers the group under no facet filter from the kept counts. With
    `kept_as` (the base's key: index state, embargo moment and everything that made it),
    each group's counts are kept per process (`kept_group`)."""
    jobs = []
    for applied, wanted in plan(chosen, *options):
        if not applied and unfiltered is not None:
            jobs.append(
                lambda wanted=wanted: _add_chosen(
                    searcher, base, _pick(unfiltered(), wanted), wanted, chosen
                )
            )
            continue
        query = _narrow(base, [filters[name] for name in sorted(applied)])

        def count(q=query, wanted=wanted, applied=applied):
            if kept_as is None:
                counts = aggregate(searcher, q, wanted, size)
            else:
                group = tuple((name, tuple(chosen[name])) for name in sorted(applied))
                key = (*kept_as, group, tuple(wanted), size)
                counts = kept_group(searcher, key, lambda: aggregate(searcher, q, wanted, size))
            return _add_chosen(searcher, q, counts, wanted, chosen)

        jobs.append(count)
    return jobs


def _narrow(base, filters: list) -> tantivy.Query:
    if not filters:
        return base
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in [base, *filters]])


def _pick(counts: Counts, wanted: list) -> Counts:
    picked = Counts()
    for name in wanted:
        if name == HISTOGRAM:
            picked.years, picked.first_year = counts.years, counts.first_year
            picked.last_year = counts.last_year
        else:
            picked.facets[name] = counts.facets[name]
            picked.truncated[name] = counts.truncated[name]
    return picked


def _add_chosen(searcher, query, counts: Counts, wanted: list, chosen: dict) -> Counts:
    """Chosen values outside the top values (or matching nothing) counted on their own (on a
    copy: the counts given may be kept and shared)."""
    counts = _pick(counts, wanted)
    for name in wanted:
        missing = [v for v in chosen.get(name, ()) if v not in dict(counts.facets.get(name, ()))]
        if not missing:
            continue
        known = dict(counts.facets[name])
        for value in missing:
            term = tantivy.Query.term_query(f.schema(), name, value)
            known[value] = searcher.search(_narrow(query, [term]), 1).count
        counts.facets[name] = sorted(known.items(), key=lambda item: (-item[1], item[0]))
    return counts


# The unfiltered list, kept per process ------------------------------------------------------

_lock = threading.Lock()
_kept: dict[tuple, tuple[Counts, int, int]] = {}  # key -> (counts, computed at, valid until)
NEVER = 2**63 - 1


def next_embargo_end(searcher, now: int) -> int:
    """When the next embargo lifts (microseconds), which changes what is public."""
    later = tantivy.Query.range_query(
        f.schema(), f.EMBARGO, tantivy.FieldType.Integer, lower_bound=now, include_lower=False
    )
    found = searcher.aggregate(later, {"next": {"min": {"field": f.EMBARGO}}})["next"]
    value = found.get("value")
    return int(value) if value is not None else NEVER


def unfiltered_counts(searcher, base, key: tuple, now: int, size: int) -> Counts:
    """Every facet and the histogram of the unfiltered list, reused until the index changes
    or an embargo lifts."""
    key = (*key, size)
    kept = _kept.get(key)
    if kept is not None and kept[1] <= now < kept[2]:
        return kept[0]
    with _lock:  # one thread computes them; the others wait for its answer
        kept = _kept.get(key)
        if kept is not None and kept[1] <= now < kept[2]:
            return kept[0]
        counts = aggregate(searcher, base, [*f.FACET_FIELDS, HISTOGRAM], size)
        if len(_kept) > 16:
            _kept.clear()
        _kept[key] = (counts, now, next_embargo_end(searcher, now))
    return counts


def forget() -> None:
    with _lock:
        _kept.clear()
    with _groups_lock:
        _groups.clear()
        _ends.clear()


# Any other group of counts, kept per process -------------------------------------------------

# Many pages share a group: every `/documents/?person=…&date_from=1935&date_to=1945` counts
# people over the same dated documents (a chosen facet is counted without its own filter), a
# search narrowed by a facet counts that facet as the search alone did. Counting such a group
# over a million documents takes tens of milliseconds; keeping it, microseconds.
GROUPS_KEPT = 256
_groups_lock = threading.Lock()
# key -> (counts, computed at, valid until)
_groups: OrderedDict[tuple, tuple[Counts, int, int]] = OrderedDict()


_ends: dict[object, tuple[int, int]] = {}  # index state -> (asked at, next embargo end)


def _embargo_end(searcher, state, now: int) -> int:
    """`next_embargo_end`, asked once per index state while it stays ahead of `now`."""
    known = _ends.get(state)
    if known is not None and known[0] <= now < known[1]:
        return known[1]
    end = next_embargo_end(searcher, now)
    if len(_ends) > 4:
        _ends.clear()
    _ends[state] = (now, end)
    return end


def kept_group(searcher, key: tuple, compute: Callable[[], Counts]) -> Counts:
    """The counts of `key` (whose first items are the index state and the embargo moment
    `now`, in microseconds), computed once and reused until the index changes (a new state,
    a new key) or the next embargo lifts; the least recently used are dropped first."""
    now, key = key[1], key[:1] + key[2:]
    with _groups_lock:
        kept = _groups.get(key)
        if kept is not None and kept[1] <= now < kept[2]:
            _groups.move_to_end(key)
            return kept[0]
    counts = compute()
    until = _embargo_end(searcher, key[0], now)
    with _groups_lock:
        _groups[key] = (counts, now, until)
        while len(_groups) > GROUPS_KEPT:
            _groups.popitem(last=False)
    return counts
