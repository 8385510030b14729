"""What an entity page says to machines: schema.org JSON-LD, Open Graph and a meta description.

People, organizations and places are `Person`, `Organization` and `Place`; subjects are
`DefinedTerm`s and collections `Collection`s. Authority identifiers (Wikidata, VIAF, GeoNames,
LCNAF...) become `sameAs` through one hook on the entity, `authority_links()`, when the
model has it; nothing here knows which authorities exist. This is the page's only JSON-LD,
a superset of the model's core `Entity.json_ld()` (name, variants, sameAs) with dates,
places, parents and children.
"""

from django.conf import settings
from django.urls import reverse

from archive.partialdates import PartialDate
from documents.citations.json_ld import json_for_script

SCHEMA_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "place": "Place",
    "subject": "DefinedTerm",
    "collection": "Collection",
}
OG_TYPES = {"person": "profile"}  # Open Graph has no type for the others: "website"
MAX_DESCRIPTION = 300


def same_as(entity) -> list[str]:
    """The addresses of the entity's authority records, from its own `authority_links()`
    ((authority, identifier, address) triples) if it has one."""
    links = getattr(entity, "authority_links", None)
    if not callable(links):
        return []
    return [address for _authority, _identifier, address in links() if address]


def _iso(raw: str) -> str:
    """A partial date as ISO 8601 (schema.org has no circa; the page shows it)."""
    try:
        return PartialDate.parse(raw).iso().rstrip("~") if raw else ""
    except ValueError:
        return ""


def _ref(absolute, entity, schema_type: str) -> dict:
    return {"@type": schema_type, "name": str(entity), "url": absolute(entity.get_absolute_url())}


def _kind_fields(kind: str, entity, absolute, children) -> dict:
    if kind == "person":
        return {
            "birthDate": _iso(entity.birth),
            "deathDate": _iso(entity.death),
        }
    if kind == "organization":
        return {
            "foundingDate": _iso(entity.founded),
            "dissolutionDate": _iso(entity.dissolved),
            "parentOrganization": (
                _ref(absolute, entity.parent, "Organization") if entity.parent else None
            ),
            "subOrganization": [_ref(absolute, c, "Organization") for c in children],
        }
    if kind == "place":
        geo = None
        if entity.has_coordinates:
            geo = {
                "@type": "GeoCoordinates",
                "latitude": float(entity.latitude),
                "longitude": float(entity.longitude),
            }
        return {
            "geo": geo,
            "containedInPlace": _ref(absolute, entity.parent, "Place") if entity.parent else None,
            "containsPlace": [_ref(absolute, c, "Place") for c in children],
        }
    return {}


def _names(kind: str, entity) -> list[str]:
    names = list(getattr(entity, "variant_list", []))
    abbreviation = getattr(entity, "abbreviation", "")
    if abbreviation and abbreviation not in names:
        names.insert(0, abbreviation)
    return names


def entity_json_ld(kind: str, entity, *, permalink: str, absolute, children=()) -> dict:
    """The schema.org description of one entity; `absolute(path)` makes a path a URL."""
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[kind],
        "@id": permalink,
        "name": str(entity),
        "url": permalink,
        "mainEntityOfPage": permalink,
    }
    optional = {
        "alternateName": _names(kind, entity),
        "description": (getattr(entity, "description", "") or "").strip(),
        "sameAs": same_as(entity),
        **_kind_fields(kind, entity, absolute, children),
    }
    if kind == "subject":
        optional["inDefinedTermSet"] = absolute(reverse("subject_list"))
    data.update({key: value for key, value in optional.items() if value})
    return data


def entity_description(kind_singular: str, entity, count: int) -> str:
    """A meta description: the archivists' own text when there is one, else what the page is."""
    text = " ".join((getattr(entity, "description", "") or "").split())
    if text:
        return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
    noun = "document" if count == 1 else "documents"
    return (
        f"{entity} ({kind_singular.lower()}) in {settings.ARCHIVE_NAME}: {count} published "
        f"{noun}, with dates, names and places."
    )


def entity_meta(request, kind, entity, *, children, count: int) -> dict:
    """The head of an entity page: canonical URL, Open Graph, description, JSON-LD."""
    permalink = request.build_absolute_uri(entity.get_absolute_url())
    data = entity_json_ld(
        kind.key,
        entity,
        permalink=permalink,
        absolute=request.build_absolute_uri,
        children=children,
    )
    return {
        "canonical": permalink,
        "og_type": OG_TYPES.get(kind.key, "website"),
        "description": entity_description(kind.singular, entity, count),
        "json_ld": json_for_script(data),
    }
