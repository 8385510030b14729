"""“Often appears with”: the people, organizations and places most often named in the same
public documents as an entity, linked, with the number of documents.

The search engine counts them in one aggregation over the entity's public documents
(`documents.search.engine.appears_with`); the records are then loaded through
`selectors.public_entities`, so only entities some public document names are shown.
"""

from dataclasses import dataclass, field

from django.db.models import CharField, F, Value

from documents.search.engine import appears_with
from documents.search.facets import FACETS_BY_PARAM
from documents.selectors import public_entities

LIMIT = 8
KINDS = ("person", "organization", "place")


@dataclass
class Companion:
    entity: object
    count: int

    @property
    def label(self) -> str:
        noun = "document" if self.count == 1 else "documents"
        return f"{self.entity}, {self.count} {noun} together"


@dataclass
class CompanionGroup:
    kind: str
    label: str
    companions: list[Companion] = field(default_factory=list)


def often_appears_with(kind_key: str, entity, limit: int = LIMIT) -> list[CompanionGroup]:
    """Groups (people, organizations, places) of the entities most often named with
    `entity`, most documents first, then by name; empty groups left out."""
    counted = appears_with(kind_key, entity.pk, limit=limit, kinds=KINDS)
    records = _records(counted)
    groups = []
    for kind in KINDS:
        pairs = counted.get(kind, [])
        spec = FACETS_BY_PARAM[kind]
        companions = [Companion(records[kind, pk], n) for pk, n in pairs if (kind, pk) in records]
        companions.sort(key=lambda c: (-c.count, str(c.entity).casefold()))
        if companions:
            groups.append(CompanionGroup(kind, spec.label, companions))
    return groups


def _records(counted: dict[str, list[tuple[int, int]]]) -> dict[tuple[str, int], object]:
    """The counted entities of every kind in one statement, through the visibility rule, as
    records holding what a link needs (name, slug; an organization's abbreviation)."""
    parts = []
    for kind in KINDS:
        ids = [pk for pk, _ in counted.get(kind, [])]
        if not ids:
            continue
        model = FACETS_BY_PARAM[kind].model
        abbreviation = F("abbreviation") if kind == "organization" else Value("")
        parts.append(
            public_entities(model)
            .filter(pk__in=ids)
            .order_by()
            .annotate(
                entity_kind=Value(kind, output_field=CharField()),
                short=abbreviation,
            )
            .values_list("entity_kind", "pk", "name", "slug", "short")
        )
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    records = {}
    for kind, pk, name, slug, short in rows:
        fields = {"abbreviation": short} if kind == "organization" else {}
        records[kind, pk] = FACETS_BY_PARAM[kind].model(pk=pk, name=name, slug=slug, **fields)
    return records
