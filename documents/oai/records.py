"""What the OAI-PMH endpoint disseminates, and in which order.

Records are the documents readers may see (`documents.selectors.published_documents`, the one
visibility rule), each with its datestamp: its last change (`documents.models.last_change`, the
later of its last save and its embargo lifting). Deleted records are tombstones of documents that
were public and are not now; a never-public document is unknown. Sets are the public collections
(`collection:<slug>`) under one parent set `collection`.

Lists run in (datestamp, record number) order and page by keyset from the last key sent: public
documents and tombstones are read as two index-ordered queries of one page each and merged.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, Min, OuterRef, Prefetch, Q

from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentTombstone,
    TaggedDocument,
    last_change,
)
from documents.selectors import public_entities, published_documents

PARENT_SET = "collection"
SET_PREFIX = PARENT_SET + ":"
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_IDENTIFIER = re.compile(r"^oai:(?P<namespace>[^:]+):(?P<number>[1-9][0-9]{0,8})$")


@dataclass(frozen=True)
class Header:
    record_number: int
    datestamp: datetime
    sets: tuple[str, ...]
    deleted: bool
    document: Document | None = None

    @property
    def key(self) -> tuple[datetime, int]:
        return (self.datestamp, self.record_number)


@dataclass(frozen=True)
class Selection:
    set_spec: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


# --- identifiers and sets ------------------------------------------------------------------


def identifier(namespace: str, record_number: int) -> str:
    return f"oai:{namespace}:{record_number}"


def record_number_of(value: str, namespace: str) -> int | None:
    """The record number an identifier of this repository names, or None."""
    match = _IDENTIFIER.match(value)
    if not match or match["namespace"] != namespace:
        return None
    return int(match["number"])


def set_spec(slug: str) -> str:
    return SET_PREFIX + slug


def list_sets() -> list[tuple[str, str, str]]:
    """(setSpec, setName, description) of the parent set and every public collection."""
    collections = public_entities(Collection).order_by("title", "slug")
    sets = [
        (set_spec(c.slug), c.title, c.description)
        for c in collections
        if _SET_SPEC.match(set_spec(c.slug))
    ]
    if not sets:
        return []
    return [(PARENT_SET, "Collections", "Every document that belongs to a collection."), *sets]


def known_set(spec: str) -> bool:
    if spec == PARENT_SET:
        return True
    if not spec.startswith(SET_PREFIX) or not _SET_SPEC.match(spec):
        return False
    return public_entities(Collection).filter(slug=spec.removeprefix(SET_PREFIX)).exists()


# --- the two sources -----------------------------------------------------------------------


def _public(selection: Selection):
    docs = published_documents().annotate(changed=last_change())
    if selection.set_spec == PARENT_SET:
        through = Document.collections.through.objects.filter(document_id=OuterRef("pk"))
        docs = docs.filter(Exists(through))
    elif selection.set_spec:
        docs = docs.filter(collections__slug=selection.set_spec.removeprefix(SET_PREFIX))
    if selection.start:
        docs = docs.filter(changed__gte=selection.start)
    if selection.end:
        docs = docs.filter(changed__lt=selection.end)
    return docs


def _deleted(selection: Selection):
    # NOT EXISTS, probed per tombstone through the record-number index; NOT IN would hash
    # every published document on every page.
    public_again = published_documents().filter(record_number=OuterRef("record_number"))
    gone = DocumentTombstone.objects.filter(~Exists(public_again))
    if selection.set_spec == PARENT_SET:
        gone = gone.exclude(collections=[])
    elif selection.set_spec:
        gone = gone.filter(collections__contains=[selection.set_spec.removeprefix(SET_PREFIX)])
    if selection.start:
        gone = gone.filter(removed_at__gte=selection.start)
    if selection.end:
        gone = gone.filter(removed_at__lt=selection.end)
    return gone


def _after(queryset, field: str, after: tuple[datetime, int] | None):
    if after is None:
        return queryset
    moment, number = after
    return queryset.filter(**{f"{field}__gte": moment}).filter(
        Q(**{f"{field}__gt": moment}) | Q(record_number__gt=number)
    )


def _with_metadata(docs):
    """Everything `oai_dc` reads, in a fixed number of queries per page."""
    return docs.select_related("repository", "document_type").prefetch_related(
        "original_languages",
        Prefetch(
            "subject_links", TaggedDocument.objects.select_related("tag").order_by("tag__name")
        ),
        Prefetch("person_links", DocumentPerson.objects.select_related("person")),
        Prefetch("organization_links", DocumentOrganization.objects.select_related("organization")),
        Prefetch("place_links", DocumentPlace.objects.select_related("place")),
    )


def _sets(slugs) -> tuple[str, ...]:
    """A record in a collection is in that collection's set and in the parent set."""
    specs = tuple(set_spec(slug) for slug in slugs)
    return (PARENT_SET, *specs) if specs else ()


def _document_header(doc: Document, *, with_document: bool) -> Header:
    sets = _sets(c.slug for c in doc.collections.all())
    return Header(doc.record_number, doc.changed, sets, False, doc if with_document else None)


def _tombstone_header(stone: DocumentTombstone, public_slugs: set[str]) -> Header:
    """A deleted record keeps the sets it was in that are still public: a collection that only
    unpublished documents name is itself unpublished, and its name must not reach readers."""
    slugs = [slug for slug in stone.collections if slug in public_slugs]
    return Header(stone.record_number, stone.removed_at, _sets(slugs), True)


def _public_collection_slugs(stones) -> set[str]:
    wanted = {slug for stone in stones for slug in stone.collections}
    if not wanted:
        return set()
    public = public_entities(Collection).filter(slug__in=wanted)
    return set(public.values_list("slug", flat=True))


# --- what the verbs ask for ----------------------------------------------------------------


def count(selection: Selection) -> int:
    return _public(selection).count() + _deleted(selection).count()


def page(selection: Selection, after, size: int, *, with_documents: bool) -> list[Header]:
    """Up to `size` headers after the key `after`, in key order (ask for one more than a page
    to learn whether another follows)."""
    docs = _after(_public(selection), "changed", after).order_by("changed", "record_number")
    docs = docs.defer("entity_text", "internal_notes", "full_text")
    docs = docs.prefetch_related(Prefetch("collections", Collection.objects.order_by("slug")))
    if with_documents:
        docs = _with_metadata(docs)
    stones = _after(_deleted(selection), "removed_at", after)
    stones = stones.order_by("removed_at", "record_number")
    headers = [_document_header(d, with_document=with_documents) for d in docs[:size]]
    stones = list(stones[:size])
    public_slugs = _public_collection_slugs(stones)
    headers += [_tombstone_header(stone, public_slugs) for stone in stones]
    headers.sort(key=lambda h: h.key)
    return headers[:size]


def get(record_number: int, *, with_document: bool) -> Header | None:
    """The record's header (with its document if public), or None if it was never public."""
    docs = _public(Selection()).filter(record_number=record_number)
    docs = docs.prefetch_related(Prefetch("collections", Collection.objects.order_by("slug")))
    doc = (_with_metadata(docs) if with_document else docs).first()
    if doc is not None:
        return _document_header(doc, with_document=with_document)
    stone = _deleted(Selection()).filter(record_number=record_number).first()
    return _tombstone_header(stone, _public_collection_slugs([stone])) if stone else None


def earliest_datestamp() -> datetime | None:
    """The oldest datestamp of any record, deleted ones included."""
    public = _public(Selection()).aggregate(first=Min("changed"))["first"]
    deleted = _deleted(Selection()).aggregate(first=Min("removed_at"))["first"]
    moments = [m for m in (public, deleted) if m is not None]
    return min(moments) if moments else None
