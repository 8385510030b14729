"""A small read-only public JSON API, so the collection can be reused by other projects.

Plain `JsonResponse` views, no framework: the data is small and fixed, and every rule the
site already has is reused rather than restated. What is public is what the document page
loads for an anonymous reader (`documents.selectors`), for every caller: the API never
previews drafts, so its answers can be cached publicly. Lists filter through the reading room's own
`DocumentFilter`, so `/api/documents/?q=…&place=…` means exactly what `/documents/?q=…&place=…`
means, but strictly: where the reading room forgives (an unknown sort, a facet value that names
nothing), the API answers 400 and says why, so a client's mistake is never a silent empty or
unfiltered answer. Every address is declared once in `documents.api.openapi`, which both checks
requests and writes the OpenAPI description. Bad input answers a JSON 400/404
`{"error": "…"}`, never a 500.
"""

import logging
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from archive.params import parse_int
from documents.api.bulk import downloads_index
from documents.api.openapi import (
    DEFAULT_PAGE_SIZE,
    ENDPOINTS_BY_NAME,
    MAX_PAGE_SIZE,
    check_query,
    openapi_document,
)
from documents.citations import DocumentCitation, canonical_path
from documents.models import Document
from documents.search import reader
from documents.search.engine import SearchUnavailable, search
from documents.search.facets import FACETS, FACETS_BY_PARAM
from documents.search.filters import DocumentFilter
from documents.search.reader import CountedPaginator
from documents.selectors import (
    document_queryset,
    public_entities,
    published_documents,
    visible_children,
    with_visible_parents,
)
from people.merge import resolve_former_slug
from people.models import Organization, Person, Place

logger = logging.getLogger(__name__)

CACHE_OK = "public, max-age=300"
# Errors are not cached: a 404 must not outlive the moment a document is published.
CACHE_ERROR = "no-cache"
# What a browser may send and read across origins (CORS): conditional requests, and the
# paging links.
ALLOW_HEADERS = "Accept, Accept-Language, Cache-Control, If-Modified-Since, If-None-Match"
EXPOSE_HEADERS = "Link, ETag"


# --- responses ----------------------------------------------------------------------------


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public, read-only data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    response["Cache-Control"] = CACHE_OK if status == 200 else CACHE_ERROR
    return response


def preflight() -> HttpResponse:
    """The answer to a browser's CORS preflight (OPTIONS)."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response


def _error(status: int, message: str) -> JsonResponse:
    return _json({"error": message}, status=status)


def _has_nul(request, *values: str) -> bool:
    if any("\x00" in value for value in values):
        return True
    return any("\x00" in key or any("\x00" in v for v in vals) for key, vals in request.GET.lists())


def api_view(endpoint_name: str | None = None):
    """GET/HEAD only (OPTIONS answers a CORS preflight); NUL bytes anywhere are a 400; the
    query string must be what the view's declaration (`documents.api.openapi`,
    `endpoint_name`) allows.

    PostgreSQL text cannot hold NUL, so it is refused before any query sees it. CSRF checks
    are skipped so a POST gets this API's JSON 405 rather than a CSRF page: nothing here
    writes."""
    endpoint = ENDPOINTS_BY_NAME.get(endpoint_name) if endpoint_name else None

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return preflight()
            if request.method not in ("GET", "HEAD"):
                response = _error(405, "This API is read-only: use GET.")
                response["Allow"] = "GET, HEAD, OPTIONS"
                return response
            strings = [str(value) for value in kwargs.values()]
            if _has_nul(request, request.path, *strings):
                return _error(400, "The address contains a NUL character; remove it.")
            problem = check_query(request, endpoint) if endpoint else None
            if problem:
                return _error(400, problem)
            try:
                return view(request, *args, **kwargs)
            except SearchUnavailable as exc:  # no search index yet: try again shortly
                logger.warning("%s %s: %s", request.method, request.path, exc)
                response = _error(503, exc.reader_message)
                response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
                return response

        return wrapper

    return decorate


# --- serialization ------------------------------------------------------------------------


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _entity_ref(request, entity, kind: str) -> dict:
    return {
        "name": entity.name,
        "slug": entity.slug,
        "url": _absolute(request, entity.get_absolute_url()),
        "api_url": _absolute(request, reverse(f"api_{kind}_detail", args=[entity.slug])),
    }


def _links(request, links, kind: str) -> list[dict]:
    return [
        {
            **_entity_ref(request, getattr(link, kind), kind),
            "role": link.role,
            "uncertain": link.uncertain,
            "note": link.note,
        }
        for link in links
    ]


def document_summary(request, doc: Document) -> dict:
    """The fields a list shows; everything comes from the prefetches of `document_queryset`."""
    repo = doc.repository if doc.repository_id else None
    doc_type = doc.document_type if doc.document_type_id else None
    return {
        "record_number": doc.record_number,
        "url": _absolute(request, canonical_path(doc)),
        "api_url": _absolute(request, reverse("api_document_detail", args=[doc.record_number])),
        "title": doc.title,
        "date": doc.date_display,
        "date_edtf": doc.date.iso(),
        "date_earliest": doc.date_earliest,
        "date_latest": doc.date_latest,
        "date_precision": doc.date_precision,
        "date_circa": doc.date_circa,
        "summary": doc.summary,
        "document_type": {"name": doc_type.name, "slug": doc_type.slug} if doc_type else None,
        "original_archive": (
            {"name": repo.name, "abbreviation": repo.abbreviation, "slug": repo.slug}
            if repo
            else None
        ),
        "source_citation": doc.source_citation,
        "languages": [
            {"code": lang.code, "name": lang.name} for lang in doc.original_languages.all()
        ],
        "subjects": [
            {
                "name": link.tag.name,
                "slug": link.tag.slug,
                "url": _absolute(request, link.tag.get_absolute_url()),
            }
            for link in doc.subject_links.all()
        ],
        "people": _links(request, doc.person_links.all(), "person"),
        "organizations": _links(request, doc.organization_links.all(), "organization"),
        "places": _links(request, doc.place_links.all(), "place"),
        "collections": [
            {
                "title": c.title,
                "slug": c.slug,
                "url": _absolute(request, c.get_absolute_url()),
            }
            for c in doc.collections.all()
        ],
    }


def document_full(request, doc: Document) -> dict:
    permalink = _absolute(request, canonical_path(doc))
    citation = DocumentCitation(doc, permalink)
    number = doc.record_number
    return {
        **document_summary(request, doc),
        "full_text": doc.full_text,
        "original_text": doc.original_text,
        "original_classification": doc.original_classification,
        "obtained_by": doc.obtained_by,
        "translated_by": doc.translated_by,
        "funders": citation.funder_names,
        "rights": doc.rights_statement,
        "source_url": doc.source_url,
        "published_at": doc.published_at,
        "citation": {
            "text": citation.text,
            "bibtex_url": _absolute(request, reverse("document_bibtex", args=[number])),
            "ris_url": _absolute(request, reverse("document_ris", args=[number])),
        },
    }


# --- views --------------------------------------------------------------------------------


def _template(request, path: str) -> str:
    """An absolute RFC 6570 URL template: braces kept, not percent-encoded."""
    return f"{request.scheme}://{request.get_host()}{path}"


@api_view("api_root")
def api_root(request):
    """Where things are, so a client can start from `/api/`."""
    return _json(
        {
            "documents": _absolute(request, reverse("api_document_list")),
            "document": _template(request, "/api/documents/{record_number}/"),
            "person": _template(request, "/api/people/{slug}/"),
            "organization": _template(request, "/api/organizations/{slug}/"),
            "place": _template(request, "/api/places/{slug}/"),
            "downloads": downloads_index(request),
            "openapi": _absolute(request, reverse("api_openapi")),
            "docs": _absolute(request, reverse("api_docs")),
        }
    )


def _page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return _absolute(request, request.path + "?" + urlencode(list(query.lists()), doseq=True))


def _link_header(request, number: int, pages: int) -> str:
    """RFC 8288 `Link`: first, prev, next and last pages."""
    rels = [("first", 1), ("prev", number - 1), ("next", number + 1), ("last", pages)]
    return ", ".join(
        f'<{_page_link(request, n)}>; rel="{rel}"' for rel, n in rels if 1 <= n <= pages
    )


def _unknown_facet_values(request) -> str | None:
    """A facet value no published document has (a typo, a retired slug): the reading room
    shows an empty list for it, the API says so. One query per facet given."""
    for param, spec in FACETS_BY_PARAM.items():
        values = [v.strip() for v in request.GET.getlist(param) if v.strip()]
        if not values:
            continue
        public = public_entities(spec.model).filter(**{f"{spec.value_field}__in": values})
        known = set(public.values_list(spec.value_field, flat=True))
        unknown = [v for v in values if v not in known]
        if unknown:
            return (
                f"Unknown {spec.singular.lower()} “{unknown[0][:100]}”: no published document "
                f"has it. Values are {spec.value_field}s, as in the API's records."
            )
    return None


@api_view("api_document_list")
def document_list(request):
    """Published documents, filtered and sorted exactly as the reading room does.

    The search engine finds and counts them (as for the reading room's list); then a fixed
    number of queries whatever the page size: the page of rows by id and one per prefetched
    relation (and one per facet filtered on, to check its values)."""
    page_size = min(parse_int(request.GET.get("page_size", "")) or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = parse_int(request.GET.get("page", "")) or 1
    problem = _unknown_facet_values(request)
    if problem:
        return _error(400, problem)

    filterset = DocumentFilter(request.GET, queryset=Document.objects.none())
    if not filterset.is_valid():
        messages = [
            f"{field}: {message}"
            for field, errors in filterset.form.errors.items()
            for message in errors
        ]
        return _error(400, " ".join(messages))

    # The search engine finds and counts them; the page's rows come by id from the database.
    cleaned = filterset.form.cleaned_data
    ids = reader.resolve({spec.param: cleaned.get(spec.param) or [] for spec in FACETS})
    found = search(
        reader.search_request(
            cleaned, ids, page=number, page_size=page_size, with_facets=False, with_histogram=False,
        )
    )  # fmt: skip
    paginator = CountedPaginator(page_size, found.total)
    if number > paginator.num_pages:
        return _error(404, f"There is no page {number}: pages run from 1 to {paginator.num_pages}.")
    rows = {doc.pk: doc for doc in document_queryset().filter(pk__in=found.ids)}
    page = Page([rows[pk] for pk in found.ids if pk in rows], number, paginator)
    response = _json(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": _page_link(request, number + 1) if page.has_next() else None,
            "previous": _page_link(request, number - 1) if page.has_previous() else None,
            "results": [document_summary(request, doc) for doc in page.object_list],
        }
    )
    response["Link"] = _link_header(request, number, paginator.num_pages)
    return response


@api_view("api_document_detail")
def document_detail(request, record_number: int):
    doc = document_queryset().filter(record_number=record_number).first()
    if doc is None:
        return _error(404, f"No published document has the record number {record_number}.")
    return _json(document_full(request, doc))


@api_view("api_openapi")
def openapi_json(request):
    """The OpenAPI 3.1 description, generated from the declarations in `openapi.py`."""
    server = f"{request.scheme}://{request.get_host()}"
    response = _json(openapi_document(server))
    response["Content-Type"] = "application/vnd.oai.openapi+json"
    return response


def docs(request):
    """A readable page of the API (Swagger UI, served from this site's static files)."""
    return render(request, "api/docs.html", {"openapi_url": reverse("api_openapi")})


@api_view()
def slashless(request, rest=""):
    """`/api/documents` and the like: a redirect to the address with its slash, carrying the
    CORS headers (a browser follows a cross-origin redirect only with them)."""
    target = request.path + "/"
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    response = HttpResponsePermanentRedirect(target)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


# --- entities -----------------------------------------------------------------------------


def _dates(raw: str, display: str) -> dict | None:
    return {"value": raw, "display": display} if raw else None


def _person_fields(request, person: Person) -> dict:
    return {
        "sort_name": person.sort_name,
        "birth": _dates(person.birth, person.birth_display),
        "death": _dates(person.death, person.death_display),
        "life_dates": person.life_dates,
    }


def _hierarchy(request, entity, kind: str) -> dict:
    """Parent and children, public ones only (`entity` comes with `with_visible_parents`)."""
    parent = entity.parent
    return {
        "parent": _entity_ref(request, parent, kind) if parent else None,
        "children": [_entity_ref(request, child, kind) for child in visible_children(entity)],
    }


def _organization_fields(request, org: Organization) -> dict:
    return {
        "abbreviation": org.abbreviation,
        "founded": _dates(org.founded, org.founded_display),
        "dissolved": _dates(org.dissolved, org.dissolved_display),
        **_hierarchy(request, org, "organization"),
    }


def _place_fields(request, place: Place) -> dict:
    coordinates = None
    if place.has_coordinates:
        coordinates = {"latitude": float(place.latitude), "longitude": float(place.longitude)}
    return {
        "kind": place.kind,
        "coordinates": coordinates,
        **_hierarchy(request, place, "place"),
    }


ENTITY_KINDS = {
    "person": (Person, _person_fields),
    "organization": (Organization, _organization_fields),
    "place": (Place, _place_fields),
}


def _entity_detail(request, kind: str, slug: str):
    """Only entities some published document names, for every caller (as for documents, the
    API never previews; its answers are publicly cacheable)."""
    model, extra_fields = ENTITY_KINDS[kind]
    public = public_entities(model)
    objects = public if kind == "person" else with_visible_parents(public)
    entity = objects.filter(slug=slug).first()
    if entity is None:
        moved = resolve_former_slug(model, slug)
        if moved is None or not public.filter(pk=moved.pk).exists():
            return _error(404, f"No {model._meta.verbose_name} has the slug “{slug[:100]}”.")
        response = HttpResponsePermanentRedirect(reverse(f"api_{kind}_detail", args=[moved.slug]))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    spec = FACETS_BY_PARAM[kind]
    count = published_documents().filter(pk__in=spec.documents_matching([slug])).count()
    documents_url = reverse("api_document_list") + "?" + urlencode({kind: entity.slug})
    return _json(
        {
            **_entity_ref(request, entity, kind),
            "type": kind,
            "variants": entity.variant_list,
            "description": entity.description,
            "certainty_note": entity.certainty_note,
            **extra_fields(request, entity),
            "documents": {"count": count, "api_url": _absolute(request, documents_url)},
        }
    )


@api_view("api_person_detail")
def person_detail(request, slug):
    return _entity_detail(request, "person", slug)


@api_view("api_organization_detail")
def organization_detail(request, slug):
    return _entity_detail(request, "organization", slug)


@api_view("api_place_detail")
def place_detail(request, slug):
    return _entity_detail(request, "place", slug)


@api_view()
def not_found(request, rest=""):
    return _error(404, "No such API address. Start from /api/.")
