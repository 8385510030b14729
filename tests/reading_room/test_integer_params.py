"""Every whole-number parameter a reader (or an attacker) can send: Unicode digits, signs,
spaces and huge numbers get a 400, a 404 or the default, never a server error."""

import pytest

from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Characters for which str.isdigit() is true but int() fails, or int() succeeds only because it
# reads non-ASCII decimal digits; plus the usual malformed numbers.
HOSTILE_NUMBERS = [
    "²",
    "①",
    "¹²",
    "١",  # ARABIC-INDIC DIGIT ONE: int() reads it as 1
    "２",  # FULLWIDTH DIGIT TWO
    "𝟐",  # MATHEMATICAL BOLD DIGIT TWO
    "1²",
    " 1",
    "+1",
    "-1",
    "0x1",
    "1_0",
    "9" * 40,
]


@pytest.fixture
def person_with_documents(db):
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    for index in range(3):
        DocumentPersonFactory(person=person, document=DocumentFactory(title=f"Report {index}"))
    return person


def _status(client, url, params):
    response = client.get(url, params)
    return response.status_code


LIST_PAGES = [
    "/documents/",
    "/people/",
    "/organizations/",
    "/places/",
    "/subjects/",
    "/collections/",
    "/people/sheng-shicai/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_page_numbers_in_any_script_are_not_found(client, person_with_documents, url, value):
    assert _status(client, url, {"page": value}) == 404


@pytest.mark.parametrize("url", ["/documents/", "/people/sheng-shicai/"])
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_page_size_in_any_script_falls_back_to_the_default(
    client, person_with_documents, url, value
):
    response = client.get(url, {"page_size": value})
    assert response.status_code == 200
    assert "Report 0" in response.content.decode()


@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_api_answers_400_for_numbers_in_any_script(client, person_with_documents, name, value):
    response = client.get("/api/documents/", {name: value})
    assert response.status_code == 400
    assert name in response.json()["error"]


def test_ascii_numbers_still_work(client, person_with_documents):
    assert client.get("/documents/", {"page": "1", "page_size": "20"}).status_code == 200
    assert client.get("/people/", {"page": "1"}).status_code == 200
    api = client.get("/api/documents/", {"page": "1", "page_size": "2"})
    assert api.status_code == 200
    assert api.json()["pages"] == 2


@pytest.mark.parametrize("value", ["²", "①", "١", "-1", "9" * 40])
def test_sitemap_and_feed_numbers(client, person_with_documents, value):
    assert client.get("/sitemap-documents.xml", {"p": value}).status_code == 404
    assert client.get("/documents/feed/", {"page": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", "①", "١", "-1", "9" * 40, "abc"])
def test_admin_history_page_numbers(admin_client, person_with_documents, value):
    url = f"/admin/people/person/{person_with_documents.pk}/history/"
    assert admin_client.get(url, {"p": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", "①", "١", "-1", "9" * 40])
def test_admin_action_index(admin_client, person_with_documents, value):
    response = admin_client.post(
        "/admin/people/person/",
        {"action": "delete_selected", "index": value, "_selected_action": []},
    )
    assert response.status_code in (200, 302)
