"""“Often appears with” on person, organization and place pages: counts over public
documents only, linked, most frequent first, and nothing only unpublished documents name."""

import re

import pytest

from documents.models import Document
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def companions(response) -> list[tuple[str, str, str]]:
    """[(href, name, count)] in the order shown."""
    html = response.content.decode()
    if 'id="companions-heading"' not in html:
        return []
    section = html.split('id="companions-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="companions__count"[^>]*>(\d+)</span>',
        section,
    )


@pytest.fixture
def sheng():
    """Sheng Shicai appears with Ma Zhongying in three public documents, with Urumqi in two
    and with the NKVD in one; a draft also names him with Ma and with a secret agent."""
    sheng = PersonFactory(name="Sheng Shicai", slug="sheng")
    ma = PersonFactory(name="Ma Zhongying", slug="ma")
    urumqi = PlaceFactory(name="Urumqi", slug="urumqi")
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd")
    secret = PersonFactory(name="Secret Agent", slug="secret")
    for n in range(3):
        doc = DocumentFactory(title=f"Public {n}")
        DocumentPersonFactory(person=sheng, document=doc, role="author")
        DocumentPersonFactory(person=ma, document=doc)
        if n < 2:
            DocumentPlaceFactory(place=urumqi, document=doc)
        if n == 0:
            DocumentOrganizationFactory(organization=nkvd, document=doc, role="recipient")
    draft = DocumentFactory(title="Draft", status=Document.Status.DRAFT)
    for person in (sheng, ma, secret):
        DocumentPersonFactory(person=person, document=draft)
    return sheng


def test_person_page_lists_entities_named_together_with_counts(client, sheng):
    found = companions(client.get("/people/sheng/"))
    assert found == [
        ("/people/ma/", "Ma Zhongying", "3"),
        ("/organizations/nkvd/", "NKVD", "1"),
        ("/places/urumqi/", "Urumqi", "2"),
    ]


def test_unpublished_documents_are_never_counted_nor_their_entities_shown(client, sheng):
    html = client.get("/people/sheng/").content.decode()
    assert "Secret Agent" not in html
    # Ma is named with Sheng in three public documents and one draft: three are counted.
    assert ("/people/sheng/", "Sheng Shicai", "3") in companions(client.get("/people/ma/"))


def test_place_and_organization_pages_show_their_companions(client, sheng):
    at_urumqi = companions(client.get("/places/urumqi/"))
    assert at_urumqi == [
        ("/people/ma/", "Ma Zhongying", "2"),
        ("/people/sheng/", "Sheng Shicai", "2"),
        ("/organizations/nkvd/", "NKVD", "1"),
    ]
    assert ("/people/sheng/", "Sheng Shicai", "1") in companions(client.get("/organizations/nkvd/"))


def test_an_entity_named_alone_has_no_companions_section(client):
    hermit = PersonFactory(name="Hermit", slug="hermit")
    DocumentPersonFactory(person=hermit)
    response = client.get("/people/hermit/")
    assert response.status_code == 200
    assert "Often appears with" not in response.content.decode()


def test_withdrawing_a_document_drops_its_counts(client, sheng):
    Document.objects.filter(title="Public 0").update(status=Document.Status.WITHDRAWN)
    from documents.services.search_upkeep import documents_changed

    documents_changed(list(Document.objects.filter(title="Public 0").values_list("pk", flat=True)))
    found = companions(client.get("/people/sheng/"))
    assert ("/people/ma/", "Ma Zhongying", "2") in found
    assert all(name != "NKVD" for _, name, _ in found)
