"""The review desk (the admin's home) and the workflow buttons on the document form."""

import re

from django.test import Client
from django.urls import reverse

from documents.models import Document, WorkflowNote
from documents.services import workflow
from documents.services.documents import document_create
from documents.services.pending import document_propose
from tests.admin_forms import change_url
from tests.factories import DocumentFactory

Status = Document.Status


def _step_url(doc, step):
    return reverse("admin:documents_document_workflow_step", args=[doc.pk, step])


def _section(page, key):
    match = re.search(rf'id="desk-{key}">(.*?)</div>', page, re.S)
    assert match, key
    return match.group(1)


def test_submit_with_a_note_then_return_with_a_comment_through_the_buttons(
    archivist_client, archivist, editor
):
    editor_client = Client()
    editor_client.force_login(editor)
    doc = document_create(data={"title": "Telegram from Urumqi"}, user=archivist).document
    page = archivist_client.get(change_url(doc)).content.decode()
    assert f'href="{_step_url(doc, "submit_for_review")}"' in page
    assert _step_url(doc, "publish") not in page  # archivists do not publish

    response = archivist_client.post(
        _step_url(doc, "submit_for_review"),
        {"note": "Please check the date.", "version": doc.version},
    )
    assert response["Location"] == change_url(doc)
    doc.refresh_from_db()
    assert doc.status == Status.REVIEW

    desk = editor_client.get(reverse("admin:index")).content.decode()
    waiting = _section(desk, "review")
    assert "Telegram from Urumqi" in waiting and "Please check the date." in waiting
    assert "Archie" in waiting  # who submitted

    refused = editor_client.post(_step_url(doc, "return_to_draft"), {"note": "", "version": 0})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    editor_client.post(
        _step_url(doc, "return_to_draft"),
        {"note": "The date is 1937, not 1936.", "version": Document.objects.get().version},
    )
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT
    note = WorkflowNote.objects.filter(step="return_to_draft").get()
    assert (note.user, note.addressee) == (editor, archivist)

    mine = archivist_client.get(reverse("admin:index")).content.decode()
    assert "The date is 1937, not 1936." in _section(mine, "returned")
    assert "Telegram from Urumqi" in _section(mine, "drafts")
    # The comment is in the history too.
    history = archivist_client.get(reverse("admin:documents_document_history", args=[doc.pk]))
    assert "Returned to draft: The date is 1937, not 1936." in history.content.decode()


def test_publish_asks_for_confirmation_and_withdraw_for_a_reason(editor_client, editor):
    doc = DocumentFactory(status=Status.REVIEW, title="Report on Kashgar")
    confirm = editor_client.get(_step_url(doc, "publish"))
    assert confirm.status_code == 200
    assert "Yes, publish it" in confirm.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.REVIEW  # nothing happens before confirming
    editor_client.post(_step_url(doc, "publish"), {"note": "", "version": doc.version})
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED

    no_reason = editor_client.post(_step_url(doc, "withdraw"), {"note": "", "version": doc.version})
    assert no_reason.status_code == 200
    editor_client.post(
        _step_url(doc, "withdraw"), {"note": "Rights unclear.", "version": doc.version}
    )
    doc.refresh_from_db()
    assert doc.status == Status.WITHDRAWN
    desk = editor_client.get(reverse("admin:index")).content.decode()
    assert "Report on Kashgar" in _section(desk, "changed")


def test_a_stale_page_or_an_impossible_step_is_refused_clearly(editor_client, editor):
    doc = DocumentFactory(status=Status.REVIEW)
    stale = editor_client.post(_step_url(doc, "publish"), {"note": "", "version": 99})
    assert "Someone saved this document meanwhile" in stale.content.decode()
    workflow.publish(doc, editor)
    again = editor_client.get(_step_url(doc, "publish"))
    assert again.status_code == 302
    assert editor_client.get(_step_url(doc, "explode")).status_code == 404


def test_desk_counts_and_empty_states(editor_client, archivist, editor):
    for n in range(10):
        DocumentFactory(status=Status.REVIEW, title=f"Waiting {n}")
    pending_doc = DocumentFactory(title="Published report")
    document_propose(document=pending_doc, data={"title": "Better title"}, user=archivist)
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "<strong>10</strong> awaiting review" in page
    assert "All 10" in page  # eight shown, a link to the rest
    pending = _section(page, "pending")
    assert "Published report" in pending
    assert "No drafts of yours." in _section(page, "drafts")
    assert "Nothing has been returned to you." in _section(page, "returned")
