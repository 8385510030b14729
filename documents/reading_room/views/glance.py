"""The collection at a glance: /timeline/ (documents per year) and /map/ (places with their
documents), for the whole archive or any result set: both read the document list's own
parameters (`?q=…&place=…&date_from=…`), and every bar, marker and table row links to the
list narrowed accordingly. Counts come from the search engine (public documents only)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from documents.reading_room.atlas import MapPlace, Point, build_atlas
from documents.reading_room.cached import cached_public
from documents.reading_room.listing import PARAMS, read_filters
from documents.reading_room.timeline import build_timeline
from documents.search import reader
from documents.search.engine import index_state, search
from documents.search.facets import FACETS
from people.models import Place

# What a glance page passes on to the list (never a page or a page size of its own).
CARRIED = [p for p in PARAMS if p not in ("sort", "page_size")]


def _list_url(listing, **changes) -> str:
    """The document list for the same choices, with `changes` (lists for several values)."""
    query = {k: list(v) for k, v in listing.path_query.items() if k in CARRIED}
    for key, value in changes.items():
        query[key] = value if isinstance(value, list) else [str(value)]
    pairs = [(k, v) for k in CARRIED for v in query.get(k, [])]
    return reverse("document_list") + ("?" + urlencode(pairs) if pairs else "")


def glance_urls(listing, **extra) -> dict[str, str]:
    """The timeline's and the map's addresses for this list's choices (and `extra` ones, e.g.
    an entity page's own entity), for a list page to link to."""
    query = _list_url(listing, **extra).partition("?")[2]
    suffix = "?" + query if query else ""
    return {"timeline_url": reverse("timeline") + suffix, "map_url": reverse("atlas") + suffix}


def _engine_request(listing, **options):
    cleaned = listing.filterset.form.cleaned_data
    ids = reader.resolve({spec.param: cleaned.get(spec.param) or [] for spec in FACETS})
    return reader.search_request(cleaned, ids, page_size=1, **options)


def _context(listing, page: str) -> dict:
    return {
        "listing": listing,
        "filtered": bool(listing.chips),
        "list_url": _list_url(listing),
        "whole_url": reverse(page),
        **glance_urls(listing),
    }


def timeline(request):
    """Documents per year of the chosen result set (all public documents by default)."""
    listing = read_filters(request)
    context = _context(listing, "timeline")
    if listing.status == 200:
        result = search(_engine_request(listing, with_facets=False))
        listing.total = result.total
        context["timeline"] = build_timeline(
            result.years,
            result.undated,
            lambda start, end: _list_url(listing, date_from=start, date_to=end),
        )
    return render(request, "documents/timeline.html", context, status=listing.status)


def atlas(request):
    """Places with coordinates and their public documents in the chosen result set."""
    listing = read_filters(request)
    context = _context(listing, "atlas")
    if listing.status == 200:
        if listing.chips:
            places, unmapped, total = _places(listing)
        else:  # the whole archive: the same for every reader until something changes
            places, unmapped, total = cached_public(
                f"atlas:{index_state()}", lambda: _places(listing)
            )
        listing.total = total
        context["atlas"] = build_atlas(
            [MapPlace(point, count) for point, count in places],
            lambda chosen: _list_url(listing, place=[p.slug for p in chosen]),
        )
        context["unmapped"] = unmapped
        context["places_url"] = reverse("place_list")
    return render(request, "documents/atlas.html", context, status=listing.status)


def _places(listing) -> tuple[list[tuple[Point, int]], int, int]:
    """([(place, documents)] of the places with coordinates the result set names, how many
    it names without coordinates, its total). The engine counts public documents only (as
    the list's facets do), so every place counted is public."""
    result = search(
        _engine_request(listing, facet_names=("place",), facet_limit=None, with_histogram=False)
    )
    counts = {pk: n for pk, n in result.facet_counts.get("place", []) if n}
    rows = (
        Place.objects.filter(pk__in=list(counts), latitude__isnull=False)
        .order_by()
        .values_list("pk", "name", "slug", "latitude", "longitude")
    )
    places = [
        (Point(name, slug, float(lat), float(lng)), counts[pk]) for pk, name, slug, lat, lng in rows
    ]
    return places, len(counts) - len(places), result.total
