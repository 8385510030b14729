"""The site's error pages: 400, 403 (and CSRF), 404, 500 and 503.

They are rendered without the request's context processors and touch no model, so a page
still comes out when the database is down; if even the template fails (a missing static
manifest, say), a plain page in the same words does. A database that cannot be reached gets
a 503 with `Retry-After`, never a 500, whichever path the error took (see resilience.py).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

MESSAGES = {
    400: (
        "Bad request",
        "We could not read that request. Check the address for stray characters, or start "
        "again from the home page.",
    ),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: (
        "Page not found",
        "There is no page at this address. It may have been mistyped, or the page may have moved.",
    ),
    500: (
        "Something went wrong",
        "The archive could not show this page because of an error on our side. It has been "
        "logged; please try again in a moment.",
    ),
    503: (
        "Temporarily unavailable",
        "The archive cannot reach its database just now. This usually lasts only a few "
        "seconds: please try again shortly.",
    ),
}
CSRF_MESSAGE = (
    "Your form could not be accepted because its security token was missing or had expired. "
    "This happens when a page has been open for a long time or cookies are blocked."
)


def render_error(status: int, *, template: str | None = None, message: str = "") -> HttpResponse:
    title, default_message = MESSAGES[status]
    context = {
        "ARCHIVE_NAME": settings.ARCHIVE_NAME,
        "ARCHIVE_SHORT_NAME": settings.ARCHIVE_SHORT_NAME,
        "status": status,
        "error_title": title,
        "error_message": message or default_message,
    }
    try:
        content = loader.render_to_string(template or f"{status}.html", context)
    except Exception:  # noqa: BLE001 - an error page must never fail in turn
        logger.exception("could not render the %s page", status)
        content = (
            f"<!doctype html><html lang='en'><title>{escape(title)}</title>"
            f"<h1>{escape(title)}</h1><p>{escape(message or default_message)}</p></html>"
        )
    response = HttpResponse(content, status=status)
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable(request=None, message: str = "") -> HttpResponse:
    """503 with `Retry-After`: what a reader gets while the database (or, with `message`,
    another part the page needs) cannot be reached."""
    response = render_error(503, message=message)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


class TemporarilyUnavailable(Exception):
    """A part of the service a page needs is missing for now (a search index being built,
    say): the reader gets a styled 503 saying `reader_message`; the exception's own text,
    meant for the operator, goes to the log."""

    reader_message = "Part of the archive is being prepared just now: please try again shortly."


class UnavailableMiddleware:
    """Answers `TemporarilyUnavailable` from any view with the styled 503, without a
    traceback in the log: it is a state of the service, not a bug."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TemporarilyUnavailable):
            return None
        logger.warning("%s %s: %s", request.method, request.path, exception)
        return service_unavailable(request, exception.reader_message)


def bad_request(request, exception=None):
    return render_error(400)


def permission_denied(request, exception=None):
    return render_error(403)


def page_not_found(request, exception=None):
    return render_error(404)


def server_error(request):
    """handler500. Django calls it inside its `except` block, so the error is at hand: one
    from the database is a temporary outage (503), anything else a bug (500)."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return service_unavailable(request)
    if isinstance(error, TemporarilyUnavailable):
        return service_unavailable(request, error.reader_message)
    return render_error(500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the styled 403, with what to do about it."""
    return render_error(403, template="403_csrf.html", message=CSRF_MESSAGE)
