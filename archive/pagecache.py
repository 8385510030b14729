"""Whole pages for anonymous readers, from the shared cache.

Most traffic is anonymous readers asking for the same public pages and API answers; building
one costs tens of queries and a template, serving it from Redis a fraction of a millisecond.
`PageCacheMiddleware` keeps the answer to a GET (or HEAD) under the content version
(`archive.cache`: any publication-relevant write moves every reader to new keys) and the full
address -- scheme, host, path and query string -- for at most `PAGE_CACHE_SECONDS`, never past
the next change no write announces (an embargo lifting).

Only what is the same for every anonymous reader is kept:

- the request carries no session, messages or read-your-writes cookie and no credentials
  (staff previews, signed-in pages and a curator's fresh writes are never cached, nor served
  from the cache), and its path is not under `PAGE_CACHE_EXCLUDE` (the admin, /health/...);
- the answer is a 200 that sets no cookie (a CSRF token or a session would), says nothing of
  `private`/`no-store`/`no-cache`, varies on nothing but `Cookie` (the reader has none), used
  no CSP nonce (public pages need none: a kept nonce would no longer match the header) and is
  at most `PAGE_CACHE_MAX_BYTES`.

It sits inside the middleware that adds the security headers (CSP, Permissions-Policy,
HSTS...), so every answer, cached or not, gets them fresh; and on a replica it builds only
from one that has replayed the version's writes (`archive.cache.fresh_reads`). A page served
from the cache says `X-Page-Cache: hit`; one just built and kept `miss`.
"""

import hashlib
import logging
import zlib

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from archive.cache import MISSING, content_lifetime, fresh_reads, versioned_get, versioned_set

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
METHODS = frozenset({"GET", "HEAD"})
REFUSED_CACHE_CONTROL = frozenset({"private", "no-store", "no-cache"})
ALLOWED_VARY = frozenset({"cookie"})
_DROPPED_HEADERS = frozenset({"set-cookie", HEADER.lower()})


def _cookies_that_matter() -> tuple[str, ...]:
    return (
        settings.SESSION_COOKIE_NAME,
        getattr(settings, "MESSAGES_COOKIE_NAME", "messages"),
        settings.REPLICA_PIN_COOKIE,
    )


def cacheable_request(request) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in METHODS:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    if any(name in request.COOKIES for name in _cookies_that_matter()):
        return False
    return not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE))


def page_key(request) -> str | None:
    """The key of this address (None: a host this site does not serve)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    address = f"{request.scheme}://{host}{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"archive:page:{digest}"


def cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "_csp_nonce", None) or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    if control & REFUSED_CACHE_CONTROL:
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    if not vary <= ALLOWED_VARY:
        return False
    return len(response.content) <= settings.PAGE_CACHE_MAX_BYTES


def _pack(response) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in _DROPPED_HEADERS]
    return (response.status_code, headers, zlib.compress(response.content, 1))


def _unpack(value) -> HttpResponse:
    status, headers, body = value
    response = HttpResponse(zlib.decompress(body), status=status)
    for name, header in headers:
        response[name] = header
    return response


class PageCacheMiddleware:
    """Serve anonymous readers' GETs of public pages from the shared cache (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        version, kept = versioned_get(key)  # one round trip
        if version == 0:
            return self.get_response(request)
        if kept is not MISSING:
            response = _unpack(kept)
            response[HEADER] = "hit"
            return response
        with fresh_reads(version):
            response = self.get_response(request)
        # A HEAD's answer is the GET's without its body: served from the cache, never stored.
        if request.method == "GET" and cacheable_response(request, response):
            seconds = content_lifetime(settings.PAGE_CACHE_SECONDS)
            if seconds > 0:
                versioned_set(key, version, _pack(response), seconds)
                response[HEADER] = "miss"
        return response
