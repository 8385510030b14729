"""Each API address declared once: its parameters, its answer, what it means.

The declaration is used twice, so the two can never disagree: `check_query` refuses what a
request sends that the declaration does not allow (an unknown parameter, a repeated single
one, a value of the wrong kind or out of range, a sort that does not exist), and
`openapi_document` writes the OpenAPI 3.1 description served at /api/openapi.json.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from archive.params import parse_int
from documents.api.schemas import SCHEMAS, ref
from documents.interchange.bulk import FORMATS
from documents.models import Role
from documents.search.facets import FACETS
from documents.search.filters import MAX_QUERY_LENGTH, MAX_VALUES_PER_FACET, SORT_CHOICES

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10**9 - 1  # nine digits, as `archive.params` reads them
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
SLUG = {"type": "string", "minLength": 1, "maxLength": 255}


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict
    many: bool = False  # may be given several times: ?place=a&place=b
    location: str = "query"

    def problem(self, values: list[str]) -> str | None:
        """Why these values are not acceptable, or None."""
        if len(values) > 1 and not self.many:
            return f"“{self.name}” may be given only once."
        if self.many and len(values) > MAX_VALUES_PER_FACET:
            return f"“{self.name}” may be given at most {MAX_VALUES_PER_FACET} times."
        for value in values:
            problem = _value_problem(self.name, self.schema, value)
            if problem:
                return problem
        return None

    def openapi(self) -> dict:
        schema = {"type": "array", "items": self.schema} if self.many else self.schema
        out = {"name": self.name, "in": self.location, "description": self.description}
        out["schema"] = schema
        if self.location == "path":
            out["required"] = True
        if self.many:
            out.update(style="form", explode=True)
        return out


def _value_problem(name: str, schema: dict, value: str) -> str | None:
    shown = value if len(value) <= 40 else value[:40] + "…"
    if schema.get("type") == "integer":
        low, high = schema.get("minimum", 1), schema.get("maximum", MAX_PAGE)
        number = parse_int(value, minimum=low, maximum=high)
        if number is None:
            return f"“{name}” must be a whole number from {low} to {high}, not “{shown}”."
        return None
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(schema["enum"])
        return f"“{name}” must be one of {allowed}; “{shown}” is not."
    if len(value) < schema.get("minLength", 0):
        return f"“{name}” must not be empty."
    if len(value) > schema.get("maxLength", 10**6):
        return f"“{name}” can be at most {schema['maxLength']} characters long."
    if "pattern" in schema and not re.fullmatch(schema["pattern"].strip("^$"), value):
        return f"“{name}” must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not “{shown}”."
    return None


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name, also the OpenAPI operationId
    path: str
    summary: str
    description: str
    response: str  # a schema in documents.api.schemas, or a media type for files
    params: tuple[Param, ...] = ()
    paged: bool = False
    errors: tuple[int, ...] = (400, 404)
    media_type: str = "application/json"
    tag: str = "documents"

    def query_params(self) -> dict[str, Param]:
        return {p.name: p for p in self.params if p.location == "query"}


def check_query(request, endpoint: Endpoint) -> str | None:
    """The first thing wrong with the request's query string, or None."""
    declared = endpoint.query_params()
    for name in request.GET:
        if name not in declared:
            if declared:
                allowed = ", ".join(declared)
                return f"Unknown parameter “{name[:40]}”; this address takes {allowed}."
            return f"Unknown parameter “{name[:40]}”; this address takes no parameters."
    for name, values in request.GET.lists():
        problem = declared[name].problem(values)
        if problem:
            return problem
    return None


# --- the declarations ------------------------------------------------------------------

FACET_PARAMS = tuple(
    Param(
        spec.param,
        f"{spec.label}: documents with any of these values (by "
        f"{'code' if spec.value_field == 'code' else 'slug'}; repeat for several). A value "
        "no published document has answers 400.",
        {**SLUG, "maxLength": 255},
        many=True,
    )
    for spec in FACETS
)
LIST_PARAMS = (
    Param(
        "q",
        "Search words (web syntax: quoted phrases, `or`, `-word`); accents are ignored and "
        "the names and variants of linked people, organizations and places are searched.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    *FACET_PARAMS,
    Param(
        "role",
        "Only documents where the chosen people and organizations have this role (repeat for "
        "several).",
        {"type": "string", "enum": list(Role.values)},
        many=True,
    ),
    Param(
        "date_from",
        "Documents that could date from this day on (YYYY, YYYY-MM or YYYY-MM-DD).",
        {"type": "string", "pattern": PARTIAL_DATE},
    ),
    Param(
        "date_to",
        "Documents that could date up to this day (YYYY, YYYY-MM or YYYY-MM-DD).",
        {"type": "string", "pattern": PARTIAL_DATE},
    ),
    Param(
        "sort",
        "Order: relevance (the default when searching), date (the default otherwise), "
        "-date (newest first) or title.",
        {"type": "string", "enum": [key for key, _label in SORT_CHOICES]},
    ),
    Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    Param(
        "page_size",
        f"Documents per page (default {DEFAULT_PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
)
RECORD_NUMBER = Param(
    "record_number",
    "The document's record number (permanent).",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    location="path",
)


def _slug(kind: str) -> Param:
    return Param("slug", f"The {kind}'s slug; a former slug redirects.", SLUG, location="path")


ENDPOINTS = (
    Endpoint(
        "api_root",
        "/api/",
        "Where everything is",
        "Links to the lists, URL templates of the records, and the bulk downloads.",
        "ApiRoot",
        errors=(400,),
        tag="start",
    ),
    Endpoint(
        "api_document_list",
        "/api/documents/",
        "Search and filter published documents",
        "The reading room's search and filters (`/documents/?…` means the same), in pages. "
        "Pages are linked in the `Link` header (RFC 8288: first, prev, next, last) and in "
        "`next`/`previous`.",
        "DocumentList",
        params=LIST_PARAMS,
        paged=True,
    ),
    Endpoint(
        "api_document_detail",
        "/api/documents/{record_number}/",
        "One published document",
        "The full record: texts, credits, rights and a ready-made citation.",
        "Document",
        params=(RECORD_NUMBER,),
    ),
    *(
        Endpoint(
            f"api_{kind}_detail",
            f"/api/{plural}/{{slug}}/",
            f"One {kind}",
            f"A {kind} some published document names: names, dates"
            + (", hierarchy" if kind != "person" else "")
            + (", coordinates" if kind == "place" else "")
            + " and a link to its documents. A former slug answers 301 to the current one.",
            "Entity",
            params=(_slug(kind),),
            tag="people, organizations, places",
        )
        for kind, plural in (
            ("person", "people"),
            ("organization", "organizations"),
            ("place", "places"),
        )
    ),
    Endpoint(
        "api_downloads",
        "/api/downloads/",
        "Bulk downloads",
        "The whole published collection as files, with checksums; rebuilt when it changes.",
        "Downloads",
        errors=(400,),
        tag="bulk downloads",
    ),
)
ENDPOINTS_BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}

ERROR_TEXT = {
    400: "Malformed request: an unknown parameter or value (the message says which).",
    404: "Not found, or not published.",
}
CORS_HEADER = {
    "Access-Control-Allow-Origin": {
        "description": "Always `*`: any site may read the API.",
        "schema": {"type": "string"},
    }
}
LINK_HEADER = {
    "Link": {
        "description": "RFC 8288 links to the first, prev, next and last pages.",
        "schema": {"type": "string"},
    }
}


def _operation(endpoint: Endpoint) -> dict:
    headers = {**CORS_HEADER, **(LINK_HEADER if endpoint.paged else {})}
    responses = {
        "200": {
            "description": endpoint.summary,
            "headers": headers,
            "content": {endpoint.media_type: {"schema": ref(endpoint.response)}},
        }
    }
    for status in endpoint.errors:
        responses[str(status)] = {
            "description": ERROR_TEXT[status],
            "content": {"application/json": {"schema": ref("Error")}},
        }
    if endpoint.params and endpoint.params[0].name == "slug":
        responses["301"] = {"description": "A former slug: moved to the current one."}
    return {
        "operationId": endpoint.name,
        "tags": [endpoint.tag],
        "summary": endpoint.summary,
        "description": endpoint.description,
        "parameters": [param.openapi() for param in endpoint.params],
        "responses": responses,
    }


def _bulk_paths() -> dict:
    """The download files themselves (declared from the bulk formats)."""
    formats = list(FORMATS.values())
    names = [fmt.filename for fmt in formats]
    filename = {
        "name": "filename",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": names},
    }
    not_found = {
        "description": ERROR_TEXT[404],
        "content": {"application/json": {"schema": ref("Error")}},
    }
    media = {fmt.media_type: {"schema": {"type": "string"}} for fmt in formats}
    return {
        "/api/downloads/{filename}": {
            "get": {
                "operationId": "api_download",
                "tags": ["bulk downloads"],
                "summary": "A bulk download",
                "description": "The file, with `ETag`, `Repr-Digest` (SHA-256) and "
                "`Last-Modified`; conditional requests answer 304.",
                "parameters": [filename],
                "responses": {
                    "200": {"description": "The file.", "headers": CORS_HEADER, "content": media},
                    "304": {"description": "Not modified."},
                    "404": not_found,
                },
            }
        },
        "/api/downloads/{filename}.sha256": {
            "get": {
                "operationId": "api_download_checksum",
                "tags": ["bulk downloads"],
                "summary": "A bulk download's checksum",
                "description": "One line for `sha256sum -c`.",
                "parameters": [filename],
                "responses": {
                    "200": {
                        "description": "`<sha256>  <filename>`",
                        "headers": CORS_HEADER,
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "404": not_found,
                },
            }
        },
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 description of the API, for clients and the docs page."""
    paths = {endpoint.path: {"get": _operation(endpoint)} for endpoint in ENDPOINTS}
    paths.update(_bulk_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.ARCHIVE_NAME} API",
            "version": "1",
            "description": "Read-only, public, no key. Published documents only; answers are "
            'cached for 5 minutes. Errors are JSON `{"error": "…"}` with 400 (malformed '
            "input: unknown parameters and values are refused) or 404 (not found or not "
            "published).",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
