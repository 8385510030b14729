"""The home page: what the archive holds, a search box and ways in. Published documents only."""

from django.conf import settings
from django.db.models import Count, Max, Min
from django.shortcuts import render

from documents.models import Collection, Document, Repository
from documents.reading_room.cached import cached_public
from documents.reading_room.related import LIST_FIELDS
from people.models import Organization, Person, Place

RECENT_COUNT = 6
TOP_COUNT = 8

DEFAULT_DESCRIPTION = (
    "Declassified documents, translated into English and described by archivists: "
    "read the text, see who and what each document concerns, and cite it."
)


def _with_published_documents(model, published_ids, tiebreak="name"):
    """Entities linked to at least one published document, with how many, most first."""
    return (
        model.objects.filter(document_links__document__in=published_ids)
        .annotate(document_count=Count("document_links__document", distinct=True))
        .order_by("-document_count", tiebreak, "pk")
    )


def home(request):
    """What the archive holds, a search box and ways in. Published documents only.

    The same for every reader, so built once per content version (cached.py)."""
    return render(request, "documents/home.html", cached_public("home", _home_context))


def _home_context() -> dict:
    published = Document.objects.published()
    published_ids = published.values("pk")
    holdings = published.aggregate(
        count=Count("pk"), first=Min("date_earliest"), last=Max("date_latest")
    )
    people = _with_published_documents(Person, published_ids, "sort_name")
    organizations = _with_published_documents(Organization, published_ids)
    places = _with_published_documents(Place, published_ids)
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
        "collections": list(
            Collection.objects.filter(documents__in=published_ids)
            .annotate(document_count=Count("documents", distinct=True))
            .order_by("title")
        ),
        "repositories": list(
            Repository.objects.filter(documents__in=published_ids)
            .annotate(document_count=Count("documents", distinct=True))
            .order_by("-document_count", "name")
        ),
        "recent_documents": list(
            published.only(*LIST_FIELDS, "published_at").order_by(
                "-published_at", "-record_number"
            )[:RECENT_COUNT]
        ),
    }
