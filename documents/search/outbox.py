"""The search outbox: a log of documents to re-index, read to the end by every index.

Database triggers fill it in the same transaction as each change (see
`documents.models.outbox`); `enqueue` is for asking explicitly (to re-index on purpose).

Each index keeps its own `Progress` through the log and nobody deletes the rows they apply,
so any number of indexes (one per app node) each see every change. The catch of a log read
by position is that row ids are handed out when a row is written but become visible when
its transaction commits, in another order: an index that had read up to id 10 could miss
id 9, committed a moment later. So positions are kept by *transaction*: every row carries
its transaction's id (`txid`), and PostgreSQL tells which transactions have all finished
(`pg_current_snapshot()`'s xmin: every transaction below it has committed or rolled back).
Rows below that point can never appear any more; rows above it that are already visible are
applied at once and remembered (`Progress.above`) until the point passes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

TABLE = "documents_searchoutbox"


@dataclass(frozen=True)
class Row:
    id: int
    document_id: int
    txid: int


@dataclass(frozen=True)
class Progress:
    """How far an index has applied the log.

    Every row before the position (`txid`, `id`) -- ordered by transaction, then id -- has
    been applied, and so has every row listed in `above` (row id -> txid), which lie past
    it. A fresh index starts at `Progress()`, the log's beginning."""

    txid: int = 0
    id: int = 0
    above: dict[int, int] = field(default_factory=dict)

    def advance(self, rows: list[Row], finished_below: int, *, more: bool) -> Progress:
        """The position after applying `rows` (read in log order past this position, with
        `above` left out), given that every transaction below `finished_below` has ended.
        `more`: the read was cut short by its limit, so rows after the last may remain."""
        position = (self.txid, self.id)
        safe = (finished_below, 0)  # no row before it can appear any more
        if more and rows:
            last = (rows[-1].txid, rows[-1].id)
            safe = min(safe, last)
        position = max(position, safe)
        applied = {**self.above, **{row.id: row.txid for row in rows}}
        above = {i: t for i, t in applied.items() if (t, i) > position}
        return Progress(position[0], position[1], above)

    def to_json(self) -> dict:
        return {"txid": self.txid, "id": self.id, "above": sorted(self.above.items())}

    @classmethod
    def from_json(cls, data: dict) -> Progress:
        above = {int(i): int(t) for i, t in data.get("above", [])}
        return cls(int(data.get("txid", 0)), int(data.get("id", 0)), above)


def enqueue(document_ids: Iterable[int]) -> int:
    """Queue these documents for re-indexing: one INSERT, however many."""
    ids = [int(i) for i in document_ids if i is not None]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (document_id) SELECT unnest(%s::bigint[])", [ids])
    return len(ids)


def finished_below() -> int:
    """Every transaction with a lower id has ended (committed or rolled back).

    Take it *before* reading rows: the read then sees every row those transactions wrote."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


_PAST = "(txid, id) > (%s, %s) AND NOT (id = ANY(%s))"


def _past(progress: Progress) -> list:
    return [progress.txid, progress.id, list(progress.above)]


def read(progress: Progress, limit: int) -> list[Row]:
    """Up to `limit` visible rows past `progress`, in log order (transaction, then id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, document_id, txid FROM {TABLE} WHERE {_PAST} ORDER BY txid, id LIMIT %s",
            [*_past(progress), limit],
        )
        return [Row(*row) for row in cursor.fetchall()]


def has_pending(progress: Progress) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE {_PAST})", _past(progress))
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Pending:
    rows: int
    documents: int
    oldest: datetime | None  # when the oldest pending row was written


def pending(progress: Progress) -> Pending:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(DISTINCT document_id), min(created_at) FROM {TABLE} "
            f"WHERE {_PAST}",
            _past(progress),
        )
        return Pending(*cursor.fetchone())


def pending_documents(progress: Progress) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT document_id FROM {TABLE} WHERE {_PAST}", _past(progress))
        return {row[0] for row in cursor.fetchall()}


def delete_below(txid: int) -> int:
    """Delete the rows of transactions below `txid` (every index has applied them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE txid < %s", [txid])
        return cursor.rowcount


def size() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]
