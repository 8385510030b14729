"""The documents a file is about, as they are now: loaded once, with their relations as plain
ids (far cheaper than model instances for thousands of documents)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from documents.interchange.importing.values import record_number
from documents.models import (
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    TaggedDocument,
)

# Many-to-many fields: file key -> (document attribute, vocabulary kind).
M2M = {
    "funders": ("funders", "funder"),
    "original_languages": ("original_languages", "language"),
    "collections": ("collections", "collection"),
}
# Typed links: file key -> (entity kind, link model).
LINK_MODELS = {
    "people": ("person", DocumentPerson),
    "organizations": ("organization", DocumentOrganization),
    "places": ("place", DocumentPlace),
}
CHUNK = 5000


@dataclass
class Existing:
    by_number: dict = field(default_factory=dict)
    by_title: dict = field(default_factory=lambda: defaultdict(list))
    # {attribute: {document id: {target ids}}}
    m2m: dict = field(default_factory=lambda: {attr: defaultdict(set) for attr, _ in M2M.values()})
    subjects: dict = field(default_factory=lambda: defaultdict(set))
    # {file key: {document id: {(entity id, role): (link id, uncertain, note)}}}
    links: dict = field(default_factory=lambda: {key: defaultdict(dict) for key in LINK_MODELS})


def load_existing(rows, *, lock: bool) -> Existing:
    """The documents the rows name by record number or title. With `lock` (a real run) their
    rows are held until the import commits, so an edit saved meanwhile is not overwritten by
    the copy read here."""
    numbers, titles = set(), set()
    for row in rows:
        number = record_number(row.data.get("record_number"))
        if isinstance(number, int):
            numbers.add(number)
        elif isinstance(row.data.get("title"), str):
            titles.add(row.data["title"].strip())
    existing = Existing()
    if not numbers and not titles:
        return existing
    docs = Document.objects.filter(Q(record_number__in=numbers) | Q(title__in=titles))
    if lock:
        docs = docs.select_for_update(of=("self",))
    ids = []
    for doc in docs.defer("entity_text"):
        existing.by_number[doc.record_number] = doc
        existing.by_title[doc.title].append(doc)
        ids.append(doc.pk)
    for start in range(0, len(ids), CHUNK):
        _load_relations(existing, ids[start : start + CHUNK])
    return existing


def _load_relations(existing: Existing, chunk: list[int]) -> None:
    for attr, kind in M2M.values():
        through = getattr(Document, attr).through
        column = through._meta.get_field(kind).attname
        pairs = through.objects.filter(document_id__in=chunk)
        for doc_id, target in pairs.values_list("document_id", column):
            existing.m2m[attr][doc_id].add(target)
    tagged = TaggedDocument.objects.filter(content_object_id__in=chunk)
    for doc_id, tag_id in tagged.values_list("content_object_id", "tag_id"):
        existing.subjects[doc_id].add(tag_id)
    for key, (kind, link_model) in LINK_MODELS.items():
        links = link_model.objects.filter(document_id__in=chunk).values_list(
            "document_id", f"{kind}_id", "role", "pk", "uncertain", "note"
        )
        for doc_id, entity_id, role, pk, uncertain, note in links:
            existing.links[key][doc_id][(entity_id, role)] = (pk, uncertain, note)
