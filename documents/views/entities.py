"""Entity and browse pages: people, organizations, places, subjects, collections.

They live in `documents` because they list documents; `people` must not import `documents`.
(Reading-room work fills this in.)
"""

from django.http import Http404, HttpResponse

from documents.models import Collection, Subject
from people.models import Organization, Person, Place


def _entity(model, slug):
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        raise Http404
    return HttpResponse(str(obj), content_type="text/plain")


def person_list(request):
    return HttpResponse("people")


def organization_list(request):
    return HttpResponse("organizations")


def place_list(request):
    return HttpResponse("places")


def subject_list(request):
    return HttpResponse("subjects")


def collection_list(request):
    return HttpResponse("collections")


def person_detail(request, slug):
    return _entity(Person, slug)


def organization_detail(request, slug):
    return _entity(Organization, slug)


def place_detail(request, slug):
    return _entity(Place, slug)


def subject_detail(request, slug):
    return _entity(Subject, slug)


def collection_detail(request, slug):
    return _entity(Collection, slug)
