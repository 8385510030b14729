"""The shared cache for what is expensive and the same for every reader, invalidated by a
version number.

Entries carry the content version they were built under, and count only while it is the
current one: `bump_cache_version()` retires every entry at once, and they are replaced as
they are asked for (or expire). One round trip reads the version and an entry together
(`versioned_get`). It is called by the write path's one hook
(`documents_changed`) and, as a safety net for every other write, on any save or delete of
a model of the apps that public pages show (`bump_on_writes_to`): a whole cached page
(`archive.pagecache`) shows everything about a record, so a caption or a collection's
description must invalidate it as surely as a publication.

Replicas: an entry must never hold content older than the version it is stored under, and a
replica a few milliseconds behind would store just that, for every node. So the first bump
after each commit records the primary's WAL position under the new version, and entries are
built on a replica only once it has replayed that far (`fresh_reads`); otherwise, or when
the position is unknown, on the primary. Values are also bounded in time: by `timeout`, and
by when content changes with no write at all (an embargo lifting: `content_lifetime`). The
cache is Redis in production (`CACHE_URL`) and process memory otherwise; if it cannot be
reached the page is built uncached -- a cache is never a reason to fail a request.
"""

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from archive import replicas

logger = logging.getLogger(__name__)

VERSION_KEY = "archive:content-version"
POSITION_KEY = "archive:content-position:v{}"  # the primary's WAL position of a version
DEFAULT_TIMEOUT = 300
T = TypeVar("T")
MISSING = object()
_lifetimes: list[Callable[[], float | None]] = []


def _new_version() -> int:
    """A starting number no earlier run used, so entries that outlived an evicted or flushed
    version key can never be mistaken for current ones."""
    return int(time.time() * 1000)


def cache_version() -> int:
    """The current content version (0: the cache cannot be reached)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _new_version(), timeout=None)
            version = cache.get(VERSION_KEY) or _new_version()
        return int(version)
    except Exception:  # noqa: BLE001 - an unreachable cache means "uncached", not an error
        logger.warning("cache unreachable while reading the content version", exc_info=True)
        return 0


def versioned_get(key: str) -> tuple[int, object]:
    """(the current content version, the value kept under `key` if it was built under that
    version, else `MISSING`), in one round trip. Version 0: the cache cannot be reached."""
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:  # noqa: BLE001 - an unreachable cache means "uncached", not an error
        logger.warning("cache unreachable while reading %s", key, exc_info=True)
        return 0, MISSING
    version = found.get(VERSION_KEY)
    if version is None:
        return cache_version(), MISSING
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == version:
        return int(version), kept[1]
    return int(version), MISSING


def versioned_set(key: str, version: int, value, timeout: int | None) -> None:
    """Keep `value`, built under `version`, for `timeout` seconds."""
    try:
        cache.set(key, (version, value), timeout=timeout)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable while storing %s", key, exc_info=True)


def _bump() -> int | None:
    """A new version; its number, when the cache gave one."""
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (first run, evicted or flushed)
        cache.add(VERSION_KEY, _new_version(), timeout=None)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: could not bump the content version", exc_info=True)
    return None


def _bump_committed(using: str) -> None:
    """After a commit: a new version, and where the primary's WAL stood once it was taken
    (every write committed before this bump lies before that position)."""
    version = _bump()
    if version is None:
        return
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            position = cursor.fetchone()[0]
        cache.set(POSITION_KEY.format(version), position, timeout=24 * 3600)
    except Exception:  # noqa: BLE001 - unknown position: entries of this version use the primary
        logger.warning("could not record the WAL position of version %s", version, exc_info=True)


def bump_cache_version(using: str = replicas.PRIMARY) -> None:
    """Invalidate everything cached under the content version: now, and again when the
    current transaction commits (a reader who rebuilt in between saw the uncommitted past),
    once per transaction however many writes it makes."""
    _bump()
    conn = connections[using]
    # Django drops the callbacks of a transaction (or savepoint) that rolls back.
    if any(getattr(func, "bumps_cache", False) for _, func, _ in conn.run_on_commit):
        return

    def committed():
        _bump_committed(using)

    committed.bumps_cache = True
    transaction.on_commit(committed, using=using)


def bump_on_writes_to(app_labels: list[str], *, except_models: tuple = ()) -> None:
    """Bump the version on every ORM save or delete (and many-to-many change) of a model of
    these apps, but `except_models` (machinery no page shows)."""

    def changed(sender, **kwargs):
        bump_cache_version()

    for app_label in app_labels:
        for model in apps.get_app_config(app_label).get_models():
            if model in except_models:
                continue
            uid = f"archive_cache_{model._meta.label_lower}"
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + "_save")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + "_delete")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(
                    changed, sender=through, weak=False, dispatch_uid=uid + field.name
                )


# --- Reading fresh enough --------------------------------------------------------------------


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_has_replayed(alias: str, position: str) -> bool:
    """Whether the replica `alias` has replayed the primary's WAL up to `position`."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            replayed = cursor.fetchone()[0]
    except DatabaseError:
        return False  # the request's own reads will find out and fall back
    return replayed is not None and _lsn(replayed) >= _lsn(position)


@contextmanager
def fresh_reads(version: int):
    """Within the block, this request's reads see at least everything `version` covers:
    its replica when that has replayed the version's last write, else the primary."""
    alias = replicas.current_read_alias()
    if alias == replicas.PRIMARY:
        yield
        return
    try:
        position = cache.get(POSITION_KEY.format(version))
    except Exception:  # noqa: BLE001
        position = None
    if position is not None and replica_has_replayed(alias, position):
        yield
        return
    with replicas.reads_from_primary():
        yield


# --- How long content stays right ---------------------------------------------------------------


def register_content_lifetime(seconds: Callable[[], float | None]) -> None:
    """Apps add what changes public content with no write (an embargo lifting): `seconds()`
    says how long what is built now stays right (None: no limit)."""
    if seconds not in _lifetimes:
        _lifetimes.append(seconds)


def content_lifetime(limit: float) -> int:
    """Seconds what is built now may be kept: at most `limit`, never past the next change
    no write announces."""
    lifetime = limit
    for seconds in _lifetimes:
        value = seconds()
        if value is not None:
            lifetime = min(lifetime, value)
    return max(0, int(lifetime))


def cached(name: str, build: Callable[[], T], timeout: int | None = DEFAULT_TIMEOUT) -> T:
    """`build()`'s value, from the cache when it was built under this content version.

    `timeout` may also be a callable of the built value, returning seconds (e.g. until the
    next embargo lifts)."""
    key = f"archive:{name}"
    version, value = versioned_get(key)
    if version == 0:
        return build()
    if value is not MISSING:
        return value
    with fresh_reads(version):
        value = build()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds is None or seconds > 0:
        versioned_set(key, version, value, seconds)
    return value
