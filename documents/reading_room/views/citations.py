"""Citation downloads: BibTeX and RIS, for reference managers.

Same visibility as the page (`documents.selectors.document_queryset`): an unpublished
document's citation is a 404 for the public, and staff previewing it can still download one.
"""

from django.http import HttpResponse

from documents.citations import DocumentCitation
from documents.reading_room.views.document import get_document, permalink
from documents.selectors import is_public


def _download(request, record_number, extension: str, content_type: str, render) -> HttpResponse:
    doc = get_document(request, record_number)
    citation = DocumentCitation(doc, permalink(request, doc))
    response = HttpResponse(render(citation), content_type=f"{content_type}; charset=utf-8")
    filename = f"document-{doc.record_number}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if not is_public(doc):
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def document_bibtex(request, record_number):
    return _download(request, record_number, "bib", "application/x-bibtex", DocumentCitation.bibtex)


def document_ris(request, record_number):
    return _download(
        request,
        record_number,
        "ris",
        "application/x-research-info-systems",
        DocumentCitation.ris,
    )
