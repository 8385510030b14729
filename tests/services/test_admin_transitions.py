"""The change form offers only the status changes the workflow's table allows, for that user."""

import pytest

from documents.models import Document
from tests.curation.test_locking import change_url, form_data, staff
from tests.factories import DocumentFactory

Status = Document.Status


@pytest.fixture
def editor(db):
    return staff("Editor", username="edith")


def _status_choices(client, doc):
    form = client.get(change_url(doc)).context["adminform"].form
    return [value for value, _ in form.fields["status"].choices]


def test_editor_is_offered_only_allowed_transitions_from_published(client, editor):
    doc = DocumentFactory()
    client.force_login(editor)
    assert _status_choices(client, doc) == ["draft", "published", "withdrawn"]


def test_editor_cannot_set_published_to_in_review_in_the_form(client, editor):
    doc = DocumentFactory(title="Published")
    client.force_login(editor)
    url = change_url(doc)
    data = form_data(client.get(url))
    data["status"] = "review"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("before", "offered"),
    [
        (Status.DRAFT, ["draft", "review", "published"]),
        (Status.REVIEW, ["draft", "review", "published"]),
        (Status.WITHDRAWN, ["draft", "review", "published", "withdrawn"]),
    ],
)
def test_editor_choices_follow_the_table(client, editor, before, offered):
    doc = DocumentFactory(status=before)
    client.force_login(editor)
    assert _status_choices(client, doc) == offered
