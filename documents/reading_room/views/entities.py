"""Entity and browse pages: people, organizations, places, subjects, collections.

They live in `documents` because they list documents; `people` must not import `documents`.
Browse lists show only entities with at least one published document (for every reader, so
lists never hint at unpublished work); each entity's page shows its published documents
through the same list component as /documents/ (documents.reading_room.listing).
"""

import string
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr, Upper
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from archive.params import parse_int
from archive.text import fold, folded
from documents.reading_room.cached import cached_public, public_entity_counts
from documents.reading_room.listing import build_listing
from documents.reading_room.roles import attach_roles, role_options
from documents.reading_room.structured_data import entity_meta
from documents.reading_room.together import KINDS as COMPANION_KINDS
from documents.reading_room.together import often_appears_with
from documents.reading_room.views.glance import glance_urls
from documents.search.facets import (
    FACETS_BY_PARAM,
    FacetSpec,
)
from documents.selectors import (
    visible_children,
    visible_entities,
    with_visible_parents,
)
from people.merge import resolve_former_slug

BROWSE_PAGE_SIZE = 50
MAX_BROWSE_QUERY = 200
LETTERS = list(string.ascii_uppercase)
OTHER = "other"  # names starting with a digit or a non-Latin letter


@dataclass(frozen=True)
class Kind:
    """How one kind of entity is browsed and shown."""

    facet: FacetSpec  # the facet that filters documents by this kind
    plural: str
    singular: str
    list_url: str
    intro: str
    sort_field: str = "name"
    search_fields: tuple[str, ...] = ("name", "variants")
    hierarchical: bool = False

    @property
    def model(self):
        return self.facet.model

    @property
    def key(self) -> str:
        return self.facet.param


KINDS = {
    "person": Kind(
        FACETS_BY_PARAM["person"],
        "People",
        "Person",
        "person_list",
        "People who wrote, signed, received or are discussed in the documents.",
        sort_field="sort_name",
    ),
    "organization": Kind(
        FACETS_BY_PARAM["organization"],
        "Organizations",
        "Organization",
        "organization_list",
        "Party, state and military bodies, commissariats and foreign organizations.",
        search_fields=("name", "abbreviation", "variants"),
        hierarchical=True,
    ),
    "place": Kind(
        FACETS_BY_PARAM["place"],
        "Places",
        "Place",
        "place_list",
        "Countries, regions, cities and features where documents were written or which they "
        "discuss.",
        hierarchical=True,
    ),
    "subject": Kind(
        FACETS_BY_PARAM["subject"],
        "Subjects",
        "Subject",
        "subject_list",
        "Subject headings assigned by the archivists.",
        search_fields=("name",),
    ),
    "collection": Kind(
        FACETS_BY_PARAM["collection"],
        "Collections",
        "Collection",
        "collection_list",
        "Curated groups of documents.",
        sort_field="title",
        search_fields=("title",),
    ),
}


def _has_nul(request) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


def _error(request, kind: Kind, status: int, message: str):
    """A 400/404 page that says what went wrong and leads back to the list."""
    title = "We could not read that request" if status == 400 else "Not found"
    context = {
        "title": title,
        "message": message,
        "back_url": reverse(kind.list_url),
        "back_label": f"Browse all {kind.plural.lower()}",
    }
    return render(request, "people/error.html", context, status=status)


NUL_MESSAGE = "The address contains a NUL character; remove it."


def _named(kind: Kind, q: str) -> set[int]:
    """Ids of records of `kind` (public or not: the caller intersects) whose names match `q`,
    accents and case ignored, matched here over names folded once per content version:
    folding every name in PostgreSQL took seconds per request at a million documents."""
    wanted = fold(q).lower()
    return {pk for pk, names in _folded_names(kind) if wanted in names}


def _folded_names(kind: Kind) -> list[tuple[int, str]]:
    def build():
        rows = kind.model.objects.order_by().values_list("pk", *kind.search_fields)
        # NUL between fields: a reader's search never holds one (refused with a 400).
        return [(pk, "\0".join(fold(v or "").lower() for v in values)) for pk, *values in rows]

    return cached_public(f"entity-names:{kind.key}", build)


def _filed(kind: Kind) -> list[tuple[int, str]]:
    """(id, initial) of every public record of the kind, in the list's order, decided once
    per content version and shared (a name filter narrows it): folding and sorting every
    public name is most of an A–Z page's work at a million documents."""

    def build():
        ids = list(public_entity_counts(kind.model))
        table = connection.ops.quote_name(kind.model._meta.db_table)
        public = RawSQL(f"{table}.id = ANY(%s)", (ids,), output_field=BooleanField())
        rows = (
            kind.model.objects.alias(public=public)
            .filter(public=True)
            .annotate(initial=Upper(Substr(folded(F(kind.sort_field)), 1, 1)))
            .order_by(kind.sort_field, "pk")
            .values_list("pk", "initial")
        )
        return list(rows)

    return cached_public(f"entity-filed:{kind.key}", build)


def _filed_under(letter: str, initial: str) -> bool:
    if letter == OTHER:
        return initial not in LETTERS
    return not letter or initial == letter


def _choices(kind: Kind, q: str, letter: str) -> tuple[list[int], set[str]]:
    """The ids the pages run over, in order, and the initials present (for the letter bar):
    the public records (`_filed`) whose names match `q`, under `letter`."""
    filed = _filed(kind)
    if q:
        named = _named(kind, q)
        filed = [(pk, initial) for pk, initial in filed if pk in named]
    chosen = [pk for pk, initial in filed if _filed_under(letter, initial)]
    return chosen, {initial for _, initial in filed}


def _letters(present: set[str], letter: str, url) -> list[dict]:
    """A–Z links (live only where names are filed), then "Other" when any name is."""
    letters = [
        {"label": ch, "url": url(letter=ch), "present": ch in present, "current": ch == letter}
        for ch in LETTERS
    ]
    if present - set(LETTERS):
        letters.append(
            {
                "label": "Other",
                "url": url(letter=OTHER),
                "present": True,
                "current": letter == OTHER,
            }
        )
    return letters


def entity_list(request, kind: Kind):
    """A–Z list of one kind with published-document counts, a name filter and pages."""
    if _has_nul(request):
        return _error(request, kind, 400, NUL_MESSAGE)
    q = request.GET.get("q", "").strip()[:MAX_BROWSE_QUERY]
    letter = request.GET.get("letter", "").strip()
    letter = letter.upper() if letter.upper() in LETTERS else (OTHER if letter == OTHER else "")

    chosen, present = _choices(kind, q, letter)
    paginator = Paginator(chosen, BROWSE_PAGE_SIZE)
    raw_page = request.GET.get("page") or "1"
    try:
        number = parse_int(raw_page)
        if number is None:
            raise InvalidPage
        page = paginator.page(number)
    except InvalidPage:
        return _error(
            request,
            kind,
            404,
            f"There is no page “{raw_page[:20]}” of this list: pages run from 1 to "
            f"{paginator.num_pages}.",
        )

    def url(**changes):
        params = {"q": q, "letter": letter, **changes}
        pairs = [(k, v) for k, v in params.items() if v not in ("", None) and (k, v) != ("page", 1)]
        return "?" + urlencode(pairs) if pairs else "?"

    context = {
        "kind": kind,
        "page": page,
        "entities": _counted(kind, list(page.object_list)),
        "q": q,
        "letter": letter,
        "letters": _letters(present, letter, url),
        "all_url": url(letter=""),
        "clear_url": "?",
        "previous_url": url(page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page=page.next_page_number()) if page.has_next() else "",
        "first_url": url(page=1),
        "last_url": url(page=paginator.num_pages),
    }
    return render(request, "people/entity_list.html", context)


def _counted(kind: Kind, ids: list[int]) -> list:
    """The page's records, in the page's order, with their public-document counts (from the
    counts kept per content version, not counted per row: at a million documents a row's
    count takes a fifth of a second)."""
    counts = public_entity_counts(kind.model)
    records = kind.model.objects.filter(pk__in=ids)
    if kind.hierarchical:
        records = with_visible_parents(records)  # “City in …” only for a public parent
    by_id = {record.pk: record for record in records}
    for record in by_id.values():
        record.document_count = counts.get(record.pk, 0)
    return [by_id[pk] for pk in ids if pk in by_id]


def _coordinate(value, positive: str, negative: str) -> str:
    return f"{abs(value):.4f}° {positive if value >= 0 else negative}"


MAP_ZOOM = {"country": 4, "region": 5, "province": 5, "district": 7, "city": 9, "town": 10}


def _map(place) -> dict:
    return {
        "lat": place.latitude,
        "lng": place.longitude,
        "text": f"{_coordinate(place.latitude, 'N', 'S')}, "
        f"{_coordinate(place.longitude, 'E', 'W')}",
        "zoom": MAP_ZOOM.get(place.kind, 6),
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
    }


def _moved(request, kind: Kind, slug: str):
    """A permanent redirect from a former slug to the entity's page, if the reader may see
    it; otherwise a 404 page (a former slug never reveals a hidden record)."""
    moved = resolve_former_slug(kind.model, slug)
    visible = visible_entities(kind.model, user=request.user)
    if moved is None or not visible.filter(pk=moved.pk).exists():
        message = f"No {kind.singular.lower()} has the address “{slug[:100]}”."
        return _error(request, kind, 404, message)
    target = moved.get_absolute_url()
    if request.GET:
        target += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(target)


def entity_detail(request, kind: Kind, slug: str):
    """One entity: what the archive knows of it, and its documents as a filterable list.

    Readers see only entities some published document names (staff who may preview see
    all): anything else answers 404, like an unpublished document, even at a former slug.
    Its parent and children are shown under the same rule."""
    if _has_nul(request):
        return _error(request, kind, 400, NUL_MESSAGE)
    entities = visible_entities(kind.model, user=request.user)
    if kind.hierarchical:
        entities = with_visible_parents(entities, user=request.user)
    entity = entities.filter(slug=slug).first()
    if entity is None:
        return _moved(request, kind, slug)

    listing = build_listing(request, within=(kind.key, entity))
    children = list(visible_children(entity, user=request.user)) if kind.hierarchical else []
    context = {
        "kind": kind,
        "entity": entity,
        "listing": listing,
        "children": children,
        "list_url": reverse(kind.list_url),
        "meta": entity_meta(request, kind, entity, children=children, count=listing.total or 0),
    }
    if kind.key == "place" and entity.has_coordinates:
        context["map"] = _map(entity)
    if listing.status == 200:
        context["glance"] = glance_urls(listing, **{kind.key: [entity.slug]})
        context["roles"] = role_options(listing, kind.key)
        attach_roles(listing, kind.key, entity)
    if kind.key in COMPANION_KINDS:
        context["companions"] = often_appears_with(kind.key, entity)
    return render(request, "people/entity_detail.html", context, status=listing.status)


def person_list(request):
    return entity_list(request, KINDS["person"])


def organization_list(request):
    return entity_list(request, KINDS["organization"])


def place_list(request):
    return entity_list(request, KINDS["place"])


def subject_list(request):
    return entity_list(request, KINDS["subject"])


def collection_list(request):
    return entity_list(request, KINDS["collection"])


def person_detail(request, slug):
    return entity_detail(request, KINDS["person"], slug)


def organization_detail(request, slug):
    return entity_detail(request, KINDS["organization"], slug)


def place_detail(request, slug):
    return entity_detail(request, KINDS["place"], slug)


def subject_detail(request, slug):
    return entity_detail(request, KINDS["subject"], slug)


def collection_detail(request, slug):
    return entity_detail(request, KINDS["collection"], slug)
