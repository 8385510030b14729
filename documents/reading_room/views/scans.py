"""Scan files, served only for documents the reader may see.

Scans live in storage under guessable paths, so the public site never links to storage
directly: a scan of a draft must not be fetchable by an anonymous reader.
"""

import mimetypes
import os

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from documents.models import Scan
from documents.selectors import documents_visible_to, is_public
from documents.services import pdf_pages
from documents.services.scans import is_pdf, pdf_page_jpeg


def _scan(request, record_number, scan_id) -> tuple:
    document = get_object_or_404(
        documents_visible_to(user=request.user), record_number=record_number
    )
    return document, get_object_or_404(Scan, pk=scan_id, document=document)


def _cache_headers(response, document) -> None:
    if is_public(document):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)


def scan_file(request, record_number, scan_id, variant="file"):
    document, scan = _scan(request, record_number, scan_id)
    stored = scan.thumbnail if variant == "thumbnail" else scan.file
    if not stored:
        raise Http404("This scan has no such file.")
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The scan's file is missing from storage.") from None
    name = os.path.basename(stored.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, filename=name)
    _cache_headers(response, document)
    return response


def scan_page(request, record_number, scan_id, page):
    """Page `page` of a PDF scan as a JPEG, for the scan viewer (rendered on first request and
    kept in the cache; browsers and shared caches keep public pages for an hour)."""
    document, scan = _scan(request, record_number, scan_id)
    if not scan.file or not is_pdf(scan.file.name):
        raise Http404("This scan is not a PDF.")
    try:
        image = pdf_page_jpeg(scan, page)
    except OSError:
        raise Http404("The scan's file is missing from storage.") from None
    except IndexError:
        raise Http404("The PDF has no such page.") from None
    except pdf_pages.PdfUnreadable:
        raise Http404("The PDF's pages cannot be shown; download it instead.") from None
    response = HttpResponse(image, content_type="image/jpeg")
    _cache_headers(response, document)
    return response
