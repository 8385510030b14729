"""Who may write the index: PostgreSQL advisory locks, visible to every process.

WRITER: held by the one process applying changes (`--follow`, `--apply`, the in-process
indexer of development and tests). REBUILD: held by a running `--rebuild` for its whole run;
while it is held, the indexer keeps the outbox rows it applies so the rebuild can replay them.
A rebuild asks for WRITER only for its final catch-up and swap; a follower that sees someone
waiting for WRITER hands it over and takes it back afterwards. tantivy's own lock file on each
build is the second guard: two writers on one build cannot happen even by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

NAMESPACE = 0x5E4C  # arbitrary, fixed: the search index's advisory locks
WRITER = 1
REBUILD = 2


class IndexerBusy(Exception):
    """Another process holds the lock; the message says which."""


@dataclass(frozen=True)
class Holder:
    pid: int
    application: str
    since: object

    def __str__(self) -> str:
        app = f" ({self.application})" if self.application else ""
        return f"PostgreSQL backend {self.pid}{app}, connected since {self.since:%Y-%m-%d %H:%M:%S}"


def try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
        return cursor.fetchone()[0]


def lock(key: int) -> None:
    """Wait for the lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, key])


def unlock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key])


def try_lock_for_transaction(key: int) -> bool:
    """The lock until the current transaction ends (the in-process indexer)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [NAMESPACE, key])
        return cursor.fetchone()[0]


_HOLDERS = """
SELECT a.pid, coalesce(a.application_name, ''), a.backend_start
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.objsubid = 2
  AND l.granted = %s AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def holders(key: int, *, waiting: bool = False) -> list[Holder]:
    """Other sessions holding (or, with `waiting`, waiting for) the lock."""
    with connection.cursor() as cursor:
        cursor.execute(_HOLDERS, [NAMESPACE, key, not waiting])
        return [Holder(*row) for row in cursor.fetchall()]


def busy_message(key: int, what: str) -> str:
    found = holders(key)
    who = str(found[0]) if found else "another session"
    return f"{what} is already running in {who}."
