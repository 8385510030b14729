"""`/health/` for load balancers and monitors: a registry of named checks.

`archive` knows only the databases; apps add their own parts at start-up (the search index,
say) with `register_health_check("search", check)` from their `AppConfig.ready()`. A check
returns a short status ("ok") or a dict of details with a "status", or raises; a failing
*critical* check makes the node unhealthy (503), a failing optional one (a read replica the
node can do without) only marks it degraded. A check raises `Unhealthy(details)` to fail
with its details shown.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


class Unhealthy(Exception):  # noqa: N818 - reads as a verdict
    """Raised by a check that fails but can say how: `details` are reported as they are."""

    def __init__(self, details: str | dict):
        super().__init__(details)
        self.details = details


Result = str | dict


@dataclass(frozen=True)
class HealthCheck:
    name: str
    check: Callable[[], Result]
    critical: bool = True


_CHECKS: dict[str, HealthCheck] = {}


def register_health_check(name: str, check: Callable[[], Result], *, critical: bool = True) -> None:
    """Add (or replace) the check called `name`; its result is reported under that key."""
    _CHECKS[name] = HealthCheck(name, check, critical)


def registered_checks() -> list[HealthCheck]:
    return list(_CHECKS.values())


def run_health_checks() -> tuple[str, dict[str, Result]]:
    """("ok" | "degraded" | "error", {check name: its status or details})."""
    results: dict[str, Result] = {}
    overall = "ok"
    for item in registered_checks():
        try:
            results[item.name] = item.check()
            continue
        except Unhealthy as problem:
            results[item.name] = problem.details
        except Exception as exc:  # noqa: BLE001 - any failure is a health result, not a 500
            logger.warning("health check %s failed: %r", item.name, exc)
            results[item.name] = "unreachable"
        overall = "error" if item.critical else ("degraded" if overall == "ok" else overall)
    return overall, results


def database_check(alias: str = "default") -> Callable[[], str]:
    def check() -> str:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"

    return check


@never_cache
def health(request):
    status, results = run_health_checks()
    return JsonResponse({"status": status, **results}, status=503 if status == "error" else 200)
