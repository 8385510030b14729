"""Discovery: sitemap index and sections, the Atom feed of new documents, robots.txt.

The rule under test throughout: nothing unpublished (draft, in review, withdrawn, embargoed)
reaches a crawler or a feed reader, not even as an entity page or a timestamp.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from documents.models import Document
from documents.selectors import published_documents
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
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
SECTIONS = ["pages", "documents", "people", "organizations", "places", "subjects", "collections"]


def sitemap_locs(client, section: str, **params) -> list[str]:
    response = client.get(f"/sitemap-{section}.xml", params)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def feed_root(client, **params) -> ET.Element:
    response = client.get("/documents/feed/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall("atom:entry", ATOM_NS)


def entry_titles(root: ET.Element) -> list[str]:
    return [e.findtext("atom:title", namespaces=ATOM_NS) for e in entries(root)]


def absolute(path: str) -> str:
    return "http://testserver" + path


@pytest.fixture
def hidden_documents():
    """One document in each state an anonymous reader must never see."""
    future = timezone.now() + datetime.timedelta(days=30)
    return {
        "draft": DocumentFactory(title="Secret draft", status=Document.Status.DRAFT),
        "review": DocumentFactory(title="Secret in review", status=Document.Status.REVIEW),
        "withdrawn": DocumentFactory(title="Secret withdrawn", status=Document.Status.WITHDRAWN),
        "embargoed": DocumentFactory(title="Secret embargoed", publish_on=future),
    }


# --- sitemap ---------------------------------------------------------------------------------


def test_sitemap_index_lists_every_section(client):
    DocumentFactory()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [loc.text for loc in root.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert locs == [absolute(f"/sitemap-{section}.xml") for section in SECTIONS]


def test_sitemap_lists_published_documents_only(client, hidden_documents):
    public = DocumentFactory(title="Public")
    lifted = DocumentFactory(publish_on=timezone.now() - datetime.timedelta(days=1))
    locs = sitemap_locs(client, "documents")
    assert locs == sorted(
        [absolute(public.get_absolute_url()), absolute(lifted.get_absolute_url())],
        key=lambda url: int(url.split("/")[4]),
    )
    for document in hidden_documents.values():
        assert f"/documents/{document.record_number}/" not in " ".join(locs)


def test_document_lastmod_is_updated_at(client):
    document = DocumentFactory()
    Document.objects.filter(pk=document.pk).update(
        updated_at=datetime.datetime(2024, 3, 5, 12, 0, tzinfo=datetime.UTC)
    )
    root = ET.fromstring(client.get("/sitemap-documents.xml").content)
    assert root.findtext("sm:url/sm:lastmod", namespaces=SITEMAP_NS).startswith("2024-03-05")


def test_entities_only_of_unpublished_documents_are_not_in_sitemap(client, hidden_documents):
    public = DocumentFactory()
    shown = {
        "people": DocumentPersonFactory(document=public).person,
        "organizations": DocumentOrganizationFactory(document=public).organization,
        "places": DocumentPlaceFactory(document=public).place,
        "subjects": SubjectFactory(),
        "collections": CollectionFactory(),
    }
    public.subjects.add(shown["subjects"])
    public.collections.add(shown["collections"])

    hidden = {"people": [], "organizations": [], "places": [], "subjects": [], "collections": []}
    for document in hidden_documents.values():
        hidden["people"].append(DocumentPersonFactory(document=document).person)
        hidden["organizations"].append(DocumentOrganizationFactory(document=document).organization)
        hidden["places"].append(DocumentPlaceFactory(document=document).place)
        subject, collection = SubjectFactory(), CollectionFactory()
        document.subjects.add(subject)
        document.collections.add(collection)
        hidden["subjects"].append(subject)
        hidden["collections"].append(collection)
    # Entities with no documents at all have no page worth crawling either.
    PersonFactory(), OrganizationFactory(), PlaceFactory(), SubjectFactory(), CollectionFactory()

    for section, entity in shown.items():
        assert sitemap_locs(client, section) == [absolute(entity.get_absolute_url())], section


def test_entity_linked_twice_appears_once(client):
    person = PersonFactory()
    for _ in range(3):
        DocumentPersonFactory(person=person)
    DocumentPersonFactory(person=person, document=DocumentFactory(), role="author")
    assert sitemap_locs(client, "people") == [absolute(person.get_absolute_url())]


def test_unpublished_edits_do_not_leak_through_lastmod(client):
    """A draft edited 'in the future' must not move any public timestamp."""
    person = PersonFactory()
    public = DocumentFactory()
    draft = DocumentFactory(status=Document.Status.DRAFT)
    DocumentPersonFactory(person=person, document=public)
    DocumentPersonFactory(person=person, document=draft)
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Document.objects.filter(pk=public.pk).update(updated_at=long_ago)
    type(person).objects.filter(pk=person.pk).update(updated_at=long_ago)
    Document.objects.filter(pk=draft.pk).update(
        updated_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )

    index = client.get("/sitemap.xml").content.decode()
    people = client.get("/sitemap-people.xml").content.decode()
    assert "2099" not in index
    assert "2099" not in people
    assert "<lastmod>2020-01-01</lastmod>" in people


def test_static_pages_in_sitemap(client):
    locs = sitemap_locs(client, "pages")
    for path in ["/", "/documents/", "/people/", "/organizations/", "/places/", "/subjects/"]:
        assert absolute(path) in locs
    assert absolute("/collections/") in locs


def test_sitemap_pages_are_paginated(client, monkeypatch):
    from documents.reading_room import sitemaps

    monkeypatch.setattr(sitemaps.DocumentSitemap, "limit", 2)
    documents = [DocumentFactory() for _ in range(5)]
    DocumentFactory(status=Document.Status.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    assert absolute("/sitemap-documents.xml?p=3") in index
    assert absolute("/sitemap-documents.xml?p=4") not in index
    seen = [url for page in (1, 2, 3) for url in sitemap_locs(client, "documents", p=page)]
    assert seen == [absolute(d.get_absolute_url()) for d in documents]
    assert client.get("/sitemap-documents.xml", {"p": 4}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-documents.xml?p=abc",
        "/sitemap-documents.xml?p=999999",
        "/sitemap-documents.xml?p=0",
        "/sitemap-documents.xml?p=-1",
        "/sitemap-documents.xml?p=%00",
        "/sitemap-documents.xml?p=99999999999999999999999",
        "/sitemap-people.xml?p=2",
        "/sitemap-nothing.xml",
    ],
)
def test_sitemap_bad_input_is_404(client, url):
    DocumentPersonFactory()
    assert client.get(url).status_code == 404


def test_sitemap_query_count_is_bounded(client, django_assert_max_num_queries):
    def populate(n):
        for _ in range(n):
            link = DocumentPersonFactory()
            link.document.subjects.add(SubjectFactory())
            link.document.collections.add(CollectionFactory())
            DocumentPlaceFactory(document=link.document)
            DocumentOrganizationFactory(document=link.document)

    for n in (2, 20):
        populate(n)
        with django_assert_max_num_queries(2 * len(SECTIONS)):
            assert client.get("/sitemap.xml").status_code == 200
        for section in SECTIONS:
            with django_assert_max_num_queries(2):
                assert client.get(f"/sitemap-{section}.xml").status_code == 200


def test_demo_sitemap_matches_published_documents(client, demo):
    locs = sitemap_locs(client, "documents")
    expected = [absolute(d.get_absolute_url()) for d in published_documents()]
    assert len(locs) == published_documents().count() > 0
    assert sorted(locs) == sorted(expected)


# --- feed ------------------------------------------------------------------------------------


def test_feed_holds_published_documents_only(client, hidden_documents):
    public = DocumentFactory(title="Public report", summary="What the report says.")
    root = feed_root(client)
    assert entry_titles(root) == ["Public report"]
    text = ET.tostring(root, encoding="unicode")
    assert "Secret" not in text
    entry = entries(root)[0]
    assert entry.find("atom:link", ATOM_NS).get("href") == absolute(public.get_absolute_url())
    assert entry.findtext("atom:summary", namespaces=ATOM_NS) == "What the report says."
    assert entry.findtext("atom:id", namespaces=ATOM_NS) == absolute(
        f"/documents/{public.record_number}/"
    )


def test_feed_entry_metadata(client, settings):
    settings.ARCHIVE_NAME = "Test Archive"
    document = DocumentFactory()
    document.subjects.add(SubjectFactory(name="Ili Rebellion"), SubjectFactory(name="Aviation"))
    Document.objects.filter(pk=document.pk).update(
        published_at=datetime.datetime(2024, 2, 1, 9, 0, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2024, 4, 1, 9, 0, tzinfo=datetime.UTC),
    )
    root = feed_root(client)
    assert root.findtext("atom:author/atom:name", namespaces=ATOM_NS) == "Test Archive"
    assert root.findtext("atom:title", namespaces=ATOM_NS).startswith("Test Archive")
    entry = entries(root)[0]
    assert entry.findtext("atom:published", namespaces=ATOM_NS).startswith("2024-02-01T09:00")
    assert entry.findtext("atom:updated", namespaces=ATOM_NS).startswith("2024-04-01T09:00")
    categories = {c.get("term") for c in entry.findall("atom:category", ATOM_NS)}
    assert categories == {"Ili Rebellion", "Aviation"}


def test_feed_has_fifty_newest_entries(client):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for i in range(55):
        document = DocumentFactory(title=f"Doc {i:02d}")
        Document.objects.filter(pk=document.pk).update(
            published_at=start + datetime.timedelta(days=i)
        )
    titles = entry_titles(feed_root(client))
    assert len(titles) == 50
    assert titles[0] == "Doc 54"
    assert titles[-1] == "Doc 05"


def test_lifted_embargo_dates_entry_from_embargo_end(client):
    """A document published long ago but embargoed until yesterday is news today."""
    old = DocumentFactory(title="Old news")
    lifted = DocumentFactory(title="Just released")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Document.objects.filter(pk=lifted.pk).update(
        published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), publish_on=yesterday
    )
    Document.objects.filter(pk=old.pk).update(published_at=yesterday - datetime.timedelta(days=10))
    root = feed_root(client)
    assert entry_titles(root) == ["Just released", "Old news"]
    published = entries(root)[0].findtext("atom:published", namespaces=ATOM_NS)
    assert published.startswith(yesterday.strftime("%Y-%m-%d"))


def test_feed_follows_list_filters(client):
    subject = SubjectFactory(slug="aviation")
    wanted = DocumentFactory(title="Planes for Urumqi")
    wanted.subjects.add(subject)
    DocumentFactory(title="Something else")
    draft = DocumentFactory(title="Draft planes", status=Document.Status.DRAFT)
    draft.subjects.add(subject)

    assert entry_titles(feed_root(client, subject="aviation")) == ["Planes for Urumqi"]
    assert entry_titles(feed_root(client, q="planes")) == ["Planes for Urumqi"]
    assert entry_titles(feed_root(client, subject="no-such-subject")) == []
    root = feed_root(client, subject="aviation")
    self_link = [link for link in root.findall("atom:link", ATOM_NS) if link.get("rel") == "self"]
    assert self_link[0].get("href") == absolute("/documents/feed/?subject=aviation")


@pytest.mark.parametrize(
    "params, status",
    [
        ({"date_from": "abc"}, 400),
        ({"date_from": "1945", "date_to": "1936"}, 400),
        ({"q": "a\x00b"}, 400),
        ({"q": "&|!():*"}, 200),
        ({"q": "x" * 5000}, 200),
        ({"sort": "banana"}, 200),
    ],
)
def test_feed_bad_input_never_500(client, params, status):
    DocumentFactory()
    assert client.get("/documents/feed/", params).status_code == status


def test_feed_query_count_is_bounded(client, django_assert_max_num_queries):
    for n in (3, 60):
        for _ in range(n):
            document = DocumentFactory()
            document.subjects.add(SubjectFactory())
        expected = min(Document.objects.count(), 50)
        with django_assert_max_num_queries(2):
            root = feed_root(client)
        assert len(entries(root)) == expected


def test_pages_advertise_the_feed(client):
    html = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/documents/feed/"' in html


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
