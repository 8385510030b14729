"""Facet counts and the year histogram of a result set: one tantivy aggregation.

Each facet is counted over the results narrowed by every *other* facet's choices (a filter
aggregation around its terms aggregation; none when no other facet is chosen), the histogram
and the date span over the results narrowed by all of them. Counts are exact: every segment
reports every value (`segment_size`), and chosen values are counted on their own, so one that
falls outside the top values still shows its number.

The unfiltered list (no words, facets, dates or entity: `/documents/` and the home page) is
the same for every reader until the index changes or an embargo lifts, so each process keeps
its counts until then.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

import tantivy

from documents.search.engine import schema as f

ALL_VALUES = 1_000_000  # a terms aggregation's size meaning "every value"


@dataclass
class Counts:
    facets: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    truncated: dict[str, bool] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)
    first_year: int | None = None
    last_year: int | None = None


def _terms(field_name: str, size: int) -> dict:
    return {"terms": {"field": field_name, "size": size, "segment_size": ALL_VALUES}}


def filter_text(chosen: dict[str, list[int]], leave_out: str | None) -> str:
    """Facet choices in tantivy's query language (for filter aggregations); "" for none."""
    return " AND ".join(
        f"{name}: IN [{' '.join(str(int(v)) for v in values)}]"
        for name, values in sorted(chosen.items())
        if name != leave_out
    )


def _wrapped(condition: str, aggs: dict) -> dict:
    return {"filter": condition, "aggs": aggs} if condition else aggs


def aggregations(chosen: dict[str, list[int]], size: int, facets: bool, histogram: bool):
    aggs: dict = {}
    if facets:
        for name in f.FACET_FIELDS:
            own = {f"{name}__values": _terms(name, size)}
            own.update(
                {f"{name}__chosen_{v}": {"filter": f"{name}:{v}"} for v in chosen.get(name, ())}
            )
            condition = filter_text(chosen, name)
            aggs.update({f"{name}__within": _wrapped(condition, own)} if condition else own)
    if histogram:
        dates = {
            "years": _terms(f.YEAR, ALL_VALUES),
            "first": {"min": {"field": f.EARLIEST}},
            "last": {"max": {"field": f.LATEST}},
        }
        condition = filter_text(chosen, None)
        aggs.update({"all__within": _wrapped(condition, dates)} if condition else dates)
    return aggs


def read(answer: dict, chosen: dict[str, list[int]], facets: bool, histogram: bool) -> Counts:
    counts = Counts()
    for name in f.FACET_FIELDS if facets else ():
        part = answer.get(f"{name}__within", answer)
        values = part[f"{name}__values"]
        found = {int(b["key"]): int(b["doc_count"]) for b in values["buckets"]}
        for value in chosen.get(name, ()):
            found[value] = int(part[f"{name}__chosen_{value}"]["doc_count"])
        counts.facets[name] = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        counts.truncated[name] = bool(values.get("sum_other_doc_count"))
    if histogram:
        part = answer.get("all__within", answer)
        counts.years = {int(b["key"]): int(b["doc_count"]) for b in part["years"]["buckets"]}
        first, last = part["first"].get("value"), part["last"].get("value")
        counts.first_year = date.fromordinal(int(first)).year if first is not None else None
        counts.last_year = date.fromordinal(int(last)).year if last is not None else None
    return counts


def count(searcher, base, chosen, size: int, facets: bool, histogram: bool) -> Counts:
    answer = searcher.aggregate(base, aggregations(chosen, size, facets, histogram))
    return read(answer, chosen, facets, histogram)


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


def count_unfiltered(searcher, base, key: tuple, now: int, size: int, facets, histogram):
    """`count` for the unfiltered list, reused until the index changes or an embargo lifts."""
    key = (*key, size, facets, histogram)
    kept = _kept.get(key)
    if kept is not None and kept[1] <= now < kept[2]:
        return kept[0]
    counts = count(searcher, base, {}, size, facets, histogram)
    with _lock:
        if len(_kept) > 16:
            _kept.clear()
        _kept[key] = (counts, now, next_embargo_end(searcher, now))
    return counts


def forget() -> None:
    with _lock:
        _kept.clear()
