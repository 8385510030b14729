"""Search and browse: /documents/. Public: only `published_documents()`, for everyone."""

from urllib.parse import urlencode

from django.shortcuts import render

from documents.reading_room.listing import build_listing
from documents.reading_room.result_set import EXPORT_LIMIT
from documents.reading_room.views.glance import glance_urls

EXPORT_FORMATS = [("ris", "RIS"), ("bib", "BibTeX"), ("csv", "CSV"), ("json", "JSON")]


def _export_query(listing) -> str:
    """The list's choices for the export links (the page and its size do not matter there)."""
    pairs = [
        (key, value)
        for key, values in listing.path_query.items()
        if key not in ("page", "page_size")
        for value in values
    ]
    return urlencode(pairs)


def document_list(request):
    listing = build_listing(request)
    context = {
        "listing": listing,
        "export_query": _export_query(listing),
        "export_formats": EXPORT_FORMATS,
        "export_limit": EXPORT_LIMIT,
        "glance": glance_urls(listing) if listing.total else None,
    }
    return render(request, "documents/document_list.html", context, status=listing.status)
