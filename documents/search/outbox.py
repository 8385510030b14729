"""The search outbox: which documents' index entries to refresh.

Database triggers fill it in the same transaction as each change (see
`documents.models.outbox`), so callers need not; `enqueue` is for asking explicitly (e.g.
after a change the triggers cannot see, or to re-index on purpose). The indexer claims rows
with `claim`, applies them, then `finish`es them; only one indexer works at a time (see
`documents.search.engine.locks`), and `SKIP LOCKED` keeps a second one harmless anyway.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

TABLE = "documents_searchoutbox"


def enqueue(document_ids: Iterable[int]) -> int:
    """Queue these documents for re-indexing: one INSERT, however many."""
    ids = [int(i) for i in document_ids if i is not None]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (document_id) SELECT unnest(%s::bigint[])", [ids])
    return len(ids)


def claim(limit: int) -> list[tuple[int, int]]:
    """Up to `limit` pending (row id, document id), oldest first, locked until the
    transaction ends. Call inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, document_id FROM {TABLE} WHERE NOT applied ORDER BY id LIMIT %s "
            "FOR UPDATE SKIP LOCKED",
            [limit],
        )
        return cursor.fetchall()


def claim_all() -> list[tuple[int, int]]:
    """Every row, applied or not (a rebuild's catch-up)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, document_id FROM {TABLE} ORDER BY id FOR UPDATE")
        return cursor.fetchall()


def finish(row_ids: list[int], *, keep: bool) -> None:
    """Applied: delete the rows, or with `keep` (a rebuild is running) mark them applied."""
    if not row_ids:
        return
    with connection.cursor() as cursor:
        if keep:
            cursor.execute(f"UPDATE {TABLE} SET applied = true WHERE id = ANY(%s)", [row_ids])
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [row_ids])


def purge_applied() -> int:
    """Delete rows kept for a rebuild that has finished."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE applied")
        return cursor.rowcount


def has_pending() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE NOT applied)")
        return cursor.fetchone()[0]


def pending_documents() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT document_id FROM {TABLE} WHERE NOT applied")
        return {row[0] for row in cursor.fetchall()}


def pending_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE NOT applied")
        return cursor.fetchone()[0]
