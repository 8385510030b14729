"""Documents that stop being public are remembered (for OAI-PMH deleted records) on every
write path; documents that were never public are not."""

import datetime

import pytest
from django.utils import timezone

from documents.interchange.importing import import_file
from documents.models import Document, DocumentTombstone
from documents.services import workflow
from tests.factories import CollectionFactory, DocumentFactory

Status = Document.Status
Reason = DocumentTombstone.Reason


def tombstone(doc) -> DocumentTombstone | None:
    return DocumentTombstone.objects.filter(record_number=doc.record_number).first()


def test_withdrawing_a_public_document_leaves_a_tombstone_with_its_collections(editor):
    collection = CollectionFactory(slug="telegrams")
    doc = DocumentFactory(title="Telegram to Urumqi")
    doc.collections.add(collection)
    before = timezone.now()

    workflow.withdraw(doc, editor)

    stone = tombstone(doc)
    assert stone.reason == Reason.WITHDRAWN
    assert stone.title == "Telegram to Urumqi"
    assert stone.collections == ["telegrams"]
    assert stone.removed_at >= before


def test_returning_to_draft_and_embargoing_again_leave_tombstones(editor):
    drafted, embargoed = DocumentFactory(), DocumentFactory()

    workflow.return_to_draft(drafted, editor)
    embargoed.publish_on = timezone.now() + datetime.timedelta(days=30)  # as the admin form does
    embargoed.save()

    assert tombstone(drafted).reason == Reason.DRAFT
    assert tombstone(embargoed).reason == Reason.EMBARGOED


def test_deleting_a_public_document_leaves_a_tombstone(db):
    doc = DocumentFactory()
    number = doc.record_number
    doc.delete()
    assert DocumentTombstone.objects.get(record_number=number).reason == Reason.DELETED


def test_bulk_delete_of_public_documents_leaves_tombstones(db):
    docs = DocumentFactory.create_batch(3)
    Document.objects.filter(pk__in=[d.pk for d in docs]).delete()
    assert (
        DocumentTombstone.objects.filter(
            record_number__in=[d.record_number for d in docs], reason=Reason.DELETED
        ).count()
        == 3
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.WITHDRAWN])
def test_documents_that_were_never_public_leave_no_tombstone(db, status):
    doc = DocumentFactory(status=status)
    doc.title = "Edited"
    doc.save()
    doc.delete()
    assert not DocumentTombstone.objects.exists()


def test_embargoed_document_withdrawn_before_its_embargo_lifts_leaves_no_tombstone(editor):
    doc = DocumentFactory(publish_on=timezone.now() + datetime.timedelta(days=3))
    workflow.withdraw(doc, editor)
    assert tombstone(doc) is None


def test_editing_a_public_document_leaves_no_tombstone(db):
    doc = DocumentFactory()
    doc.summary = "A better summary."
    doc.save()
    assert tombstone(doc) is None


def test_an_import_that_withdraws_a_document_leaves_a_tombstone(db):
    doc = DocumentFactory(title="Imported away")
    content = f"record_number,title,status\n{doc.record_number},Imported away,withdrawn\n"

    report = import_file(content, "csv", dry_run=False)

    assert not report.errors, report.errors
    assert Document.objects.get(pk=doc.pk).status == Status.WITHDRAWN
    assert tombstone(doc).reason == Reason.WITHDRAWN


def test_withdrawn_twice_keeps_one_tombstone_with_the_latest_time(editor):
    doc = DocumentFactory()
    workflow.withdraw(doc, editor)
    first = tombstone(doc).removed_at
    workflow.publish(doc, editor)
    workflow.withdraw(doc, editor)
    assert DocumentTombstone.objects.filter(record_number=doc.record_number).count() == 1
    assert tombstone(doc).removed_at > first
