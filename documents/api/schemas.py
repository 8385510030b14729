"""JSON Schemas (OpenAPI 3.1 dialect) of what the API answers, one per shape the views build.

Kept beside the views that build these shapes (`views.py`, `bulk.py`); the contract tests
(schemathesis) check every answer against them, so a field added to a view without its
schema fails the suite.
"""


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, *, required: list[str] | None = None) -> dict:
    """An object with exactly these properties, all present unless `required` says otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
ENTITY_REF = obj({"name": STRING, "slug": STRING, "url": URL, "api_url": URL})
PARTIAL_DATE = nullable(
    obj(
        {
            "value": {**STRING, "description": "As the archivists typed it, e.g. `c. 1897`."},
            "display": STRING,
        }
    )
)

SCHEMAS: dict[str, dict] = {
    "Error": obj({"error": {**STRING, "description": "What was wrong, in plain words."}}),
    "EntityRef": ENTITY_REF,
    "EntityLink": obj(
        {
            **ENTITY_REF["properties"],
            "role": {**STRING, "description": "author, recipient, mentioned, origin..."},
            "uncertain": BOOLEAN,
            "note": STRING,
        }
    ),
    "DocumentSummary": obj(
        {
            "record_number": {**INTEGER, "description": "Permanent; never reused."},
            "url": {**URL, "description": "The document's page (its permanent address)."},
            "api_url": URL,
            "title": STRING,
            "date": {**STRING, "description": "As a historian writes it: `c. 1936`, `July 1945`."},
            "date_edtf": {
                **STRING,
                "description": "Machine form (EDTF): `1935-09-29`, `1945-07`, `1935/1936`, "
                "`1936~` (circa); empty when undated.",
            },
            "date_earliest": nullable({**DATE, "description": "First day it could be."}),
            "date_latest": nullable({**DATE, "description": "Last day it could be."}),
            "date_precision": {"enum": ["day", "month", "year", "range", "undated"]},
            "date_circa": BOOLEAN,
            "summary": STRING,
            "document_type": nullable(obj({"name": STRING, "slug": STRING})),
            "original_archive": nullable(
                obj({"name": STRING, "abbreviation": STRING, "slug": STRING})
            ),
            "source_citation": {**STRING, "description": "Location in the original archive."},
            "languages": {"type": "array", "items": obj({"code": STRING, "name": STRING})},
            "subjects": {
                "type": "array",
                "items": obj({"name": STRING, "slug": STRING, "url": URL}),
            },
            "people": {"type": "array", "items": ref("EntityLink")},
            "organizations": {"type": "array", "items": ref("EntityLink")},
            "places": {"type": "array", "items": ref("EntityLink")},
            "collections": {
                "type": "array",
                "items": obj({"title": STRING, "slug": STRING, "url": URL}),
            },
        }
    ),
    "DocumentList": obj(
        {
            "count": INTEGER,
            "page": INTEGER,
            "pages": INTEGER,
            "next": nullable(URL),
            "previous": nullable(URL),
            "results": {"type": "array", "items": ref("DocumentSummary")},
        }
    ),
    "Entity": {
        "type": "object",
        "description": "A person, organization or place; `type` says which, and which "
        "of the optional fields it has.",
        "properties": {
            **ENTITY_REF["properties"],
            "type": {"enum": ["person", "organization", "place"]},
            "variants": {"type": "array", "items": STRING},
            "description": STRING,
            "certainty_note": STRING,
            "documents": obj({"count": INTEGER, "api_url": URL}),
            "sort_name": STRING,
            "birth": PARTIAL_DATE,
            "death": PARTIAL_DATE,
            "life_dates": STRING,
            "abbreviation": STRING,
            "founded": PARTIAL_DATE,
            "dissolved": PARTIAL_DATE,
            "kind": STRING,
            "coordinates": nullable(
                obj({"latitude": {"type": "number"}, "longitude": {"type": "number"}})
            ),
            "parent": nullable(ref("EntityRef")),
            "children": {"type": "array", "items": ref("EntityRef")},
        },
        "required": [
            *ENTITY_REF["properties"],
            "type",
            "variants",
            "description",
            "certainty_note",
            "documents",
        ],
        "additionalProperties": False,
    },
    "Download": obj(
        {
            "format": {"enum": ["jsonl", "csv"]},
            "media_type": STRING,
            "description": STRING,
            "url": URL,
            "sha256_url": URL,
            "size": {**INTEGER, "description": "Bytes."},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "documents": INTEGER,
            "generated_at": {"type": "string", "format": "date-time"},
        }
    ),
    "Downloads": obj({"downloads": {"type": "array", "items": ref("Download")}}),
    "ApiRoot": obj(
        {
            "documents": URL,
            "document": {**STRING, "description": "URL template (RFC 6570)."},
            "person": STRING,
            "organization": STRING,
            "place": STRING,
            "downloads": {"type": "array", "items": ref("Download")},
            "openapi": URL,
            "docs": URL,
        }
    ),
}

SCHEMAS["Document"] = obj(
    {
        **SCHEMAS["DocumentSummary"]["properties"],
        "full_text": {**STRING, "description": "English translation (limited, sanitized HTML)."},
        "original_text": {**STRING, "description": "Original text (limited, sanitized HTML)."},
        "original_classification": STRING,
        "obtained_by": STRING,
        "translated_by": STRING,
        "funders": {"type": "array", "items": STRING},
        "rights": STRING,
        "source_url": STRING,
        "published_at": nullable({"type": "string", "format": "date-time"}),
        "citation": obj({"text": STRING, "bibtex_url": URL, "ris_url": URL}),
    }
)
