"""Search and browse: /documents/. Public: only `published_documents()`, for everyone."""

from django.shortcuts import render

from documents.reading_room.listing import build_listing


def document_list(request):
    listing = build_listing(request)
    return render(
        request, "documents/document_list.html", {"listing": listing}, status=listing.status
    )
