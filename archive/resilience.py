"""Surviving a database restart or a lost replica without showing readers server errors.

Three layers, cheapest first:

1. Persistent connections are health-checked before reuse (`CONN_HEALTH_CHECKS`), so a
   connection left over from before a restart is replaced, not failed on.
2. `DatabaseResilienceMiddleware`: a read (GET/HEAD/OPTIONS) whose view fails with a
   connection error is run once more, after closing the broken connection -- at once on
   another database when a replica failed (and that replica leaves the rotation), or once
   the primary answers again, waiting at most `DATABASE_RETRY_WAIT_SECONDS`. A write is
   never replayed: it may have been half done.
3. Whatever still fails for want of a database becomes a styled 503 with `Retry-After`
   (here, or in `errors.server_error` for errors raised outside a view).
"""

import logging
import time

from django.conf import settings
from django.db import connections

from archive import replicas
from archive.errors import DATABASE_ERRORS, service_unavailable

logger = logging.getLogger(__name__)

RETRIED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
POLL_SECONDS = 0.2


def close_failed_connections() -> list[str]:
    """Close the connections a database error went through (all open ones if none says
    so); return their aliases. Failed replicas leave the rotation."""
    opened = list(connections.all(initialized_only=True))
    failed = [conn for conn in opened if conn.errors_occurred] or opened
    for conn in failed:
        try:
            conn.close()
        except DATABASE_ERRORS:
            conn.connection = None
        if replicas.is_replica(conn.alias):
            replicas.mark_replica_down(conn.alias)
    return [conn.alias for conn in failed]


def wait_for_database(alias: str, timeout: float) -> bool:
    """True as soon as `alias` accepts a connection again; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    conn = connections[alias]
    while True:
        try:
            conn.ensure_connection()
            return True
        except DATABASE_ERRORS:
            conn.close()
        if time.monotonic() + POLL_SECONDS > deadline:
            return False
        time.sleep(POLL_SECONDS)


class DatabaseResilienceMiddleware:
    """Retry idempotent reads once on a connection error; answer 503 when that fails too.

    Put it last in MIDDLEWARE so its `process_exception` sees the view's own exception."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        failed = close_failed_connections()
        logger.warning("database error on %s %s (%s): %s", request.method, request.path,
                       ", ".join(failed), exception)  # fmt: skip
        if request.method not in RETRIED_METHODS or getattr(request, "_database_retried", False):
            return service_unavailable(request)
        request._database_retried = True
        target = replicas.current_read_alias()
        if target == replicas.PRIMARY or replicas.PRIMARY in failed:
            if not wait_for_database(replicas.PRIMARY, settings.DATABASE_RETRY_WAIT_SECONDS):
                return service_unavailable(request)
        match = request.resolver_match
        try:
            return match.func(request, *match.args, **match.kwargs)
        except DATABASE_ERRORS as again:
            close_failed_connections()
            logger.warning("retry of %s %s failed: %s", request.method, request.path, again)
            return service_unavailable(request)
