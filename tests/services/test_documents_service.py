"""The document service: the one write path's rules hold for code as for the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from archive.curation.history import versions_for
from archive.curation.locking import VersionConflict
from documents.models import Document
from documents.selectors import published_documents
from documents.services.documents import document_create, document_update
from documents.services.publication import TransitionRefused
from documents.services.record_numbers import RECORD_NUMBER_MARGIN
from tests.curation.test_locking import staff
from tests.factories import DocumentFactory, PersonFactory, RepositoryFactory, SubjectFactory

Status = Document.Status


@pytest.fixture
def archivist(db):
    return staff("Archivist", username="archie")


@pytest.fixture
def editor(db):
    return staff("Editor", username="edith")


def test_create_stores_the_document_in_its_stored_form_with_history_and_search(editor):
    beria = PersonFactory(name="Lavrentiy Beria", variants="L. P. Beria")
    outcome = document_create(
        data={
            "title": "Telegram to Beria",
            "date": "1941-02",
            "summary": "Line one\r\nline two",
            "full_text": "<p>Text</p><script>alert(1)</script>",
            "repository": RepositoryFactory(),
            "status": Status.PUBLISHED,
            "people": [(beria, "recipient")],
            "subjects": [SubjectFactory(name="Soviet aid")],
        },
        user=editor,
    )
    doc = Document.objects.get(pk=outcome.document.pk)
    assert (doc.slug, doc.date_display) == ("telegram-to-beria", "February 1941")
    assert doc.summary == "Line one\nline two"
    assert "script" not in doc.full_text and "<p>Text</p>" in doc.full_text
    assert doc.published_at is not None
    assert list(published_documents().search("Beria")) == [doc]
    assert list(published_documents().search("aid")) == [doc]
    (version,) = versions_for(Document, doc.pk)
    assert version.revision.user == editor


def test_an_archivist_cannot_create_or_make_a_published_document(archivist):
    data = {"title": "Report", "summary": "S.", "repository": RepositoryFactory()}
    with pytest.raises(PermissionDenied):
        document_create(data={**data, "status": Status.PUBLISHED}, user=archivist)
    doc = document_create(data=data, user=archivist).document
    with pytest.raises(PermissionDenied):
        document_update(document=doc, data={"status": Status.PUBLISHED}, user=archivist)
    assert not published_documents().exists()


def test_an_editor_cannot_publish_an_incomplete_document_or_skip_the_table(editor):
    doc = DocumentFactory(status=Status.DRAFT, summary="")
    with pytest.raises(TransitionRefused, match="needs a summary"):
        document_update(document=doc, data={"status": Status.PUBLISHED}, user=editor)
    published = DocumentFactory()
    with pytest.raises(PermissionDenied, match="No workflow step"):
        document_update(document=published, data={"status": Status.REVIEW}, user=editor)
    assert Document.objects.get(pk=published.pk).status == Status.PUBLISHED


def test_update_refuses_a_stale_version(editor):
    doc = DocumentFactory()
    stale = doc.version
    document_update(document=doc, data={"summary": "First edit."}, user=editor)
    with pytest.raises(VersionConflict):
        document_update(
            document=Document.objects.get(pk=doc.pk),
            data={"summary": "Second edit."},
            user=editor,
            expected_version=stale,
        )
    assert Document.objects.get(pk=doc.pk).summary == "First edit."


def test_bad_values_are_validation_errors_not_database_errors(editor):
    highest = DocumentFactory().record_number
    with pytest.raises(ValidationError, match="far above the highest"):
        document_create(
            data={"title": "Far", "record_number": highest + RECORD_NUMBER_MARGIN + 1},
            user=editor,
        )
    with pytest.raises(ValidationError, match="not a real date"):
        document_create(data={"title": "Bad", "date": "1941-02-30"}, user=editor)
    assert document_create(data={"title": "Next"}, user=editor).document.record_number == (
        highest + 1
    )


def test_delete_keeps_the_document_recoverable(editor):
    from reversion.models import Version

    from documents.services.documents import document_delete

    doc = DocumentFactory(title="Deleted later")
    pk = doc.pk
    document_delete(document=doc, user=editor)

    assert not Document.objects.filter(pk=pk).exists()
    deleted = Version.objects.get_deleted(Document).get(object_id=str(pk))
    assert deleted.field_dict["title"] == "Deleted later"
    with pytest.raises(PermissionDenied):
        document_delete(document=DocumentFactory(), user=staff("Archivist", username="a2"))
