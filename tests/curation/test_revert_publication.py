"""A history revert never publishes what the reverting user may not publish, and restores only
the object whose history it is: other records saved in the same revision stay as they are."""

import pytest
from django.urls import reverse

from archive.curation.history import versions_for
from documents.interchange.importing import import_file
from documents.models import Document
from documents.selectors import published_documents
from documents.services import workflow
from tests.curation.test_locking import form_data, staff
from tests.factories import DocumentFactory

Status = Document.Status


def _revision_url(doc, version):
    return reverse("admin:documents_document_revision", args=[doc.pk, version.pk])


@pytest.fixture
def shared_revision(db):
    """An editor imports a file updating two published documents A and B (one revision holds
    both), then withdraws B."""
    editor = staff("Editor", username="edith")
    a = DocumentFactory(title="Document A", summary="Old summary of A.")
    b = DocumentFactory(title="Document B", summary="Old summary of B.")
    content = (
        "record_number,title,summary\n"
        f"{a.record_number},Document A,New summary of A.\n"
        f"{b.record_number},Document B,New summary of B.\n"
    )
    report = import_file(content, "csv", dry_run=False, user=editor)
    assert report.written, [r.messages for r in report.rows]
    shared = versions_for(Document, a.pk).last()
    in_revision = shared.revision.version_set.filter(content_type=shared.content_type)
    assert {v.object_id for v in in_revision} == {str(a.pk), str(b.pk)}
    workflow.withdraw(b, editor)
    return a, b, shared


def test_archivist_reverting_a_to_a_shared_revision_does_not_republish_b(client, shared_revision):
    a, b, shared = shared_revision
    b_versions = versions_for(Document, b.pk).count()
    client.force_login(staff("Archivist", username="archie"))
    url = _revision_url(a, shared)

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Document B" in text and "only this document" in text
    # A is published: an archivist's change to it waits for an editor, a revert is refused.
    assert "Only an editor may revert a published document" in text

    response = client.post(url, form_data(page))
    assert response.status_code == 403
    b.refresh_from_db()
    assert b.status == Status.WITHDRAWN
    assert not published_documents().filter(pk=b.pk).exists()
    assert b.summary == "New summary of B."
    # B did not change, so its history has nothing new.
    assert versions_for(Document, b.pk).count() == b_versions
    a.refresh_from_db()
    assert a.summary == "New summary of A." and a.status == Status.PUBLISHED


def test_editor_reverting_a_restores_a_only(client, shared_revision):
    a, b, shared = shared_revision
    a.refresh_from_db()
    workflow_editor = staff("Editor", username="other-editor")
    from documents.services.documents import document_update

    document_update(document=a, data={"summary": "Edited again."}, user=workflow_editor)
    client.force_login(workflow_editor)
    url = _revision_url(a, shared)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.summary == "New summary of A."
    assert b.status == Status.WITHDRAWN


def test_revert_page_says_when_the_version_s_status_is_not_restored(client, db):
    editor = staff("Editor")
    doc = DocumentFactory(status=Status.DRAFT)
    workflow.publish(doc, editor)
    published = versions_for(Document, doc.pk).last()
    workflow.withdraw(doc, editor)
    client.force_login(staff("Archivist"))
    url = _revision_url(doc, published)

    page = client.get(url)
    text = page.content.decode()
    assert "stays Withdrawn" in text

    response = client.post(url, form_data(page))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.WITHDRAWN
    assert not published_documents().filter(pk=doc.pk).exists()


def test_editor_revert_follows_the_transition_table_too(client, db):
    editor = staff("Editor")
    doc = DocumentFactory(status=Status.DRAFT)
    workflow.submit_for_review(doc, editor)
    in_review = versions_for(Document, doc.pk).last()
    workflow.publish(doc, editor)
    client.force_login(editor)
    url = _revision_url(doc, in_review)

    page = client.get(url)
    assert "stays Published" in page.content.decode()
    response = client.post(url, form_data(page))

    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED  # published → in review is no workflow step


def test_an_editor_recovers_a_published_document_as_published(client, db):
    editor = staff("Editor")
    doc = DocumentFactory(title="Deleted by mistake")
    client.force_login(editor)
    delete = reverse("admin:documents_document_delete", args=[doc.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=doc.pk).exists()

    from reversion.models import Version

    version = Version.objects.get_deleted(Document).get(object_id=str(doc.pk))
    url = reverse("admin:documents_document_recover", args=[version.pk])
    response = client.post(url, form_data(client.get(url)))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert published_documents().filter(pk=doc.pk).exists()
