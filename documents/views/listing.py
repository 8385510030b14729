"""Search and browse: /documents/. (Reading-room work fills this in.)"""

from django.http import HttpResponse

from documents.models import Document


def document_list(request):
    docs = Document.objects.published()
    return HttpResponse("\n".join(str(d) for d in docs), content_type="text/plain")
