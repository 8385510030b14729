"""Exporting documents to CSV and JSON, in exactly the layouts `interchange.importing` reads
(see `documents.interchange.formats`).

JSON is the lossless form: besides the documents (every curated field, links with role,
uncertainty and note, entity slugs) it carries the linked people, organizations and places
(with their parents) and the vocabularies the documents use, so importing an export into an
empty database reproduces the data. CSV carries the documents and their links by name, for
editing in a spreadsheet. Scans (files) and change history are not exported.
"""

import csv
import json

from django.db.models import Prefetch
from django.utils import timezone

from documents.interchange.formats import CSV_COLUMNS, format_link, join_multi
from documents.models import DocumentOrganization, DocumentPerson, DocumentPlace, TaggedDocument
from people.models import Organization, Person, Place

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def with_related(queryset):
    """The queryset with everything an export reads, in record-number order."""
    return (
        queryset.select_related("document_type", "repository")
        .prefetch_related(
            Prefetch("person_links", DocumentPerson.objects.select_related("person")),
            Prefetch(
                "organization_links", DocumentOrganization.objects.select_related("organization")
            ),
            Prefetch("place_links", DocumentPlace.objects.select_related("place")),
            Prefetch("subject_links", TaggedDocument.objects.select_related("tag")),
            "funders",
            "original_languages",
            "collections",
        )
        .order_by("record_number")
    )


def _moment(value) -> str:
    return value.isoformat() if value else ""


def _ordered(links, entity):
    return sorted(links, key=lambda link: (getattr(link, entity).slug, link.role))


def _link_records(doc, relation, entity):
    records = []
    for link in _ordered(getattr(doc, relation).all(), entity):
        target = getattr(link, entity)
        record = {"name": target.name, "slug": target.slug, "role": link.role}
        if getattr(target, "abbreviation", ""):
            record["abbreviation"] = target.abbreviation
        if link.uncertain:
            record["uncertain"] = True
        if link.note:
            record["note"] = link.note
        records.append(record)
    return records


def document_record(doc) -> dict:
    """One document in the seed file's shape (plus the fields the seed does not have)."""
    return {
        "record_number": doc.record_number,
        "slug": doc.slug,
        "title": doc.title,
        "date": doc.date.iso(),
        "date_precision": doc.date_precision,
        "summary": doc.summary,
        "document_type": doc.document_type.name if doc.document_type else "",
        "source": doc.source_citation,
        "original_archive": str(doc.repository) if doc.repository else "",
        "obtained_by": doc.obtained_by,
        "translated_by": doc.translated_by,
        "funders": sorted(f.name for f in doc.funders.all()),
        "original_languages": sorted(lang.name for lang in doc.original_languages.all()),
        "people": _link_records(doc, "person_links", "person"),
        "organizations": _link_records(doc, "organization_links", "organization"),
        "places": _link_records(doc, "place_links", "place"),
        "topics": sorted(link.tag.name for link in doc.subject_links.all()),
        "collections": sorted(c.slug for c in doc.collections.all()),
        "archive_url": doc.source_url,
        "original_classification": doc.original_classification,
        "rights": doc.rights,
        "status": doc.status,
        "publish_on": _moment(doc.publish_on),
        "published_at": _moment(doc.published_at),
        "full_text": doc.full_text,
        "original_text": doc.original_text,
        "internal_notes": doc.internal_notes,
    }


def csv_row(doc) -> dict:
    record = document_record(doc)

    def links(key):
        return join_multi(
            format_link(r["name"], r["role"], r.get("uncertain", False), r.get("note", ""))
            for r in record[key]
        )

    row = {key: record.get(key, "") for key in CSV_COLUMNS}
    for key in ("funders", "original_languages"):
        row[key] = join_multi(record[key])
    row["collections"] = join_multi(sorted(c.title for c in doc.collections.all()))
    row["subjects"] = join_multi(record["topics"])
    for key in ("people", "organizations", "places"):
        row[key] = links(key)
    return row


def write_csv(queryset, stream) -> int:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for doc in with_related(queryset).iterator(chunk_size=1000):
        writer.writerow(csv_row(doc))
        count += 1
    return count


def _entity_record(obj) -> dict:
    record = {
        "name": obj.name,
        "slug": obj.slug,
        "variants": obj.variant_list,
        "description": obj.description,
        "certainty_note": obj.certainty_note,
        "notes": obj.notes,
    }
    if isinstance(obj, Person):
        record.update(sort_name=obj.sort_name, birth=obj.birth, death=obj.death)
    if isinstance(obj, Organization):
        record.update(abbreviation=obj.abbreviation, founded=obj.founded, dissolved=obj.dissolved)
    if isinstance(obj, Place):
        record.update(
            kind=obj.kind,
            latitude=float(obj.latitude) if obj.latitude is not None else None,
            longitude=float(obj.longitude) if obj.longitude is not None else None,
        )
    if isinstance(obj, Organization | Place):
        record["parent"] = obj.parent.name if obj.parent else ""
        record["parent_slug"] = obj.parent.slug if obj.parent else ""
    return record


def _with_ancestors(model, ids: set) -> list:
    """The entities and, for organizations and places, every parent up the chain."""
    found, wanted = {}, set(ids)
    while wanted:
        batch = model.objects.filter(pk__in=wanted)
        if model is not Person:
            batch = batch.select_related("parent")
        wanted = set()
        for obj in batch:
            found[obj.pk] = obj
            parent_id = getattr(obj, "parent_id", None)
            if parent_id and parent_id not in found:
                wanted.add(parent_id)
    return sorted(found.values(), key=lambda o: o.slug)


VOCABULARY_KEYS = (
    "repositories",
    "document_types",
    "languages",
    "funders",
    "collections",
    "subjects",
)
ENTITY_RELATIONS = (
    ("person", "person_links"),
    ("organization", "organization_links"),
    ("place", "place_links"),
)


def _vocabulary_records(doc) -> list[tuple[str, int, dict]]:
    """(top-level key, id, record) for every vocabulary entry `doc` uses."""
    records = []
    if doc.repository:
        r = doc.repository
        fields = ("name", "slug", "abbreviation", "location", "url", "description")
        records.append(("repositories", r.pk, {f: getattr(r, f) for f in fields}))
    if doc.document_type:
        t = doc.document_type
        records.append(
            ("document_types", t.pk, {"name": t.name, "slug": t.slug, "description": t.description})
        )
    for lang in doc.original_languages.all():
        records.append(("languages", lang.pk, {"code": lang.code, "name": lang.name}))
    for f in doc.funders.all():
        records.append(("funders", f.pk, {"name": f.name, "slug": f.slug}))
    for c in doc.collections.all():
        records.append(
            ("collections", c.pk, {"title": c.title, "slug": c.slug, "description": c.description})
        )
    for link in doc.subject_links.all():
        s = link.tag
        records.append(
            ("subjects", s.pk, {"name": s.name, "slug": s.slug, "description": s.description})
        )
    return records


def export_data(queryset) -> dict:
    """The JSON export as a dict: documents, then the entities and vocabularies they use."""
    documents, entity_ids = [], {kind: set() for kind, _ in ENTITY_RELATIONS}
    vocabularies = {key: {} for key in VOCABULARY_KEYS}
    for doc in with_related(queryset).iterator(chunk_size=1000):
        documents.append(document_record(doc))
        for kind, relation in ENTITY_RELATIONS:
            entity_ids[kind].update(
                getattr(link, f"{kind}_id") for link in getattr(doc, relation).all()
            )
        for key, pk, record in _vocabulary_records(doc):
            vocabularies[key][pk] = record
    data = {
        "dataset": "Digital archive export",
        "exported_at": timezone.now().isoformat(),
        "documents": documents,
        "people": [_entity_record(o) for o in _with_ancestors(Person, entity_ids["person"])],
        "organizations": [
            _entity_record(o) for o in _with_ancestors(Organization, entity_ids["organization"])
        ],
        "places": [_entity_record(o) for o in _with_ancestors(Place, entity_ids["place"])],
    }
    for key, records in vocabularies.items():
        data[key] = sorted(records.values(), key=lambda r: r.get("slug") or r.get("code"))
    return data


def write_json(queryset, stream) -> int:
    data = export_data(queryset)
    json.dump(data, stream, ensure_ascii=False, indent=1)
    stream.write("\n")
    return len(data["documents"])


def write(queryset, stream, fmt: str) -> int:
    """Write the export in `fmt` (csv or json) to a text stream; returns the document count."""
    if fmt == "json":
        return write_json(queryset, stream)
    if fmt == "csv":
        return write_csv(queryset, stream)
    raise ValueError(f"Unknown export format “{fmt}”: use csv or json.")


def filename(fmt: str) -> str:
    return f"documents-{timezone.now():%Y%m%d-%H%M%S}.{fmt}"
