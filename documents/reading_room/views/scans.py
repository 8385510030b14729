"""Scan files, served only for documents the reader may see.

Scans live in storage under guessable paths, so the public site never links to storage
directly: a scan of a draft must not be fetchable by an anonymous reader.
"""

import mimetypes
import os

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from documents.models import Scan
from documents.selectors import documents_visible_to, is_public


def scan_file(request, record_number, scan_id, variant="file"):
    document = get_object_or_404(
        documents_visible_to(user=request.user), record_number=record_number
    )
    scan = get_object_or_404(Scan, pk=scan_id, document=document)
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
    if is_public(document):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
