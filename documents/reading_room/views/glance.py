"""The collection at a glance: /timeline/ (documents per year) and /map/ (places with their
documents), for the whole archive or any result set: both read the document list's own
parameters (`?q=…&place=…&date_from=…`), and every bar, marker and table row links to the
list narrowed accordingly. Counts come from the search engine (public documents only)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from documents.reading_room.atlas import MapPlace, build_atlas
from documents.reading_room.cached import cached_public
from documents.reading_room.listing import PARAMS, read_filters
from documents.reading_room.timeline import build_timeline
from documents.search import reader
from documents.search.engine import index_state, search
from documents.search.facets import FACETS
from documents.selectors import public_entities
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
            counted, total = _place_counts(listing)
        else:  # the whole archive: the same for every reader until something changes
            counted, total = cached_public(f"atlas:{index_state()}", lambda: _place_counts(listing))
        listing.total = total
        places, unmapped = _places(listing, counted)
        context["atlas"] = build_atlas(
            places, lambda chosen: _list_url(listing, place=[p.slug for p in chosen])
        )
        context["unmapped"] = unmapped
    return render(request, "documents/atlas.html", context, status=listing.status)


def _place_counts(listing) -> tuple[list[tuple[int, int]], int]:
    """[(place id, documents)] of every place the result set names, and its total."""
    result = search(
        _engine_request(listing, facet_names=("place",), facet_limit=None, with_histogram=False)
    )
    return result.facet_counts.get("place", []), result.total


def _places(listing, counted) -> tuple[list[MapPlace], int]:
    """The counted places that have coordinates (public ones only), and how many have none."""
    counts = {pk: n for pk, n in counted if n}
    records = (
        public_entities(Place)
        .filter(pk__in=list(counts))
        .only("pk", "name", "slug", "kind", "latitude", "longitude")
    )
    places, unmapped = [], 0
    for place in records:
        if not place.has_coordinates:
            unmapped += 1
            continue
        url = _list_url(listing, place=[place.slug])
        places.append(MapPlace(place, counts[place.pk], url))
    return places, unmapped
