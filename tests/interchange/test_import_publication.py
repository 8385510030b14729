"""An import publishes only through the workflow's rule: the user's permission, the transition
table and what publishing needs; and record numbers stay within a sane range."""

from django.urls import reverse

from documents.interchange.importing import import_file
from documents.models import Document
from tests.curation.test_locking import form_data, staff
from tests.factories import DocumentFactory, RepositoryFactory

Status = Document.Status


def test_import_cannot_publish_a_new_document_without_a_summary(db):
    RepositoryFactory()
    content = "title,date,original_archive,status\nNo summary here,1936,RGASPI,published\n"

    report = import_file(content, "csv", dry_run=False)

    assert [r.action for r in report.rows] == ["rejected"]
    assert "Cannot publish yet: it needs a summary." in report.rows[0].messages
    assert not Document.objects.exists()


def test_import_cannot_publish_an_existing_incomplete_draft(db):
    doc = DocumentFactory(status=Status.DRAFT, summary="")
    content = f"record_number,status\n{doc.record_number},published\n"

    report = import_file(content, "csv", dry_run=False)

    assert [r.action for r in report.rows] == ["rejected"]
    assert Document.objects.get(pk=doc.pk).status == Status.DRAFT


def test_import_follows_the_transition_table(db):
    doc = DocumentFactory()  # published
    content = f"record_number,status\n{doc.record_number},review\n"

    report = import_file(content, "csv", dry_run=True)

    assert [r.action for r in report.rows] == ["rejected"]
    assert "cannot be submitted for review" in " ".join(report.rows[0].messages).lower() or (
        "published to in review" in " ".join(report.rows[0].messages).lower()
    )


def test_record_number_far_above_the_highest_is_rejected_and_adding_still_works(client, db):
    RepositoryFactory()
    existing = DocumentFactory()
    content = "record_number,title,date,original_archive\n2147483647,Overflow,1936,RGASPI\n"

    report = import_file(content, "csv", dry_run=False)

    assert [r.action for r in report.rows] == ["rejected"]
    assert "2147483647" in report.rows[0].messages[0]
    assert "leave it blank" in report.rows[0].messages[0].lower()

    # Adding a document still works, in the admin and by import.
    client.force_login(staff("Editor"))
    url = reverse("admin:documents_document_add")
    data = form_data(client.get(url))
    data.update(title="Added in the admin", date="1937")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Document.objects.get(title="Added in the admin")
    assert added.record_number == existing.record_number + 1
    again = import_file("title,date,original_archive\nImported,1938,RGASPI\n", "csv", dry_run=False)
    assert again.written
    assert Document.objects.get(title="Imported").record_number == added.record_number + 1


def test_record_numbers_within_the_margin_are_accepted_in_order(db):
    RepositoryFactory()
    rows = "".join(f"{n},Letter {n},1936,RGASPI\n" for n in (3, 1, 2))
    report = import_file("record_number,title,date,original_archive\n" + rows, "csv", dry_run=False)
    assert report.written
    assert sorted(Document.objects.values_list("record_number", flat=True)) == [1, 2, 3]


# --- Published documents changed by someone who may not publish: held for approval ----------


def test_an_archivists_import_row_on_a_published_document_waits_for_approval(archivist, editor):
    """The import is a write path like the admin: an archivist's change to a published document
    becomes a pending revision, readers keep the published text, an editor's approval applies
    it (documents.services.pending)."""
    from documents.models import PendingRevision
    from documents.selectors import published_documents
    from documents.services.pending import pending_approve

    doc = DocumentFactory(title="NKVD report", summary="Old summary.")
    content = f"record_number,summary\n{doc.record_number},A corrected summary.\n"

    dry = import_file(content, "csv", dry_run=True, allow_publish=False, user=archivist)
    assert [r.action for r in dry.rows] == ["held"], dry.rows[0].messages
    assert "approval" in " ".join(dry.rows[0].messages)
    assert "1 held for an editor's approval" in dry.summary()

    report = import_file(content, "csv", dry_run=False, allow_publish=False, user=archivist)
    assert report.written, report.rows[0].messages
    live = Document.objects.get(pk=doc.pk)
    assert (live.summary, live.version) == ("Old summary.", doc.version)
    assert published_documents().filter(pk=doc.pk, summary="Old summary.").exists()
    pending = PendingRevision.objects.get(document=doc)
    assert pending.author == archivist
    assert pending.changes["fields"] == {"summary": "A corrected summary."}

    pending_approve(pending=pending, user=editor)
    assert Document.objects.get(pk=doc.pk).summary == "A corrected summary."


def test_an_editors_import_row_changes_a_published_document_at_once(editor):
    doc = DocumentFactory(summary="Old summary.")
    content = f"record_number,summary\n{doc.record_number},New summary.\n"

    report = import_file(content, "csv", dry_run=False, allow_publish=True, user=editor)

    assert [r.action for r in report.rows] == ["updated"]
    assert Document.objects.get(pk=doc.pk).summary == "New summary."
