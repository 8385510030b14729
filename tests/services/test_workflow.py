"""Review workflow and roles: who may submit, publish and withdraw, and what publishing needs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from documents.models import Document, PendingRevision
from documents.selectors import is_public, published_documents
from documents.services import publication, workflow
from tests.admin_forms import change_url, form_data
from tests.factories import DocumentFactory, RepositoryFactory

Status = Document.Status
CHANGELIST = "admin:documents_document_changelist"


def draft(**kwargs):
    return DocumentFactory(status=kwargs.pop("status", Status.DRAFT), **kwargs)


def action_names(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


def run_action(client, action, docs):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "index": 0, "_selected_action": [d.pk for d in docs]},
        follow=True,
    )


# Services ------------------------------------------------------------------------------------


def test_archivist_submits_for_review_but_cannot_publish_or_withdraw(archivist):
    doc = draft()
    workflow.submit_for_review(doc, archivist)
    assert Document.objects.get(pk=doc.pk).status == Status.REVIEW
    with pytest.raises(PermissionDenied):
        workflow.publish(doc, archivist)
    published = DocumentFactory()
    with pytest.raises(PermissionDenied):
        workflow.withdraw(published, archivist)
    with pytest.raises(PermissionDenied):
        workflow.return_to_draft(published, archivist)
    assert Document.objects.get(pk=doc.pk).status == Status.REVIEW
    assert Document.objects.get(pk=published.pk).status == Status.PUBLISHED
    # Back from review to draft is an archivist's call.
    workflow.return_to_draft(doc, archivist)
    assert Document.objects.get(pk=doc.pk).status == Status.DRAFT


def test_editor_publishes_and_withdraws_and_each_step_is_in_the_history(editor):
    doc = draft(status=Status.REVIEW)
    workflow.publish(doc, editor)
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED and doc.published_at is not None
    assert published_documents().filter(pk=doc.pk).exists()
    workflow.withdraw(doc, editor)
    doc.refresh_from_db()
    assert doc.status == Status.WITHDRAWN
    assert not published_documents().filter(pk=doc.pk).exists()

    revisions = [v.revision for v in Version.objects.get_for_object(doc).order_by("pk")]
    assert [(r.user, r.get_comment()) for r in revisions[-2:]] == [
        (editor, "Published."),
        (editor, "Withdrawn."),
    ]


def test_invalid_transitions_are_refused(editor):
    doc = draft()
    with pytest.raises(workflow.TransitionRefused, match="^It is a draft, so it cannot be"):
        workflow.withdraw(doc, editor)
    published = DocumentFactory()
    with pytest.raises(workflow.TransitionRefused, match="^It is already published.$"):
        workflow.publish(published, editor)
    with pytest.raises(workflow.TransitionRefused, match="^It is already a draft.$"):
        workflow.return_to_draft(draft(), editor)


def test_publishing_needs_title_date_summary_and_original_archive(editor):
    # A dated record without its date cannot even be stored (check constraint), so the
    # checks are shown on an unsaved one; "Undated" is the explicit way to have no date.
    problems = publication.publication_problems(
        Document(title=" ", summary="", date_precision="day", date_earliest=None)
    )
    assert set(problems) == {"title", "date_earliest", "summary", "repository"}

    incomplete = draft(summary="", repository=None, source_citation="")
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.publish(incomplete, editor)
    assert "a summary" in str(refused.value) and "the original archive" in str(refused.value)
    assert Document.objects.get(pk=incomplete.pk).status == Status.DRAFT

    # Undated is an explicit date; an empty archival locator is allowed.
    undated = draft(
        date_precision="undated", date_earliest=None, date_latest=None, source_citation=""
    )
    workflow.publish(undated, editor)
    assert Document.objects.get(pk=undated.pk).status == Status.PUBLISHED


def test_likely_duplicate_is_a_warning_not_a_block(editor):
    first = DocumentFactory(title="Politburo decision", date_earliest=datetime.date(1937, 3, 5))
    second = draft(title="Politburo decision", date_earliest=datetime.date(1937, 3, 5))
    warnings = workflow.publish(second, editor)
    assert Document.objects.get(pk=second.pk).status == Status.PUBLISHED
    assert warnings == [
        f"Possible duplicate: record {first.record_number} “Politburo decision” has the same "
        "title and date."
    ]


def test_embargo_releases_by_itself_when_the_database_clock_passes_it(editor):
    doc = draft(status=Status.REVIEW)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    workflow.publish(doc, editor, publish_on=tomorrow)
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED and doc.publish_on == tomorrow
    assert not published_documents().filter(pk=doc.pk).exists()
    assert not is_public(doc)

    # No job runs: moving the embargo into the past (relative to the database's own clock)
    # is all it takes.
    Document.objects.filter(pk=doc.pk).update(publish_on=Now() - datetime.timedelta(minutes=1))
    assert published_documents().filter(pk=doc.pk).exists()
    doc.refresh_from_db()
    assert is_public(doc)


# Admin actions -------------------------------------------------------------------------------


def test_archivist_is_not_offered_publish_or_withdraw_actions(client, archivist):
    client.force_login(archivist)
    names = action_names(client)
    assert {"workflow_submit_for_review", "workflow_return_to_draft"} <= names
    assert not names & {"workflow_publish", "workflow_withdraw"}


def test_editor_is_offered_every_workflow_action(client, editor):
    client.force_login(editor)
    assert {
        "workflow_submit_for_review",
        "workflow_publish",
        "workflow_withdraw",
        "workflow_return_to_draft",
    } <= action_names(client)


def test_archivist_crafted_publish_action_does_nothing(client, archivist):
    doc = draft(status=Status.REVIEW)
    client.force_login(archivist)
    response = run_action(client, "workflow_publish", [doc])
    assert response.status_code == 200
    assert Document.objects.get(pk=doc.pk).status == Status.REVIEW


def test_bulk_publish_reports_what_changed_and_what_was_refused_and_why(client, editor):
    ready = [draft(status=Status.REVIEW), draft()]
    incomplete = draft(title="Unfinished report", summary="")
    already = DocumentFactory(title="Already out")
    client.force_login(editor)
    response = run_action(client, "workflow_publish", [*ready, incomplete, already])
    page = response.content.decode()
    assert "2 documents published." in page
    assert "2 documents refused" in page
    assert "Unfinished report" in page and "a summary" in page
    assert "Already out" in page and "It is already published." in page
    statuses = dict(Document.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in ready] == [Status.PUBLISHED, Status.PUBLISHED]
    assert statuses[incomplete.pk] == Status.DRAFT
    # One revision per document: reverting one never reverts the others.
    revisions = {Version.objects.get_for_object(d).latest("pk").revision_id for d in ready}
    assert len(revisions) == 2


def test_archivist_bulk_submit_and_return_to_draft(client, archivist):
    docs = [draft(), draft()]
    client.force_login(archivist)
    page = run_action(client, "workflow_submit_for_review", docs).content.decode()
    assert "2 documents submitted for review." in page
    assert set(Document.objects.values_list("status", flat=True)) == {Status.REVIEW}
    published = DocumentFactory(title="Public already")
    page = run_action(client, "workflow_return_to_draft", [docs[0], published]).content.decode()
    assert "1 document returned to draft." in page
    assert "Only editors may" in page
    assert Document.objects.get(pk=published.pk).status == Status.PUBLISHED


# Change form -----------------------------------------------------------------------------


def test_archivist_change_form_offers_only_draft_and_review(client, archivist):
    doc = draft()
    client.force_login(archivist)
    response = client.get(change_url(doc))
    form = response.context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "review"]
    assert "publish_on" not in form.fields


def test_archivist_crafted_change_form_post_does_not_publish(client, archivist):
    doc = draft(status=Status.REVIEW)
    client.force_login(archivist)
    url = change_url(doc)
    data = form_data(client.get(url))
    data["status"] = "published"
    data["publish_on_0"] = "2030-01-01"
    data["publish_on_1"] = "00:00:00"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.REVIEW and doc.publish_on is None and doc.published_at is None


def test_archivist_edits_a_published_document_without_unpublishing_it(client, archivist):
    doc = DocumentFactory(title="Published title")
    client.force_login(archivist)
    url = change_url(doc)
    response = client.get(url)
    assert "status" not in response.context["adminform"].form.fields
    data = form_data(response)
    data["title"] = "Published title, corrected"
    data["status"] = "draft"  # crafted: the field is read-only for archivists
    assert client.post(url, data).status_code == 302
    doc.refresh_from_db()
    # The correction waits for an editor's approval; the document stays published as it was.
    assert doc.title == "Published title"
    assert doc.status == Status.PUBLISHED
    pending = PendingRevision.objects.get(document=doc)
    assert pending.changes["fields"] == {"title": "Published title, corrected"}


def test_archivist_can_move_a_draft_to_review_in_the_form(client, archivist):
    doc = draft()
    client.force_login(archivist)
    url = change_url(doc)
    data = form_data(client.get(url))
    data["status"] = "review"
    assert client.post(url, data).status_code == 302
    assert Document.objects.get(pk=doc.pk).status == Status.REVIEW


def test_editor_publishing_in_the_form_is_told_what_is_missing(client, editor):
    doc = draft(summary="", repository=None)
    client.force_login(editor)
    url = change_url(doc)
    data = form_data(client.get(url))
    data["status"] = "published"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cannot publish yet: it needs a summary, the original archive." in page
    assert Document.objects.get(pk=doc.pk).status == Status.DRAFT

    data["summary"] = "The Politburo approves aid to Sheng Shicai."
    data["repository"] = str(RepositoryFactory().pk)
    response = client.post(url, data)
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED and doc.published_at is not None


def test_editor_sets_an_embargo_in_the_form(client, editor):
    doc = draft(status=Status.REVIEW)
    client.force_login(editor)
    url = change_url(doc)
    data = form_data(client.get(url))
    data.update(status="published", publish_on_0="2999-01-01", publish_on_1="09:00:00")
    assert client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED and doc.publish_on.year == 2999
    assert not published_documents().filter(pk=doc.pk).exists()


def test_a_published_document_stays_complete(client, archivist):
    doc = DocumentFactory(title="Published and complete")
    client.force_login(archivist)
    url = change_url(doc)
    data = form_data(client.get(url))
    data["summary"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A published document needs a summary." in response.content.decode()
    doc.refresh_from_db()
    assert doc.summary == "A summary of the document."
