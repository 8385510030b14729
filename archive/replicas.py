"""Reads from PostgreSQL streaming replicas, writes to the primary, and read-your-writes.

`DATABASE_REPLICA_URLS` adds aliases `replica1`, `replica2`... (archive/database.py),
listed in `DATABASE_REPLICAS`. Only
a request marked by `ReplicaRoutingMiddleware` reads from a replica: a GET or HEAD outside
the admin from a client that has not written recently. Everything else (the admin, forms,
management commands, the search-index follower, sessions, users and login attempts) reads the
primary, so nothing that goes on to write ever decides from a replica's lagging copy.

Read-your-writes: any write request (POST, PUT, PATCH, DELETE) gets a short-lived cookie,
and while it lasts that browser reads the primary everywhere, so a curator who just
published a document sees it on the public pages at once.

A replica that fails is taken out of the rotation for `REPLICA_RETRY_SECONDS` (per process)
and the request is retried on another replica or the primary (resilience.py).
"""

import contextvars
import random
import time
from contextlib import contextmanager

from django.conf import settings

PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read from the primary always: the session and user behind a request, login attempts,
# admin log, content types and history (all read on the way to a write).
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "axes", "admin", "contenttypes", "reversion"}
)  # fmt: skip

# The replica this request reads from, or None for the primary.
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "archive_read_alias", default=None
)
_down_until: dict[str, float] = {}


def replica_aliases() -> list[str]:
    return list(settings.DATABASE_REPLICAS)


def is_replica(alias: str) -> bool:
    return alias in settings.DATABASE_REPLICAS


def healthy_replicas() -> list[str]:
    now = time.monotonic()
    return [alias for alias in replica_aliases() if _down_until.get(alias, 0.0) <= now]


def mark_replica_down(alias: str) -> None:
    """Leave `alias` out of the rotation for a while; the next read picks another."""
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    if _read_alias.get() == alias:
        _read_alias.set(pick_replica())


def mark_all_replicas_up() -> None:
    _down_until.clear()


def pick_replica() -> str | None:
    candidates = healthy_replicas()
    return random.choice(candidates) if candidates else None  # noqa: S311 - load spreading


def current_read_alias() -> str:
    return _read_alias.get() or PRIMARY


@contextmanager
def reads_from_primary():
    """Within the block, this request reads the primary (e.g. to build a shared cache entry,
    which must not be older than the content version it is stored under)."""
    token = _read_alias.set(None)
    try:
        yield
    finally:
        _read_alias.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads where the request's middleware said, writes and
    migrations on the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return current_read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def pinned_to_primary(request) -> bool:
    """True when this request must read the primary."""
    if request.method not in SAFE_METHODS:
        return True
    if request.COOKIES.get(settings.REPLICA_PIN_COOKIE):
        return True
    return any(request.path.startswith(prefix) for prefix in settings.REPLICA_PRIMARY_PATHS)


class ReplicaRoutingMiddleware:
    """Chooses the replica a request reads from (sticky for the whole request) and gives
    writers the read-your-writes cookie. Does nothing when no replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        alias = None if pinned_to_primary(request) else pick_replica()
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                settings.REPLICA_PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
