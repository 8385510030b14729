"""Helpers shared by the import and export tests: a canonical dump of everything an import or
export touches, an emptied archive to import into, and small CSV builders."""

from pathlib import Path

from documents.interchange import exporting
from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    Repository,
    Subject,
    TaggedDocument,
)
from people.models import Organization, Person, Place

SEED = Path(__file__).resolve().parents[2] / "fixtures/seed/xinjiang-nkvd.json"
HEADER = "record_number,title,date,original_archive,people,subjects\n"


# --- a canonical dump of everything an import or export touches ---------------------------

_SKIP = {"id", "created_at", "updated_at", "version"}


def _natural(obj):
    if obj is None:
        return None
    for attr in ("slug", "code", "record_number"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return str(obj)


def _rows(model, order):
    rows = []
    for obj in model.objects.order_by(*order):
        row = {}
        for f in model._meta.concrete_fields:
            if f.name in _SKIP:
                continue
            row[f.name] = _natural(getattr(obj, f.name)) if f.is_relation else getattr(obj, f.name)
        rows.append(row)
    return rows


def canonical_dump() -> dict:
    """Every field and link that import/export covers, with database ids replaced by keys."""
    documents = _rows(Document, ["record_number"])
    for row, doc in zip(documents, Document.objects.order_by("record_number"), strict=True):
        row["funders"] = sorted(f.slug for f in doc.funders.all())
        row["languages"] = sorted(lang.code for lang in doc.original_languages.all())
        row["collections"] = sorted(c.slug for c in doc.collections.all())
    return {
        "documents": documents,
        "people": _rows(Person, ["slug"]),
        "organizations": _rows(Organization, ["slug"]),
        "places": _rows(Place, ["slug"]),
        "repositories": _rows(Repository, ["slug"]),
        "types": _rows(DocumentType, ["slug"]),
        "funders": _rows(Funder, ["slug"]),
        "languages": _rows(Language, ["code"]),
        "collections": _rows(Collection, ["slug"]),
        "subjects": _rows(Subject, ["slug"]),
        "person_links": sorted(
            (link.document.record_number, link.person.slug, link.role, link.uncertain, link.note)
            for link in DocumentPerson.objects.select_related("document", "person")
        ),
        "organization_links": sorted(
            (link.document.record_number, link.organization.slug, link.role, link.uncertain)
            + (link.note,)
            for link in DocumentOrganization.objects.select_related("document", "organization")
        ),
        "place_links": sorted(
            (link.document.record_number, link.place.slug, link.role, link.uncertain, link.note)
            for link in DocumentPlace.objects.select_related("document", "place")
        ),
        "subject_links": sorted(
            (link.content_object.record_number, link.tag.slug)
            for link in TaggedDocument.objects.select_related("content_object", "tag")
        ),
    }


def empty_the_archive():
    """Delete every document, entity and vocabulary entry: an empty database to import into."""
    Document.objects.all().delete()
    for model in (Person, Organization, Place):
        model.objects.update(**({} if model is Person else {"parent": None}))
        model.objects.all().delete()
    for model in (Repository, DocumentType, Funder, Language, Collection, Subject):
        model.objects.all().delete()


def _csv(*rows: str, header: str = HEADER) -> str:
    return header + "".join(row + "\n" for row in rows)


def _actions(report):
    return [row.action for row in report.rows]


def documents_by_name() -> list[dict]:
    """Documents with every field, vocabularies and links named (CSV carries no slugs)."""
    rows = []
    for doc in exporting.with_related(Document.objects.all()):
        row = {f.name: getattr(doc, f.name) for f in Document._meta.concrete_fields}
        for key in ("id", "created_at", "updated_at", "version"):
            row.pop(key)
        row["document_type"] = str(doc.document_type or "")
        row["repository"] = str(doc.repository or "")
        row["languages"] = sorted(lang.code for lang in doc.original_languages.all())
        row["funders"] = sorted(f.name for f in doc.funders.all())
        row["collections"] = sorted(c.title for c in doc.collections.all())
        row["subjects"] = sorted(link.tag.name for link in doc.subject_links.all())
        for relation, entity in (
            ("person_links", "person"),
            ("organization_links", "organization"),
            ("place_links", "place"),
        ):
            row[relation] = sorted(
                (getattr(link, entity).name, link.role, link.uncertain, link.note)
                for link in getattr(doc, relation).all()
            )
        rows.append(row)
    return rows
