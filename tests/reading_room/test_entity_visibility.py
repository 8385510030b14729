"""Entities no published document names stay hidden from readers: pages, API, chips."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from documents.models import Document
from people.models import FormerSlug, Person
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Known only from the draft"


def draft():
    return DocumentFactory(status=Document.Status.DRAFT)


def embargoed():
    later = timezone.now() + datetime.timedelta(days=30)
    return DocumentFactory(status=Document.Status.PUBLISHED, publish_on=later)


@pytest.fixture
def hidden():
    """One entity of each kind named only by a draft or an embargoed document, or by none."""
    person = PersonFactory(name="Hidden Agent", slug="hidden-agent", description=SECRET)
    DocumentPersonFactory(document=draft(), person=person)
    organization = OrganizationFactory(name="Secret Bureau", slug="secret-bureau")
    DocumentOrganizationFactory(document=embargoed(), organization=organization)
    place = PlaceFactory(name="Unnamed Valley", slug="unnamed-valley")  # no documents at all
    subject = SubjectFactory(name="Hidden subject", slug="hidden-subject")
    draft().subjects.add(subject)
    collection = CollectionFactory(title="Hidden collection", slug="hidden-collection")
    embargoed().collections.add(collection)
    return {
        "/people/hidden-agent/": person,
        "/organizations/secret-bureau/": organization,
        "/places/unnamed-valley/": place,
        "/subjects/hidden-subject/": subject,
        "/collections/hidden-collection/": collection,
    }


def test_readers_get_404_for_entities_without_published_documents(client, hidden):
    for url in hidden:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
        assert "Hidden Agent" not in response.content.decode()


def test_staff_who_may_preview_see_them(client, hidden, archivist):
    client.force_login(archivist)
    response = client.get("/people/hidden-agent/")
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    for url in hidden:
        assert client.get(url).status_code == 200, url


def test_staff_without_the_permission_do_not(client, hidden):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/people/hidden-agent/").status_code == 404


def test_public_entity_still_shows(client):
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    DocumentPersonFactory(person=person)
    response = client.get("/people/sheng-shicai/")
    assert response.status_code == 200
    assert "Sheng Shicai" in response.content.decode()


def test_api_hides_them_from_everyone(client, hidden, archivist):
    for url in ("/api/people/hidden-agent/", "/api/organizations/secret-bureau/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Hidden" not in response.content.decode()
    client.force_login(archivist)  # the API never previews (its answers are cacheable)
    assert client.get("/api/places/unnamed-valley/").status_code == 404


def test_children_and_parents_lists_show_only_public_ones(client, archivist):
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    DocumentPlaceFactory(place=xinjiang)
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar", parent=xinjiang)
    DocumentPlaceFactory(place=kashgar)
    PlaceFactory(name="Secret Town", slug="secret-town", parent=xinjiang)
    draft_town = PlaceFactory(name="Draft Town", slug="draft-town", parent=xinjiang)
    DocumentPlaceFactory(place=draft_town, document=draft())

    page = client.get("/places/xinjiang/").content.decode()
    assert "Kashgar" in page
    assert "Secret Town" not in page and "Draft Town" not in page
    api = client.get("/api/places/xinjiang/").json()
    assert [c["slug"] for c in api["children"]] == ["kashgar"]

    client.force_login(archivist)
    page = client.get("/places/xinjiang/").content.decode()
    assert "Secret Town" in page and "Draft Town" in page


def test_a_parent_without_published_documents_is_not_linked(client):
    region = PlaceFactory(name="Hidden Region", slug="hidden-region")
    town = PlaceFactory(name="Open Town", slug="open-town", parent=region)
    DocumentPlaceFactory(place=town)
    page = client.get("/places/open-town/").content.decode()
    assert "Hidden Region" not in page
    assert client.get("/api/places/open-town/").json()["parent"] is None


def test_filter_chip_shows_only_the_slug_for_a_hidden_value(client, hidden):
    DocumentPersonFactory(person=PersonFactory(name="Public Person", slug="public-person"))
    response = client.get("/documents/?person=hidden-agent&person=public-person")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hidden Agent" not in html
    assert "hidden-agent" in html
    assert "Public Person" in html


def test_former_slugs_redirect_only_to_public_entities(client, hidden):
    public = PersonFactory(name="Ma Zhongying", slug="ma-zhongying")
    DocumentPersonFactory(person=public)
    content_type = ContentType.objects.get_for_model(Person)
    FormerSlug.objects.create(content_type=content_type, object_id=public.pk, slug="ma-zy")
    FormerSlug.objects.create(
        content_type=content_type, object_id=hidden["/people/hidden-agent/"].pk, slug="agent-x"
    )
    assert client.get("/people/ma-zy/")["Location"] == "/people/ma-zhongying/"
    assert client.get("/api/people/ma-zy/").status_code == 301
    assert client.get("/people/agent-x/").status_code == 404
    assert client.get("/api/people/agent-x/").status_code == 404


def test_embargo_lifts_by_itself(client):
    person = PersonFactory(name="Later Person", slug="later-person")
    doc = embargoed()
    DocumentPersonFactory(document=doc, person=person)
    assert client.get("/people/later-person/").status_code == 404
    Document.objects.filter(pk=doc.pk).update(publish_on=timezone.now())
    assert client.get("/people/later-person/").status_code == 200


def test_a_to_z_lists_show_no_parent_that_only_unpublished_documents_name(client):
    """`/places/` said “City in Draft Region” and `/organizations/` “Part of …” for a parent
    that only a draft (or an embargoed document) names, while its own page was a 404."""
    region = PlaceFactory(name="Draft Region", slug="draft-region", kind="region")
    DocumentPlaceFactory(place=region, document=draft())
    town = PlaceFactory(name="Open Town", slug="open-town", parent=region)
    DocumentPlaceFactory(place=town)
    bureau = OrganizationFactory(name="Embargoed Bureau", slug="embargoed-bureau")
    DocumentOrganizationFactory(organization=bureau, document=embargoed())
    section = OrganizationFactory(name="Open Section", slug="open-section", parent=bureau)
    DocumentOrganizationFactory(organization=section)

    places = client.get("/places/").content.decode()
    assert "Open Town" in places
    assert "Draft Region" not in places
    organizations = client.get("/organizations/").content.decode()
    assert "Open Section" in organizations
    assert "Embargoed Bureau" not in organizations
    assert client.get("/places/draft-region/").status_code == 404


def test_a_to_z_lists_still_show_a_public_parent(client):
    region = PlaceFactory(name="Open Region", slug="open-region", kind="region")
    DocumentPlaceFactory(place=region)
    DocumentPlaceFactory(place=PlaceFactory(name="Open Town", slug="open-town", parent=region))
    places = client.get("/places/").content.decode()
    assert "in Open Region" in places
