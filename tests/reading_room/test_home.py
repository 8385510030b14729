"""The home page: what the archive holds (published only), a search box and ways in."""

import datetime
import re
from html import unescape

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
)


def _text(html: str) -> str:
    """Visible text: block elements separate words, inline ones do not."""
    html = re.sub(r"</?(?:li|p|dt|dd|h\d|section|ul|div)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def stats(html: str) -> dict[str, str]:
    block = re.search(r'<dl class="home-stats".*?</dl>', html, re.S)
    assert block, "the home page shows the holdings in numbers"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(0), re.S)
    return {_text(dt): _text(dd) for dt, dd in pairs}


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_empty_archive_still_renders_with_a_search_box(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No documents have been published yet." in html
    assert 'id="home-q"' in html and 'action="/documents/"' in html


def test_home_counts_only_published_holdings(client, db):
    beria = PersonFactory(name="Lavrentiy Beria", slug="beria")
    secret = PersonFactory(name="Hidden Person", slug="hidden")
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd")
    collection = CollectionFactory(title="Xinjiang and the NKVD", slug="xinjiang-nkvd")
    empty_collection = CollectionFactory(title="Drafts only", slug="drafts-only")

    first = DocumentFactory(date_earliest=datetime.date(1935, 3, 19))
    first.date_latest = first.date_earliest
    first.save()
    last = DocumentFactory()
    last.set_date("1945")
    last.save()
    for doc in (first, last):
        DocumentPersonFactory(document=doc, person=beria)
        collection.documents.add(doc)
    DocumentPlaceFactory(document=first, place=kashgar)
    DocumentOrganizationFactory(document=last, organization=nkvd)

    draft = DocumentFactory(status=Document.Status.DRAFT, title="Secret draft")
    draft.set_date("1950")
    draft.save()
    embargoed = DocumentFactory(
        title="Embargoed report", publish_on=timezone.now() + datetime.timedelta(days=3)
    )
    for doc in (draft, embargoed):
        DocumentPersonFactory(document=doc, person=secret)
        empty_collection.documents.add(doc)
        DocumentPersonFactory(document=doc, person=beria)

    html = client.get("/").content.decode()
    assert stats(html) == {
        "Documents": "2",
        "Date span": "1935–1945",
        "People": "1",
        "Organizations": "1",
        "Places": "1",
    }
    assert "2 published documents" in _text(html)
    assert "Secret draft" not in html and "Embargoed report" not in html
    assert "Hidden Person" not in html
    assert "Drafts only" not in html
    collections = section(html, "collections-heading")
    assert "Xinjiang and the NKVD" in collections and "(2 documents)" in collections
    people = _text(section(html, "people-heading"))
    assert "Lavrentiy Beria (2 documents)" in people
    assert 'href="/places/kashgar/"' in section(html, "places-heading")
    assert 'href="/organizations/nkvd/"' in section(html, "organizations-heading")
    archives = _text(section(html, "archives-heading"))
    assert "Russian State Archive of Socio-Political History (RGASPI) (2 documents)" in archives


def test_recent_documents_are_published_newest_first(client, db):
    now = timezone.now()
    older = DocumentFactory(title="Older one", published_at=now - datetime.timedelta(days=5))
    newer = DocumentFactory(title="Newer one", published_at=now - datetime.timedelta(days=1))
    DocumentFactory(title="Not yet public", status=Document.Status.REVIEW)
    recent = section(client.get("/").content.decode(), "recent-heading")
    assert recent.index("Newer one") < recent.index("Older one")
    assert f'href="{newer.get_absolute_url()}"' in recent
    assert f'href="{older.get_absolute_url()}"' in recent
    assert "Not yet public" not in recent


def test_home_query_count_is_fixed(client, db, django_assert_max_num_queries):
    for _ in range(10):
        doc = DocumentFactory()
        DocumentPersonFactory(document=doc)
        DocumentPlaceFactory(document=doc)
        DocumentOrganizationFactory(document=doc)
        CollectionFactory().documents.add(doc)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_home_with_the_demo_collection(client, demo):
    html = client.get("/").content.decode()
    published = published_documents()
    numbers = stats(html)
    assert numbers["Documents"] == str(published.count())
    assert numbers["Date span"] == "1935–1945"
    assert 'href="/documents/' in section(html, "recent-heading")
    assert "Xinjiang" in section(html, "places-heading")
