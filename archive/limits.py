"""Request body caps, applied before a byte of the body is read.

`DATA_UPLOAD_MAX_MEMORY_SIZE` only counts what Django parses, and only when a view parses it:
an anonymous 100 MB POST to a page that answers 403 would still be received in full. This
middleware compares the declared `Content-Length` with the cap and answers 413 at once.
The cap is `REQUEST_MAX_BODY_BYTES` for everyone, and `UPLOAD_MAX_BODY_BYTES` for signed-in
staff under the admin (scans and import files). A body without a declared length is not
read by Django at all, so it needs no check here.
"""

from django.conf import settings
from django.http import HttpResponse


def _declared_length(request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else None


def body_cap(request) -> int:
    """The largest body this request may carry."""
    cap = settings.REQUEST_MAX_BODY_BYTES
    if request.path.startswith(settings.UPLOAD_PATH_PREFIX):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            cap = max(cap, settings.UPLOAD_MAX_BODY_BYTES)
    return cap


class RequestBodyLimitMiddleware:
    """413 for a declared body over the cap, 400 for an unreadable Content-Length.

    Goes after AuthenticationMiddleware (staff get the upload cap), before anything that
    reads the body (CSRF, views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length is None:
            return _plain(400, "The Content-Length header is not a number.")
        # Cheap test first: only a body over the public cap needs to know who is sending it.
        if length > settings.REQUEST_MAX_BODY_BYTES and length > body_cap(request):
            # The server drops the connection rather than drain the rest of the body.
            return _plain(
                413,
                f"The request body is {length:,} bytes; this address accepts at most "
                f"{body_cap(request):,}.",
            )
        return self.get_response(request)


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
