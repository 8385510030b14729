"""Import never loses data: an empty cell keeps what is there, `-` clears it, and the dry run
shows each change with its value before and after."""

import pytest

from documents.interchange.importing import import_file
from documents.models import Document, PendingRevision, TaggedDocument
from documents.selectors import published_documents
from documents.services.pending import pending_approve
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPlaceFactory,
    SubjectFactory,
)

Status = Document.Status
HEADER = (
    "record_number,title,date,summary,status,original_archive,people,organizations,places,"
    "subjects,collections,internal_notes\n"
)


@pytest.fixture
def curated(db):
    """A published document with a collection, two organizations, a place and two subjects."""
    doc = DocumentFactory(title="NKVD report on Xinjiang", summary="Old summary.")
    doc.collections.add(CollectionFactory(title="Xinjiang and the NKVD"))
    DocumentOrganizationFactory(document=doc, organization__name="NKVD", role="author")
    DocumentOrganizationFactory(document=doc, organization__name="Politburo", role="recipient")
    DocumentPlaceFactory(document=doc, place__name="Urumqi")
    for name in ("Soviet aid", "Border security"):
        TaggedDocument.objects.create(content_object=doc, tag=SubjectFactory(name=name))
    doc.internal_notes = "Check the date."
    doc.save()
    return doc


def _state(doc):
    doc = Document.objects.get(pk=doc.pk)
    return {
        "title": doc.title,
        "date": doc.date_display,
        "status": doc.status,
        "repository": doc.repository_id,
        "collections": sorted(c.title for c in doc.collections.all()),
        "organizations": sorted(link.organization.name for link in doc.organization_links.all()),
        "places": sorted(link.place.name for link in doc.place_links.all()),
        "subjects": sorted(doc.subjects.names()),
        "summary": doc.summary,
        "internal_notes": doc.internal_notes,
    }


def _row(doc, **cells):
    values = {"record_number": str(doc.record_number)} | cells
    columns = HEADER.strip().split(",")
    return HEADER + ",".join(values.get(c, "") for c in columns) + "\n"


@pytest.mark.parametrize("role", ["editor", "archivist"])
def test_blank_cells_keep_status_links_subjects_and_collections(curated, role, request):
    """A row fixing one summary changes that summary and nothing else, and is never refused
    for a status it does not touch. An archivist's change to a published document waits for
    an editor's approval (a pending revision), then lands the same way."""
    user, editor = request.getfixturevalue(role), request.getfixturevalue("editor")
    allow_publish = role == "editor"
    before = _state(curated)
    content = _row(curated, summary="A corrected summary.")

    dry = import_file(content, "csv", dry_run=True, allow_publish=allow_publish, user=user)
    assert [r.action for r in dry.rows] == [role == "editor" and "updated" or "held"]
    assert dry.rows[0].messages[0] == "Changes: summary."
    report = import_file(content, "csv", dry_run=False, allow_publish=allow_publish, user=user)
    assert report.written, report.rows[0].messages
    if role == "archivist":
        assert _state(curated) == before  # readers keep the published version meanwhile
        pending_approve(pending=PendingRevision.objects.get(document=curated), user=editor)

    assert _state(curated) == before | {"summary": "A corrected summary."}
    assert published_documents().filter(pk=curated.pk).exists()


def test_a_dash_clears_a_field_or_a_set_of_links(curated):
    before = _state(curated)
    content = _row(curated, places="-", subjects="-", internal_notes="-")

    report = import_file(content, "csv", dry_run=False)

    assert report.written, report.rows[0].messages
    assert _state(curated) == before | {"places": [], "subjects": [], "internal_notes": ""}


def test_dry_run_shows_values_before_and_after_and_warns_loudly(curated):
    content = _row(curated, summary="New.", status="draft", organizations="-")

    report = import_file(content, "csv", dry_run=True)

    row = report.rows[0]
    changes = {change.field: (change.before, change.after) for change in row.changes}
    assert changes["summary"] == ("Old summary.", "New.")
    assert changes["status"] == ("Published", "Draft")
    assert changes["organizations"] == ("NKVD (author); Politburo (recipient)", "—")
    assert any("unpublish" in warning for warning in row.warnings)
    assert any("remove" in warning and "NKVD" in warning for warning in row.warnings)
    assert _state(curated)["status"] == Status.PUBLISHED


def test_a_blank_cell_on_a_new_row_leaves_the_field_empty(db):
    from tests.factories import RepositoryFactory

    RepositoryFactory()
    content = HEADER + ",A new letter,1936,,,RGASPI,,,,,,\n"
    report = import_file(content, "csv", dry_run=False)
    assert report.written, report.rows[0].messages
    doc = Document.objects.get(title="A new letter")
    assert doc.status == Status.DRAFT and doc.summary == ""
