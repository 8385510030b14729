"""The document page. (Reading-room work fills this in.)"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from documents.models import Document


def document_detail(request, record_number, slug=None):
    doc = get_object_or_404(Document.objects.visible_to(request.user), record_number=record_number)
    if slug != doc.slug:
        return redirect(doc, permanent=True)
    return HttpResponse(doc.title, content_type="text/plain")
