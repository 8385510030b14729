"""Search and browse: /documents/. Public: only `published_documents()`, for everyone."""

from django.shortcuts import render

from documents.reading_room.listing import build_listing
from documents.reading_room.views.glance import glance_urls


def document_list(request):
    listing = build_listing(request)
    context = {"listing": listing, "glance": glance_urls(listing) if listing.total else None}
    return render(request, "documents/document_list.html", context, status=listing.status)
