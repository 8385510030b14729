"""“Often appears with”: the people, organizations and places most often named in the same
public documents as an entity, linked, with the number of documents.

The search engine counts them in one aggregation over the entity's public documents
(`documents.search.engine.appears_with`); the records are then loaded through
`selectors.public_entities`, so only entities some public document names are shown.
"""

from dataclasses import dataclass, field

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
    groups = []
    for kind in KINDS:
        pairs = counted.get(kind, [])
        if not pairs:
            continue
        spec = FACETS_BY_PARAM[kind]
        records = public_entities(spec.model).filter(pk__in=[pk for pk, _ in pairs])
        by_id = {record.pk: record for record in records}
        companions = [Companion(by_id[pk], n) for pk, n in pairs if pk in by_id]
        companions.sort(key=lambda c: (-c.count, str(c.entity).casefold()))
        if companions:
            groups.append(CompanionGroup(kind, spec.label, companions))
    return groups
