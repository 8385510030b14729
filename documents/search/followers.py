"""Who reads the search outbox, how far each got, and the cleanup that keeps it small.

Every index (one per app node, named by `SEARCH_INDEX_NAME`) registers itself with its
horizon -- the transaction id below which it has applied every row -- and refreshes it as
it goes; a rebuild under way registers a hold at the point it started reading. The cleanup
deletes rows below the lowest horizon registered, so it never drops a row anyone listed
still needs. An index that stopped for good would hold rows forever: it is forgotten
(`search_index --forget NAME`), or expires after `SEARCH_FOLLOWER_EXPIRY_SECONDS` unseen
(it must then rebuild if it comes back); a hold whose rebuild is no longer running goes at
once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from documents.models import SearchFollower, SearchOutboxFloor
from documents.search import outbox

logger = logging.getLogger(__name__)
Kind = SearchFollower.Kind
# An advisory lock (the search index's namespace) taken by the cleanup and by an index that
# joins from the log's very beginning: one waits for the other, so no row such an index needs
# is deleted between its check of the floor and its registration.
CLEANUP_LOCK = (0x5E4C, 3)


def _lock_cleanup() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", CLEANUP_LOCK)


def report(name: str, horizon: int, build: str = "") -> bool:
    """Refresh a registered index or rebuild: it has applied every row below `horizon`.
    False when `name` is not registered (never was, forgotten or expired): `join` it."""
    updated = SearchFollower.objects.filter(name=name).update(
        horizon=horizon, build=build, seen_at=timezone.now()
    )
    return bool(updated)


def join(name: str, horizon: int, build: str = "", kind: str = Kind.INDEX) -> bool:
    """Register `name` at `horizon`, if the log still holds every row from there on; else
    False: rows it lacks may be gone, so it must be rebuilt."""
    with transaction.atomic():
        _lock_cleanup()
        if horizon < floor():
            return False
        SearchFollower.objects.update_or_create(
            name=name,
            defaults={"horizon": horizon, "build": build, "kind": kind, "seen_at": timezone.now()},
        )
    return True


def forget(name: str) -> bool:
    """Unregister `name`: the cleanup stops keeping rows for it. Whether it was there."""
    deleted, _ = SearchFollower.objects.filter(name=name).delete()
    return bool(deleted)


def floor() -> int:
    """Rows below this transaction id may have been deleted (0: none ever were)."""
    value = SearchOutboxFloor.objects.filter(pk=1).values_list("deleted_below", flat=True)
    return value.first() or 0


@dataclass(frozen=True)
class Cleanup:
    deleted: int
    below: int
    expired: list[str]


def cleanup(*, running_rebuilds: set[str], now: datetime | None = None) -> Cleanup:
    """Delete the rows every registered index and rebuild has applied.

    `running_rebuilds`: the names whose rebuild holds its lock now (a hold without one was
    left by a rebuild that died). Index followers unseen for longer than
    `SEARCH_FOLLOWER_EXPIRY_SECONDS` are unregistered first."""
    now = now or timezone.now()
    expiry = timedelta(seconds=settings.SEARCH_FOLLOWER_EXPIRY_SECONDS)
    with transaction.atomic():
        _lock_cleanup()
        expired = list(
            SearchFollower.objects.filter(kind=Kind.INDEX, seen_at__lt=now - expiry)
            .values_list("name", flat=True)
        )  # fmt: skip
        dead = [
            name
            for name in SearchFollower.objects.filter(kind=Kind.REBUILD).values_list(
                "name", flat=True
            )
            if name not in running_rebuilds
        ]
        SearchFollower.objects.filter(name__in=[*expired, *dead]).delete()
        for name in expired:
            logger.warning("Search index %s unseen since %s: forgotten.", name, now - expiry)
        horizons = list(SearchFollower.objects.values_list("horizon", flat=True))
        if not horizons:
            return Cleanup(0, floor(), expired)  # nobody to keep rows for: keep them all
        below = min(horizons)
        deleted = outbox.delete_below(below)
        floor_row, _ = SearchOutboxFloor.objects.get_or_create(pk=1)
        if below > floor_row.deleted_below:
            floor_row.deleted_below = below
            floor_row.cleaned_at = now
            floor_row.save()
    return Cleanup(deleted, below, expired)


@dataclass(frozen=True)
class FollowerState:
    name: str
    kind: str
    build: str
    horizon: int
    seen_at: datetime
    pending: int  # rows written at or above its horizon (an upper bound of what it lacks)


def listed() -> list[FollowerState]:
    """Every registered index and rebuild, with the rows each may still lack."""
    found = []
    for follower in SearchFollower.objects.order_by("name"):
        rows = outbox.pending(outbox.Progress(follower.horizon)).rows
        found.append(
            FollowerState(
                follower.name,
                follower.kind,
                follower.build,
                follower.horizon,
                follower.seen_at,
                rows,
            )
        )
    return found
