"""Related documents: the public documents sharing the most people, organizations, places
and subjects with a given one, from the index in one search.

Each shared value is a clause scoring exactly 1, so a document's score is the number of values
it shares. Ties go to the document closest in date (undated ones last), then to the lower
record number, as before: the top hits are fetched with their scores and the tie at the last
place is ordered by the dates and record numbers read from fast fields. When that tie runs on
past what was fetched (tens of thousands of documents sharing as much), the rest of it keeps
the index's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

import tantivy
from django.conf import settings

from documents.search.engine import indexer, store
from documents.search.engine import schema as f
from documents.search.engine.loading import embargo_micros
from documents.search.engine.searching import visible

FETCH = (200, 20_000)  # hits fetched to order the tie at the last place: first, at most


def related(
    values: Mapping[str, Sequence[int]],
    *,
    exclude: int,
    day: date | None,
    limit: int,
    now: datetime | None = None,
) -> list[tuple[int, int]]:
    """[(document id, shared values)] of up to `limit` public documents sharing the most of
    `values` ({facet: ids}) with document `exclude`, dated `day`."""
    if settings.SEARCH_INLINE:
        indexer.apply_inline()
    shared = [
        (tantivy.Occur.Should, tantivy.Query.const_score_query(_term(name, value), 1.0))
        for name, ids in values.items()
        for value in sorted(set(ids))
    ]
    if not shared or limit < 1:
        return []
    query = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, visible(embargo_micros(now or datetime.now(UTC)))),
            (tantivy.Occur.Must, tantivy.Query.boolean_query(shared)),
            (tantivy.Occur.MustNot, _term(f.ID, exclude)),
        ]
    )
    searcher = store.open_current().searcher()
    for fetch in FETCH:
        hits = searcher.search(query, fetch, count=False).hits
        if len(hits) < fetch or len(hits) <= limit or hits[-1][0] != hits[limit - 1][0]:
            break  # the tie at the last place ends within what was fetched
    if not hits:
        return []
    last = hits[min(limit, len(hits)) - 1][0]
    kept = [(score, address) for score, address in hits if score >= last]
    addresses = [address for _, address in kept]
    earliest = searcher.fast_field_values(f.EARLIEST, addresses)
    numbers = searcher.fast_field_values(f.RECORD_NUMBER, addresses)
    ids = searcher.fast_field_values(f.ID, addresses)
    target = day.toordinal() if day is not None else None

    def order(i: int):
        distance = 0
        if target is not None:
            undated = earliest[i] == f.UNDATED
            distance = (1, 0) if undated else (0, abs(earliest[i] - target))
        return (-kept[i][0], distance, numbers[i])

    ranked = sorted(range(len(kept)), key=order)[:limit]
    return [(int(ids[i]), round(kept[i][0])) for i in ranked]


def _term(name: str, value: int) -> tantivy.Query:
    return tantivy.Query.term_query(f.schema(), name, int(value))
