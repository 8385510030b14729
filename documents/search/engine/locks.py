"""Who may write an index: PostgreSQL advisory locks, visible to every process.

Each index (one per app node, `store.index_name()`) has its own two locks, so every node's
follower works at once. WRITER: held by the one process applying changes to that index
(`--follow`, `--apply`, the in-process indexer of development and tests). REBUILD: held by a
running `--rebuild` of it for its whole run. A rebuild asks for WRITER only for its final
catch-up and swap; a follower that sees someone waiting for WRITER hands it over and takes it
back afterwards. tantivy's own lock file on each build is the second guard: two writers on
one build cannot happen even by mistake.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.db import connection

from documents.search.engine.store import index_name

NAMESPACE = 0x5E4C  # arbitrary, fixed: the search index's advisory locks
WRITER = "writer"
REBUILD = "rebuild"


def key(kind: str, name: str | None = None) -> int:
    """The lock `kind` of the index `name` (default: this process's index)."""
    return zlib.crc32(f"{kind}:{name or index_name()}".encode()) & 0x7FFFFFFF


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


def try_lock(kind: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key(kind)])
        return cursor.fetchone()[0]


def lock(kind: str) -> None:
    """Wait for the lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, key(kind)])


def unlock(kind: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key(kind)])


def try_lock_for_transaction(kind: str) -> bool:
    """The lock until the current transaction ends (the in-process indexer)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [NAMESPACE, key(kind)])
        return cursor.fetchone()[0]


_HOLDERS = """
SELECT a.pid, coalesce(a.application_name, ''), a.backend_start
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.objsubid = 2
  AND l.granted = %s AND (l.pid <> pg_backend_pid() OR %s)
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def holders(
    kind: str, *, waiting: bool = False, name: str | None = None, mine: bool = False
) -> list[Holder]:
    """Other sessions (and this one too, with `mine`) holding -- or, with `waiting`, waiting
    for -- the lock `kind` of the index `name` (default: this process's index)."""
    with connection.cursor() as cursor:
        cursor.execute(_HOLDERS, [NAMESPACE, key(kind, name), not waiting, mine])
        return [Holder(*row) for row in cursor.fetchall()]


def busy_message(kind: str, what: str) -> str:
    found = holders(kind)
    who = str(found[0]) if found else "another session"
    return f"{what} is already running in {who}."
