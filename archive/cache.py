"""The shared cache for what is expensive and the same for every reader, invalidated by a
version number.

Keys carry the current content version; `bump_cache_version()` (called on every
publication-relevant change) moves every reader to fresh keys at once, and the old entries
simply expire. Entries are built from the primary database: a replica a few milliseconds
behind would otherwise store the old content under the new version, for every node. Values
are also bounded in time (`timeout`), which covers what no write announces: an embargo
lifting by itself, say. The cache is Redis in production (`CACHE_URL`) and process memory
otherwise; if it cannot be reached the page is built uncached -- a cache is never a reason
to fail a request.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from archive.replicas import reads_from_primary

logger = logging.getLogger(__name__)

VERSION_KEY = "archive:content-version"
DEFAULT_TIMEOUT = 300
T = TypeVar("T")
_MISSING = object()


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


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (first run, evicted or flushed)
        cache.add(VERSION_KEY, _new_version(), timeout=None)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: could not bump the content version", exc_info=True)


def bump_cache_version() -> None:
    """Invalidate everything cached by `cached()`: now, and again when the current
    transaction commits (a reader who rebuilt in between saw the uncommitted past)."""
    _bump()
    transaction.on_commit(_bump)


def cached(name: str, build: Callable[[], T], timeout: int | None = DEFAULT_TIMEOUT) -> T:
    """`build()`'s value, from the cache under this content version when there.

    `timeout` may also be a callable of the built value, returning seconds (e.g. until the
    next embargo lifts)."""
    version = cache_version()
    if version == 0:
        return build()
    key = f"archive:{name}:v{version}"
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable while reading %s", key, exc_info=True)
        return build()
    if value is not _MISSING:
        return value
    with reads_from_primary():
        value = build()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds is None or seconds > 0:
        try:
            cache.set(key, value, timeout=seconds)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable while storing %s", key, exc_info=True)
    return value
