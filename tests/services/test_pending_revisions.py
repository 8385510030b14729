"""Pending revisions: an archivist's change to a published document waits for an editor.
Before approval nothing readers see changes (page, API, feed, search: the document row and
its links are untouched, so nothing reaches the search index); after approval all of it does."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from reversion.models import Version

from documents.models import Document, DocumentPerson, PendingRevision, WorkflowNote
from documents.services.documents import document_update
from documents.services.pending import (
    document_propose,
    pending_approve,
    pending_diff,
    pending_return,
)
from tests.admin_forms import change_url, form_data
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory, SubjectFactory

OLD, NEW = "Report on the Kashgar uprising", "Report on the uprising in Kashgar, 1937"


def _row(doc):
    """Everything search upkeep reads from a document: its row and its links."""
    row = Document.objects.filter(pk=doc.pk).values(
        "title", "summary", "entity_text", "version", "updated_at"
    )[0]
    links = sorted(DocumentPerson.objects.filter(document=doc).values_list("person_id", "role"))
    return row, links


def _reader_sees(client, doc, text) -> dict:
    page = client.get(reverse("document_detail_short", args=[doc.record_number]), follow=True)
    api = client.get(reverse("api_document_detail", args=[doc.record_number]))
    feed = client.get(reverse("document_feed"))
    return {
        "page": text in page.content.decode(),
        "api": text in api.content.decode(),
        "feed": text in feed.content.decode(),
    }


@pytest.fixture
def published(db):
    doc = DocumentFactory(title=OLD, summary="NKVD report.")
    DocumentPersonFactory(document=doc, person=PersonFactory(name="Sheng Shicai"), role="author")
    return doc


def _propose_in_admin(client, doc, **changes):
    url = change_url(doc)
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response


def test_an_archivists_admin_edit_of_a_published_document_waits(
    archivist_client, client, published
):
    before = _row(published)
    response = _propose_in_admin(
        archivist_client, published, title=NEW, pending_note="Added the year."
    )
    assert "saved for approval" in response.content.decode()
    pending = PendingRevision.objects.get(document=published)
    assert pending.changes["fields"] == {"title": NEW}
    assert pending.note == "Added the year."
    # Nothing of the document was written: no search-relevant write can have happened.
    assert _row(published) == before
    assert (
        not Version.objects.get_for_object(published).filter(serialized_data__contains=NEW).exists()
    )
    client.logout()
    assert _reader_sees(client, published, NEW) == {"page": False, "api": False, "feed": False}
    assert _reader_sees(client, published, OLD) == {"page": True, "api": True, "feed": True}


def test_after_approval_readers_see_the_change_everywhere(
    archivist_client, editor, client, published
):
    _propose_in_admin(archivist_client, published, title=NEW)
    pending = PendingRevision.objects.get(document=published)
    pending_approve(pending=pending, user=editor)
    client.logout()
    assert _reader_sees(client, published, NEW) == {"page": True, "api": True, "feed": True}
    published.refresh_from_db()
    assert published.title == NEW and published.status == Document.Status.PUBLISHED
    latest = Version.objects.get_for_object(published).first()
    assert latest.revision.user == editor
    assert latest.revision.get_comment().startswith("Approved the change by archie")
    pending.refresh_from_db()
    assert (pending.state, pending.reviewer) == (PendingRevision.State.APPROVED, editor)


def test_links_and_subjects_are_proposed_and_shown_as_a_diff(archivist, editor, published):
    beria = PersonFactory(name="Lavrentiy Beria")
    soviet_aid = SubjectFactory(name="Soviet aid")
    pending = document_propose(
        document=published,
        data={"people": [(beria, "recipient")], "subjects": [soviet_aid]},
        user=archivist,
        note="Beria received it.",
    )
    assert _row(published)[1] != [(beria.pk, "recipient")]
    diff = {c.label: c for c in pending_diff(pending)}
    assert diff["People"].added == ["Lavrentiy Beria (Recipient)"]
    assert diff["People"].removed == ["Sheng Shicai (Author)"]
    assert diff["Subjects"].added == ["Soviet aid"]
    pending_approve(pending=pending, user=editor)
    assert list(published.person_links.values_list("person__name", "role")) == [
        ("Lavrentiy Beria", "recipient")
    ]
    assert list(published.subjects.names()) == ["Soviet aid"]


def test_returning_keeps_the_document_and_tells_the_author(archivist, editor, published):
    pending = document_propose(document=published, data={"title": NEW}, user=archivist)
    with pytest.raises(ValidationError):
        pending_return(pending=pending, user=editor, comment="  ")
    pending_return(pending=pending, user=editor, comment="Keep the archive's title.")
    published.refresh_from_db()
    assert published.title == OLD
    note = WorkflowNote.objects.get(document=published)
    assert (note.addressee, note.note) == (archivist, "Keep the archive's title.")
    with pytest.raises(ValidationError, match="already returned"):
        pending_approve(pending=pending, user=editor)


def test_only_editors_decide_and_archivists_cannot_write_published_documents(archivist, published):
    pending = document_propose(document=published, data={"title": NEW}, user=archivist)
    with pytest.raises(PermissionDenied):
        pending_approve(pending=pending, user=archivist)
    with pytest.raises(PermissionDenied):
        document_update(document=published, data={"title": NEW}, user=archivist)
    with pytest.raises(PermissionDenied):
        document_propose(document=published, data={"status": "draft"}, user=archivist)


def test_the_editor_reviews_the_diff_and_approves_in_the_admin(
    archivist_client, editor, client, published
):
    _propose_in_admin(archivist_client, published, title=NEW, pending_note="Year added.")
    pending = PendingRevision.objects.get()
    client.force_login(editor)
    url = reverse("admin:documents_pendingrevision_change", args=[pending.pk])
    # The document's own page points the editor at it.
    assert f'href="{url}"' in client.get(change_url(published)).content.decode()
    page = client.get(url).content.decode()
    assert "Published now" in page and "Proposed" in page
    assert f"<del>{OLD}</del>" in page and f"<ins>{NEW}</ins>" in page
    assert "Year added." in page
    done = client.post(url, {"decision": "approve_edit", "comment": ""})
    assert done["Location"] == change_url(published)
    published.refresh_from_db()
    assert published.title == NEW


def test_archivists_see_but_cannot_decide(archivist_client, archivist, published):
    pending = document_propose(document=published, data={"title": NEW}, user=archivist)
    url = reverse("admin:documents_pendingrevision_change", args=[pending.pk])
    page = archivist_client.get(url)
    assert page.status_code == 200
    assert 'value="approve"' not in page.content.decode()
    archivist_client.post(url, {"decision": "approve"})
    published.refresh_from_db()
    assert published.title == OLD
