"""Bulk edit of selected documents: add or remove a subject, a collection or an entity link
with a role, previewed, in one transaction, recorded in each document's history."""

import pytest
from django.urls import reverse
from reversion.models import Version

from documents.models import Document, DocumentPerson, PendingRevision
from documents.services.bulk_edit import ADD, REMOVE, BulkChange, bulk_apply
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentPersonFactory,
    PersonFactory,
    SubjectFactory,
)

Status = Document.Status
URL = "admin:documents_document_changelist"


@pytest.fixture
def drafts(db):
    return [DocumentFactory(status=Status.DRAFT, title=f"Draft {n}") for n in range(3)]


def _post(client, docs, *, step="preview", **fields):
    data = {
        "action": "bulk_edit",
        "index": 0,
        "_selected_action": [d.pk for d in docs],
        f"bulk_{step}": "yes",
        **{f"bulk-{k}": v for k, v in fields.items()},
    }
    return client.post(reverse(URL), data)


def test_preview_then_apply_adds_a_subject_to_each_document_in_history(editor_client, drafts):
    aid = SubjectFactory(name="Soviet aid")
    drafts[0].subjects.add(aid)
    preview = _post(editor_client, drafts, operation=ADD, kind="subject", subject=aid.pk)
    page = preview.content.decode()
    assert "Preview: 2 of 3 documents change" in page
    assert "Already has it" in page and page.count("Will add subject “Soviet aid”") == 2
    assert sorted(Document.objects.filter(subjects=aid).values_list("pk", flat=True)) == [
        drafts[0].pk
    ]  # nothing written by a preview

    done = _post(editor_client, drafts, operation=ADD, kind="subject", subject=aid.pk, step="apply")
    assert done.status_code == 302
    assert Document.objects.filter(subjects=aid).count() == 3
    latest = Version.objects.get_for_object(drafts[1]).first()
    assert latest.revision.get_comment() == "Bulk edit: add subject “Soviet aid”."


def test_links_with_a_role_are_added_and_removed(editor, drafts):
    beria = PersonFactory(name="Lavrentiy Beria")
    DocumentPersonFactory(document=drafts[0], person=beria, role="author", note="Signed.")
    outcome = bulk_apply(
        documents=drafts, change=BulkChange(ADD, "person", beria, "recipient"), user=editor
    )
    assert len(outcome.changed) == 3
    assert sorted(
        DocumentPerson.objects.filter(document=drafts[0]).values_list("role", "note")
    ) == [
        ("author", "Signed."),
        ("recipient", ""),
    ]
    bulk_apply(
        documents=drafts, change=BulkChange(REMOVE, "person", beria, "recipient"), user=editor
    )
    assert list(DocumentPerson.objects.values_list("document", "role")) == [
        (drafts[0].pk, "author")
    ]


def test_all_or_nothing(editor, drafts, monkeypatch):
    collection = CollectionFactory(title="Border affairs")
    from documents.services import bulk_edit

    calls = []
    real = bulk_edit.document_update

    def failing(**kwargs):
        calls.append(kwargs["document"].pk)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(bulk_edit, "document_update", failing)
    with pytest.raises(RuntimeError):
        bulk_apply(documents=drafts, change=BulkChange(ADD, "collection", collection), user=editor)
    assert not collection.documents.exists()


def test_published_documents_edited_by_an_archivist_wait_for_approval(archivist, db):
    published = DocumentFactory(title="Published")
    draft = DocumentFactory(status=Status.DRAFT)
    aid = SubjectFactory(name="Soviet aid")
    outcome = bulk_apply(
        documents=[published, draft], change=BulkChange(ADD, "subject", aid), user=archivist
    )
    assert outcome.changed == [draft] and outcome.pending == [published]
    assert not published.subjects.exists()
    assert PendingRevision.objects.get().changes["relations"] == {"subjects": [aid.pk]}


def test_choosing_nothing_is_a_clear_form_error(editor_client, drafts):
    response = _post(editor_client, drafts, operation=ADD, kind="person")
    assert response.status_code == 200
    assert "Choose the person." in response.content.decode()
