"""Role-aware entity pages: the role filter (a shareable address), each row's role, the
counts per role, the document list's person+role filter, and unknown roles (400)."""

import re

import pytest

from documents.models import Document
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", response.content.decode())
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


def role_tags(response) -> list[str]:
    html = response.content.decode()
    tags = re.findall(r'<span class="role-tag[ "].*?>(.*?)</span>(?=<span class="role-|</p>)', html)
    return [re.sub(r"<[^>]+>", "", tag).strip() for tag in tags]


def role_counts(response) -> dict[str, str]:
    """{role label: count} as the role filter shows them."""
    html = response.content.decode()
    nav = html.split('aria-label="Documents by role"', 1)[1].split("</nav>", 1)[0]
    return dict(re.findall(r'>([A-Z][a-z]+) <span class="role-filter__count">(\d+)</span>', nav))


@pytest.fixture
def molotov():
    """Molotov wrote one document, signed and wrote another, received a third, is mentioned
    in a fourth, and wrote a draft no reader may see."""
    person = PersonFactory(name="Vyacheslav Molotov", slug="molotov")
    wrote = DocumentFactory(title="Letter he wrote")
    signed = DocumentFactory(title="Order he signed")
    DocumentPersonFactory(person=person, document=wrote, role="author")
    DocumentPersonFactory(person=person, document=signed, role="author")
    DocumentPersonFactory(person=person, document=signed, role="signatory", uncertain=True)
    DocumentPersonFactory(person=person, document__title="Report to him", role="recipient")
    DocumentPersonFactory(person=person, document__title="Note about him", role="mentioned")
    draft = DocumentFactory(title="Draft he wrote", status=Document.Status.DRAFT)
    DocumentPersonFactory(person=person, document=draft, role="author")
    return person


def test_role_filter_narrows_a_persons_documents_by_role(client, molotov):
    everything = client.get("/people/molotov/")
    assert sorted(titles(everything)) == [
        "Letter he wrote", "Note about him", "Order he signed", "Report to him"
    ]  # fmt: skip
    authored = client.get("/people/molotov/?role=author")
    assert authored.status_code == 200
    assert sorted(titles(authored)) == ["Letter he wrote", "Order he signed"]
    assert titles(client.get("/people/molotov/?role=recipient")) == ["Report to him"]
    both = client.get("/people/molotov/?role=recipient&role=mentioned")
    assert sorted(titles(both)) == ["Note about him", "Report to him"]


def test_role_counts_are_shown_with_links_that_keep_the_role(client, molotov):
    response = client.get("/people/molotov/")
    assert role_counts(response) == {
        "Author": "2", "Signatory": "1", "Recipient": "1", "Mentioned": "1"
    }  # fmt: skip
    html = response.content.decode()
    assert 'href="?role=signatory"' in html
    chosen = client.get("/people/molotov/?role=author&sort=-date").content.decode()
    assert 'aria-current="page"' in chosen
    # The other roles' links keep the other choices; the search form carries the role.
    assert 'href="?role=signatory&amp;sort=-date"' in chosen
    assert 'href="?sort=-date"' in chosen  # all roles
    assert re.search(r'<input type="hidden" name="role" value="author"', chosen)


def test_each_row_shows_the_entitys_roles_in_it(client, molotov):
    response = client.get("/people/molotov/?sort=title")
    assert titles(response) == [
        "Letter he wrote", "Note about him", "Order he signed", "Report to him"
    ]  # fmt: skip
    assert role_tags(response) == [
        "Author", "Mentioned", "Author", "Signatory (uncertain)", "Recipient"
    ]  # fmt: skip
    assert "(uncertain)" in response.content.decode()


def test_role_counts_follow_the_other_choices(client, molotov):
    response = client.get("/people/molotov/?q=letter")
    assert titles(response) == ["Letter he wrote"]
    assert role_counts(response)["Author"] == "1"
    assert role_counts(response)["Recipient"] == "0"


def test_organization_page_filters_by_role(client):
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd")
    DocumentOrganizationFactory(organization=nkvd, document__title="NKVD order", role="author")
    DocumentOrganizationFactory(organization=nkvd, document__title="To the NKVD", role="recipient")
    response = client.get("/organizations/nkvd/?role=recipient")
    assert titles(response) == ["To the NKVD"]
    assert role_tags(response) == ["Recipient"]


def test_unknown_role_answers_400_and_says_which_roles_exist(client, molotov):
    response = client.get("/people/molotov/?role=banana")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no role “banana”" in html and "author" in html
    listing = client.get("/documents/?person=molotov&role=emperor")
    assert listing.status_code == 400
    assert "There is no role “emperor”" in listing.content.decode()
    assert "Please correct the dates" not in listing.content.decode()


def test_document_list_filters_a_chosen_person_by_role(client, molotov):
    response = client.get("/documents/?person=molotov&role=recipient")
    assert response.status_code == 200
    assert titles(response) == ["Report to him"]
    assert "Remove role Recipient" in response.content.decode()


def test_role_filter_never_shows_unpublished_documents(client, molotov):
    response = client.get("/people/molotov/?role=author")
    assert "Draft he wrote" not in response.content.decode()
    assert role_counts(response)["Author"] == "2"


def test_api_list_and_feed_read_the_same_role_parameter(client, molotov):
    found = client.get("/api/documents/?person=molotov&role=author").json()
    assert found["count"] == 2
    assert client.get("/api/documents/?person=molotov&role=emperor").status_code == 400
    assert client.get("/documents/feed/?person=molotov&role=emperor").status_code == 400


def test_a_role_with_nothing_to_qualify_is_ignored_and_says_so(client, molotov):
    response = client.get("/documents/?role=author")
    assert response.status_code == 200
    assert "A role applies to a chosen person or organization" in response.content.decode()
    assert len(titles(response)) == 4  # every public document, the role ignored
    on_molotov = client.get("/people/molotov/?role=author").content.decode()
    assert "A role applies to" not in on_molotov
