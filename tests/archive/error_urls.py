"""The site's URLconf plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from archive.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug in a view")


def database_gone(request):
    """What psycopg raises (through Django) when the server cannot be reached."""
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/database/", database_gone),
    path("test-errors/500/", broken),
    *urlpatterns,
]
