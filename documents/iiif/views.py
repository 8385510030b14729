"""The manifest endpoint: `/documents/<record number>/manifest.json`.

Readers get the manifests of public documents; staff who may preview drafts on the document page
get theirs too, never cached. Any site may read a manifest (`Access-Control-Allow-Origin: *`):
IIIF viewers usually run on another origin.
"""

import json

from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from documents.iiif.manifest import MEDIA_TYPE, build
from documents.selectors import document_queryset, may_preview, published_documents


def _response(data, status: int, content_type: str) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=1)
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found(message: str) -> HttpResponse:
    response = _response({"error": message}, 404, "application/json")
    patch_cache_control(response, no_cache=True)
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept"
    response["Access-Control-Max-Age"] = "86400"
    return response


@csrf_exempt  # nothing here writes: a POST gets this view's 405, not a CSRF page
def manifest(request, record_number: int):
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        response = _response(
            {"error": "Manifests are read-only: use GET."}, 405, "application/json"
        )
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    preview = may_preview(request.user)
    doc = document_queryset(user=request.user).filter(record_number=record_number).first()
    if doc is None:
        return _not_found(f"No published document has the record number {record_number}.")
    public = not preview or published_documents().filter(pk=doc.pk).exists()
    data = build(doc, list(doc.scans.all()), request.build_absolute_uri, public=public)
    if data is None:
        return _not_found(f"Record {record_number} has no page images to show.")
    # The IIIF media type for clients that ask for JSON-LD; plain JSON for everyone else.
    accepts_ld = "application/ld+json" in request.headers.get("Accept", "")
    response = _response(data, 200, MEDIA_TYPE if accepts_ld else "application/json")
    patch_vary_headers(response, ["Accept"])
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response
