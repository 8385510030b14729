"""Bulk downloads of the published collection: `/api/downloads/` lists them, each file is at
`/api/downloads/<name>` with its SHA-256 beside it (`<name>.sha256`, for `sha256sum -c`).

Each download carries its checksum in `ETag` and `Repr-Digest` (RFC 9530) and answers
conditional requests, so a mirror fetches a file only when it changed.
"""

import base64
from functools import wraps

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from documents.api.openapi import ENDPOINTS_BY_NAME, check_query
from documents.interchange.bulk import FORMATS, current_export, current_exports
from documents.models import CollectionExport

BY_FILENAME = {fmt.filename: fmt for fmt in FORMATS.values()}
MAX_AGE = 300


def describe(request, export: CollectionExport) -> dict:
    fmt = FORMATS[export.format]
    url = request.build_absolute_uri(reverse("api_download", args=[fmt.filename]))
    return {
        "format": fmt.key,
        "media_type": fmt.media_type,
        "description": fmt.description,
        "url": url,
        "sha256_url": url + ".sha256",
        "size": export.size,
        "sha256": export.sha256,
        "documents": export.documents,
        "generated_at": export.generated_at.isoformat(),
    }


def downloads_index(request) -> list[dict]:
    """The current files, rebuilt first if the collection changed (see interchange.bulk)."""
    return [describe(request, export) for export in current_exports().values()]


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, no_cache=True)
    return response


def read_only(view):
    """GET and HEAD (and CORS preflight) only, answered like the rest of the API (JSON errors,
    CORS)."""

    @csrf_exempt  # nothing here writes: a POST gets the 405 below, not a CSRF page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":  # a browser's CORS preflight
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = (
                "Accept, Cache-Control, If-Modified-Since, If-None-Match"
            )
            response["Access-Control-Max-Age"] = "86400"
            return response
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "Downloads are read-only: use GET.")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _public(response):
    response["Access-Control-Allow-Origin"] = "*"
    # Browser clients may read the checksum headers too (others are safelisted).
    response["Access-Control-Expose-Headers"] = "ETag, Repr-Digest"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@read_only
def index(request):
    problem = check_query(request, ENDPOINTS_BY_NAME["api_downloads"])
    if problem:
        return _error(400, problem)
    data = {"downloads": downloads_index(request)}
    return _public(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


class UnknownDownload(Exception):
    pass


def _export_for(filename: str) -> tuple:
    fmt = BY_FILENAME.get(filename)
    if fmt is None:
        raise UnknownDownload(filename)
    return fmt, current_export(fmt.key)


def _unknown(filename: str) -> JsonResponse:
    names = ", ".join(sorted(BY_FILENAME))
    return _error(404, f"No download is called “{filename[:100]}”; there are {names}.")


@read_only
def download(request, filename):
    try:
        fmt, export = _export_for(filename)
    except UnknownDownload:
        return _unknown(filename)
    etag = f'"{export.sha256}"'
    modified = export.generated_at.timestamp()
    unchanged = get_conditional_response(request, etag=etag, last_modified=modified)
    if unchanged is not None:
        return _public(unchanged)
    response = FileResponse(
        default_storage.open(export.file, "rb"),
        as_attachment=True,
        filename=fmt.filename,
        content_type=fmt.media_type,
    )
    response["Content-Length"] = str(export.size)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    digest = base64.b64encode(bytes.fromhex(export.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return _public(response)


@read_only
def checksum(request, filename):
    try:
        fmt, export = _export_for(filename)
    except UnknownDownload:
        return _unknown(filename)
    body = f"{export.sha256}  {fmt.filename}\n"
    return _public(HttpResponse(body, content_type="text/plain; charset=utf-8"))
