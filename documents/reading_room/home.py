"""The home page: what the archive holds, a search box and ways in. Published documents only.

Every number comes from one search engine call over the whole public archive (the total, the
date span, each facet's values with their counts, the most recently public documents); the
records it names are then loaded by id in one statement, and the recent documents in one
more. The page is the same for every reader, so it is also cached, keyed by the index's
state as well as the content version: a page built from an index that had not yet caught up
with a write is never kept as the page after it.
"""

from django.conf import settings
from django.shortcuts import render

from documents.models import Collection, Repository
from documents.reading_room.cached import cached_public
from documents.reading_room.related import LIST_FIELDS
from documents.search.engine import SearchRequest, SearchUnavailable, index_state, search
from documents.search.reader import load_records
from documents.selectors import published_documents
from people.models import Organization, Person, Place

RECENT_COUNT = 6
TOP_COUNT = 8
TIE_LIMIT = 200  # values counted as often as the last of the top ones, ordered by name among

DEFAULT_DESCRIPTION = (
    "Declassified documents, translated into English and described by archivists: "
    "read the text, see who and what each document concerns, and cite it."
)

# facet -> (model, the fields the page shows, the name it is ordered by among equal counts)
_SHOWN = {
    "person": (Person, ("id", "slug", "name", "sort_name", "birth", "death"), "sort_name"),
    "organization": (Organization, ("id", "slug", "name", "abbreviation"), "name"),
    "place": (Place, ("id", "slug", "name"), "name"),
    "collection": (Collection, ("id", "slug", "title", "description"), "title"),
    "archive": (Repository, ("id", "name", "abbreviation", "url", "location"), "name"),
}


def home(request):
    """What the archive holds, a search box and ways in. Published documents only.

    While there is no search index (a first build under way) the page still answers, with
    its search box, the number of documents and a word on the rest."""
    try:
        context = cached_public(f"home:{index_state()}", _home_context)
    except SearchUnavailable:
        context = {
            "description": _description(),
            "document_count": published_documents().count(),
            "holdings_unavailable": True,
        }
    return render(request, "documents/home.html", context)


def _description() -> str:
    return getattr(settings, "ARCHIVE_DESCRIPTION", "") or DEFAULT_DESCRIPTION


def _candidates(name: str, counts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The values a section may show: the top ones and any tied with the last of them."""
    if name in ("collection", "archive"):
        return counts  # every one is listed
    if len(counts) <= TOP_COUNT:
        return counts
    floor = counts[TOP_COUNT - 1][1]
    return [item for item in counts if item[1] >= floor][:TIE_LIMIT]


def _ranked(name: str, counts, records) -> list:
    """Records with their `document_count`, most documents first, then by name."""
    ordered = []
    for pk, count in counts:
        record = records.get(pk)
        if record is not None:
            record.document_count = count
            ordered.append(record)
    order_field = _SHOWN[name][2]
    ordered.sort(key=lambda r: (-r.document_count, getattr(r, order_field) or "", r.pk))
    return ordered


def _home_context() -> dict:
    result = search(SearchRequest(facet_limit=None, page_size=RECENT_COUNT, sort="recent"))
    counts = {name: _candidates(name, result.facet_counts.get(name, [])) for name in _SHOWN}
    records = load_records(
        {model: [pk for pk, _ in counts[name]] for name, (model, _, _) in _SHOWN.items()},
        {model: fields for model, fields, _ in _SHOWN.values()},
    )
    ranked = {
        name: _ranked(name, counts[name], records[model]) for name, (model, _, _) in _SHOWN.items()
    }
    recent = published_documents().filter(pk__in=result.ids).only(*LIST_FIELDS)
    by_id = {doc.pk: doc for doc in recent}
    return {
        "description": _description(),
        "document_count": result.total,
        "first_year": result.first_year,
        "last_year": result.last_year,
        "person_count": len(result.facet_counts.get("person", [])),
        "organization_count": len(result.facet_counts.get("organization", [])),
        "place_count": len(result.facet_counts.get("place", [])),
        "top_people": ranked["person"][:TOP_COUNT],
        "top_organizations": ranked["organization"][:TOP_COUNT],
        "top_places": ranked["place"][:TOP_COUNT],
        "collections": sorted(ranked["collection"], key=lambda c: (c.title, c.pk)),
        "repositories": ranked["archive"],
        "recent_documents": [by_id[pk] for pk in result.ids if pk in by_id],
    }
