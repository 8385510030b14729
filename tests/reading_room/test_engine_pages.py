"""Reading-room pages from the search engine: a fixed, small number of SQL statements per
page, a styled 503 while there is no index, highlighted titles, facets cut to their most
frequent values, and nothing unpublished shown even while the index lags the database."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client

from archive.partialdates import PartialDate
from documents.models import Document
from documents.reading_room.listing import FACET_LIMIT
from documents.search.engine import apply_inline
from people.models import Organization, Person, Place
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", html_of(response))
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def production_search(settings):
    """As in production: the indexer (another process there) has applied every change, and
    pages only read the index. Call it after writing."""

    def indexed():
        apply_inline()
        settings.SEARCH_INLINE = False

    return indexed


def _corpus(size: int) -> Document:
    """`size` more published documents naming the same place, person and body."""
    xinjiang = Place.objects.filter(slug="xinjiang").first() or PlaceFactory(
        name="Xinjiang", slug="xinjiang"
    )
    ma = Person.objects.filter(slug="ma").first() or PersonFactory(name="Ma Zhongying", slug="ma")
    nkvd = Organization.objects.filter(slug="nkvd").first() or OrganizationFactory(slug="nkvd")
    subject, collection, lang = SubjectFactory(), CollectionFactory(), LanguageFactory()
    first = None
    for i in range(size):
        doc = DocumentFactory(title=f"NKVD report {i}", full_text="<p>The NKVD in Xinjiang.</p>")
        DocumentPlaceFactory(document=doc, place=xinjiang if i % 2 else PlaceFactory())
        DocumentPersonFactory(document=doc, person=ma)
        DocumentPersonFactory(document=doc)
        DocumentOrganizationFactory(document=doc, organization=nkvd)
        doc.subjects.add(subject, SubjectFactory())
        doc.collections.add(collection)
        doc.original_languages.add(lang)
        first = first or doc
    return first


PAGES = [
    "/documents/",
    "/documents/?q=NKVD&place=xinjiang&person=ma&organization=nkvd&date_from=1935"
    "&date_to=1945-06&sort=-date&page_size=100",
    '/documents/?q="NKVD report"&page=2',
    "/people/ma/",
    "/places/xinjiang/?q=report&organization=nkvd",
    "/",
    "/documents/feed/?q=NKVD&place=xinjiang",
    "/api/documents/?q=NKVD&place=xinjiang&page_size=100",
]


def test_public_pages_cost_at_most_eight_statements_whatever_the_size(
    client, production_search, django_assert_max_num_queries
):
    """Each page: at most 8 SQL statements, and the same number for 12 documents as for 48
    (12 so that every listed page, page 2 included, exists at both sizes)."""
    counts: dict[str, list[int]] = {}
    document = _corpus(12)
    for _ in range(2):
        production_search()
        for url in [*PAGES, document.get_absolute_url()]:
            cache.clear()  # the home page is cached: count what building it costs
            with django_assert_max_num_queries(8) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(url, []).append(len(queries))
        _corpus(36)
    assert all(small == large for small, large in counts.values()), counts


def test_without_an_index_lists_answer_a_styled_503_and_other_pages_still_work(settings):
    settings.SEARCH_INLINE = False  # production: the index is built by `search_index`
    doc = DocumentFactory(title="Readable report")
    DocumentPersonFactory(document=doc, person=PersonFactory(slug="ma"))
    client = Client(raise_request_exception=False)
    for url in ("/documents/?q=report", "/people/ma/", "/documents/feed/"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
        assert "search index is being prepared" in html_of(response), url
    api = client.get("/api/documents/")
    assert api.status_code == 503 and "search index" in api.json()["error"]
    home = client.get("/")
    assert home.status_code == 200 and "being prepared" in html_of(home)
    page = client.get(doc.get_absolute_url())
    assert page.status_code == 200 and "Readable report" in html_of(page)


def test_titles_mark_whole_phrases_and_escape_the_rest(client):
    DocumentFactory(title="Secret <b>cipher unit</b> & co", summary="Unrelated words.")
    html = html_of(client.get("/documents/", {"q": '"cipher unit"'}))
    assert "Secret &lt;b&gt;<mark>cipher unit</mark>&lt;/b&gt; &amp; co" in html
    plain = html_of(client.get("/documents/"))
    assert "<mark>" not in plain


def test_a_facet_is_cut_to_its_most_frequent_values_with_a_way_to_all(client):
    busy = PlaceFactory(name="Busy town")
    for _ in range(3):
        DocumentPlaceFactory(place=busy)
    for i in range(FACET_LIMIT + 5):
        DocumentPlaceFactory(place=PlaceFactory(name=f"Village {i:03d}"))
    html = html_of(client.get("/documents/"))
    places = re.search(r'id="facet-place".*?</section>', html, re.S).group(0)
    assert places.count('<a class="facet-value') == FACET_LIMIT
    assert "Busy town" in places  # the most frequent first
    assert f"The {FACET_LIMIT} most frequent are listed." in places
    assert 'href="/places/">Browse all places</a>' in places


def test_a_chosen_value_no_public_document_names_keeps_its_slug(client):
    secret = PlaceFactory(name="Secret Base", slug="secret-base")
    DocumentPlaceFactory(place=secret, document__status=Document.Status.DRAFT)
    DocumentFactory(title="Public report")
    response = client.get("/documents/?place=secret-base")
    html = html_of(response)
    assert response.status_code == 200 and titles(response) == []
    assert "Secret Base" not in html
    assert '<a href="?">Remove place: secret-base</a>' in html


def test_rows_are_checked_again_while_the_index_lags_the_database(client, production_search):
    """A document withdrawn a moment ago, before the indexer applied it, is never shown."""
    person = PersonFactory(slug="sheng")
    shown = DocumentFactory(title="Still public")
    gone = DocumentFactory(title="Withdrawn just now")
    for doc in (shown, gone):
        DocumentPersonFactory(document=doc, person=person)
    production_search()
    Document.objects.filter(pk=gone.pk).update(status=Document.Status.WITHDRAWN)
    for url in ("/documents/", "/people/sheng/", "/documents/?q=withdrawn"):
        assert "Withdrawn just now" not in html_of(client.get(url)), url
    assert "Withdrawn just now" not in html_of(client.get(shown.get_absolute_url()))
    assert "Withdrawn just now" not in client.get("/documents/feed/").content.decode()


def _dated(text: str, **kwargs) -> Document:
    date = PartialDate.parse(text)
    return DocumentFactory(
        date_precision=date.precision,
        date_earliest=date.earliest,
        date_latest=date.latest,
        **kwargs,
    )


def test_related_ties_go_to_the_closest_date_then_the_lower_record_number(client):
    person, place = PersonFactory(), PlaceFactory()
    doc = _dated("1940-01-01", title="The document")
    DocumentPersonFactory(document=doc, person=person)
    DocumentPlaceFactory(document=doc, place=place)
    two = _dated("1944", title="Shares two")
    DocumentPersonFactory(document=two, person=person)
    DocumentPlaceFactory(document=two, place=place)
    near = _dated("1939-11-02", title="Shares one, near")
    far = _dated("1935-05-05", title="Shares one, far")
    undated = _dated("", title="Shares one, undated")
    twin_a = _dated("1941-01-01", title="Shares one, a year later")
    twin_b = _dated("1941-01-01", title="Shares one, also a year later")
    for other in (near, far, undated, twin_a, twin_b):
        DocumentPersonFactory(document=other, person=person)
    html = html_of(client.get(doc.get_absolute_url()))
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    found = re.findall(r'<a href="[^"]*">([^<]*)</a>', related)
    assert found == [
        "Shares two",
        "Shares one, near",
        "Shares one, a year later",
        "Shares one, also a year later",
        "Shares one, far",
    ]
    assert twin_a.record_number < twin_b.record_number
    assert "In common: 2 names or subjects" in related


def test_home_numbers_follow_a_publish_without_waiting_for_the_cache(client, editor):
    from documents.services import workflow

    DocumentFactory(title="First")
    assert "The archive holds <strong>1 published document<" in html_of(client.get("/"))
    draft = DocumentFactory(title="Second", status=Document.Status.REVIEW)
    workflow.publish(draft, editor)
    assert "The archive holds <strong>2 published documents<" in html_of(client.get("/"))
    assert datetime.date.today()  # the page is built from the index's new state
