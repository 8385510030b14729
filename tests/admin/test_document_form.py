"""The document form's one date input, read by the one partial-date parser."""

import pytest
from django.urls import reverse

from documents.models import Document
from tests.curation.test_locking import change_url, form_data, staff
from tests.factories import DocumentFactory


@pytest.fixture
def archivist_client(client, db):
    client.force_login(staff("Archivist"))
    return client


@pytest.mark.parametrize(
    ("typed", "precision", "earliest", "latest", "circa", "shown"),
    [
        ("1941-02", "month", "1941-02-01", "1941-02-28", False, "February 1941"),
        ("c. 1936", "year", "1936-01-01", "1936-12-31", True, "c. 1936"),
        ("1935/1936", "range", "1935-01-01", "1936-12-31", False, "1935–1936"),
        ("1945-07-12", "day", "1945-07-12", "1945-07-12", False, "July 12, 1945"),
        ("", "undated", "None", "None", False, "Undated"),
    ],
)
def test_one_date_input_accepts_what_the_importer_accepts(
    archivist_client, typed, precision, earliest, latest, circa, shown
):
    url = reverse("admin:documents_document_add")
    data = form_data(archivist_client.get(url))
    data.update(title="Telegram to Beria", date=typed)
    response = archivist_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get(title="Telegram to Beria")
    assert doc.date_precision == precision
    assert (str(doc.date_earliest), str(doc.date_latest), doc.date_circa) == (
        earliest,
        latest,
        circa,
    )
    assert doc.date_display == shown


def test_the_form_shows_the_date_as_typed_and_saves_it_back_unchanged(archivist_client):
    doc = DocumentFactory(status=Document.Status.DRAFT)
    doc.set_date("c. 1935/1936")
    doc.save()
    url = change_url(doc)
    data = form_data(archivist_client.get(url))
    assert data["date"] == "c. 1935/1936"
    assert archivist_client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert (doc.date_precision, doc.date_circa, doc.date_display) == ("range", True, "c. 1935–1936")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1941-13", "not a real date"), ("1936/1935", "must end after it starts"), ("soon", "YYYY")],
)
def test_a_bad_date_is_a_clear_form_error(archivist_client, typed, message):
    url = reverse("admin:documents_document_add")
    data = form_data(archivist_client.get(url))
    data.update(title="Bad date", date=typed)
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["date"][0]
    assert not Document.objects.filter(title="Bad date").exists()
