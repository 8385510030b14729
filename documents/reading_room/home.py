"""The home page: what the archive holds, a search box and ways in. Published documents only."""

from django.conf import settings
from django.db.models import Count, Max, Min
from django.shortcuts import render

from documents.models import Collection, Repository
from documents.reading_room.cached import cached_public
from documents.reading_room.related import LIST_FIELDS
from documents.selectors import ENTITY_DOCUMENTS, public_entities_joined, published_documents
from people.models import Organization, Person, Place

RECENT_COUNT = 6
TOP_COUNT = 8

DEFAULT_DESCRIPTION = (
    "Declassified documents, translated into English and described by archivists: "
    "read the text, see who and what each document concerns, and cite it."
)


def _by_document_count(model, tiebreak="name"):
    """Public entities with their number of published documents, most first."""
    path = ENTITY_DOCUMENTS[model]
    return (
        public_entities_joined(model)
        .annotate(document_count=Count(path, distinct=True))
        .order_by("-document_count", tiebreak, "pk")
    )


def home(request):
    """What the archive holds, a search box and ways in. Published documents only.

    The same for every reader, so built once per content version (cached.py)."""
    return render(request, "documents/home.html", cached_public("home", _home_context))


def _home_context() -> dict:
    published = published_documents()
    holdings = published.aggregate(
        count=Count("pk"), first=Min("date_earliest"), last=Max("date_latest")
    )
    people = _by_document_count(Person, "sort_name")
    organizations = _by_document_count(Organization)
    places = _by_document_count(Place)
    return {
        "description": getattr(settings, "ARCHIVE_DESCRIPTION", "") or DEFAULT_DESCRIPTION,
        "document_count": holdings["count"],
        "first_year": holdings["first"].year if holdings["first"] else None,
        "last_year": holdings["last"].year if holdings["last"] else None,
        "person_count": people.count(),
        "organization_count": organizations.count(),
        "place_count": places.count(),
        "top_people": list(people[:TOP_COUNT]),
        "top_organizations": list(organizations[:TOP_COUNT]),
        "top_places": list(places[:TOP_COUNT]),
        "collections": list(_by_document_count(Collection, "title").order_by("title")),
        "repositories": list(_by_document_count(Repository)),
        "recent_documents": list(
            published.only(*LIST_FIELDS, "published_at").order_by(
                "-published_at", "-record_number"
            )[:RECENT_COUNT]
        ),
    }
