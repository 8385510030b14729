"""Citation downloads: BibTeX and RIS. (Reading-room work fills this in.)"""

from django.http import HttpResponse


def document_bibtex(request, record_number):
    return HttpResponse("", content_type="application/x-bibtex")


def document_ris(request, record_number):
    return HttpResponse("", content_type="application/x-research-info-systems")
