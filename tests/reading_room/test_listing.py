"""/documents/: facets, date range, histogram, sorting, pagination, empty states, query budget."""

import datetime
import re

import pytest

from archive.partialdates import PartialDate
from documents.models import Document
from documents.selectors import published_documents
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    DocumentTypeFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    RepositoryFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", html_of(response))  # a search marks its words in titles
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


def facet_count(response, label: str) -> int | None:
    """The count shown next to a facet value, or None if the value is not listed."""
    match = re.search(
        r'facet-value__label">(?:<span class="facet-value__check" aria-hidden="true">✓ </span>)?'
        + re.escape(label)
        + r'</span> <span class="facet-value__count">(\d+)<',
        html_of(response),
    )
    return int(match.group(1)) if match else None


def dated(title: str, text: str, **kwargs) -> Document:
    date = PartialDate.parse(text)
    return DocumentFactory(
        title=title,
        date_precision=date.precision,
        date_earliest=date.earliest,
        date_latest=date.latest,
        **kwargs,
    )


@pytest.fixture
def places():
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar", parent=xinjiang)
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    return xinjiang, kashgar, moscow


def test_page_lists_published_documents_with_date_title_summary_type_and_archive(client):
    DocumentFactory(title="Concerning Xinjiang", summary="The Politburo decides.")
    DocumentFactory(title="Hidden draft", status=Document.Status.DRAFT)
    response = client.get("/documents/")
    html = html_of(response)
    assert response.status_code == 200
    assert titles(response) == ["Concerning Xinjiang"]
    assert "The Politburo decides." in html
    assert 'class="result__type">Decision<' in html
    assert ">RGASPI</abbr>" in html
    assert ">1 document<" in html
    assert "Hidden draft" not in html


def test_facet_counts_exclude_unpublished_documents(client, places):
    xinjiang, kashgar, _ = places
    for _ in range(3):
        DocumentPlaceFactory(place=xinjiang)
    DocumentPlaceFactory(place=xinjiang, document__status=Document.Status.DRAFT)
    DocumentPlaceFactory(place=kashgar, document__status=Document.Status.REVIEW)
    response = client.get("/documents/")
    assert facet_count(response, "Xinjiang") == 3
    assert facet_count(response, "Kashgar") is None  # only unpublished documents name it
    assert ">Kashgar<" not in html_of(response)


def test_or_within_a_facet_and_across_facets(client, places):
    xinjiang, kashgar, moscow = places
    nkvd = OrganizationFactory(name="NKVD", slug="nkvd")
    a = DocumentPlaceFactory(place=xinjiang, document__title="A").document
    b = DocumentPlaceFactory(place=kashgar, document__title="B").document
    DocumentPlaceFactory(place=moscow, document__title="C")
    DocumentOrganizationFactory(organization=nkvd, document=a)
    DocumentOrganizationFactory(organization=nkvd, document__title="D")

    either = client.get("/documents/?place=xinjiang&place=kashgar")
    assert sorted(titles(either)) == ["A", "B"]
    both = client.get("/documents/?place=xinjiang&place=kashgar&organization=nkvd")
    assert titles(both) == ["A"]
    # Counts inside a facet ignore that facet's own choices (so other values stay choosable).
    assert facet_count(either, "Moscow") == 1
    assert facet_count(either, "Kashgar") == 1
    # Chosen but matching nothing with the other choices: still listed (count 0) and removable.
    assert facet_count(both, "Kashgar") == 0
    assert facet_count(both, "Xinjiang") == 1
    assert b.title == "B"


def test_every_facet_filters_by_readable_values(client):
    lang = LanguageFactory(code="zh", name="Chinese")
    collection = CollectionFactory(title="Soviet policy", slug="soviet-policy")
    subject = SubjectFactory(name="Oil", slug="oil")
    person = PersonFactory(name="Lavrentiy Beria", slug="beria")
    telegram = DocumentTypeFactory(name="Telegram", slug="telegram")
    garf = RepositoryFactory(name="State Archive of the Russian Federation", slug="garf")
    doc = DocumentFactory(title="Target", document_type=telegram, repository=garf)
    doc.original_languages.add(lang)
    doc.collections.add(collection)
    doc.subjects.add(subject)
    DocumentPersonFactory(document=doc, person=person)
    DocumentFactory(title="Other")

    for query in (
        "language=zh",
        "collection=soviet-policy",
        "subject=oil",
        "person=beria",
        "type=telegram",
        "archive=garf",
    ):
        response = client.get(f"/documents/?{query}")
        assert titles(response) == ["Target"], query
        assert 'class="chip"' in html_of(response)


def test_chips_show_choices_and_remove_one_at_a_time(client, places):
    DocumentPlaceFactory(place=places[0])
    html = html_of(client.get("/documents/?q=document&place=xinjiang&date_from=1935"))
    assert "Place:</span> Xinjiang" in html
    assert 'aria-label="Remove place Xinjiang"' in html
    assert 'href="?q=document&amp;date_from=1935" aria-label="Remove place Xinjiang"' in html
    assert 'href="?place=xinjiang&amp;date_from=1935" aria-label="Remove search' in html
    assert ">Clear all</a>" in html


def test_long_facet_lists_fold_the_rest_into_details(client):
    for i in range(11):
        DocumentPlaceFactory(place=PlaceFactory(name=f"Town {i:02d}"))
    html = html_of(client.get("/documents/"))
    shown, rest = html.split('<details class="facet__more">', 1)
    places_shown = re.findall(r"Town \d\d", shown)
    assert len(places_shown) == 8
    assert "3 more" in rest.split("</summary>")[0]
    assert len(re.findall(r"Town \d\d", rest.split("</details>")[0])) == 3


def test_date_range_uses_overlap(client):
    dated("Year 1945", "1945")
    dated("June 1945", "1945-06-15")
    dated("July 1945", "1945-07")
    dated("Range 1944-1946", "1944/1946")
    dated("1935", "1935-09-29")
    dated("Undated", "")

    june = client.get("/documents/?date_from=1945-06&date_to=1945-06")
    assert sorted(titles(june)) == ["June 1945", "Range 1944-1946", "Year 1945"]
    from_1940 = client.get("/documents/?date_from=1940")
    assert "1935" not in titles(from_1940) and "Undated" not in titles(from_1940)
    assert len(titles(from_1940)) == 4
    until_1935 = client.get("/documents/?date_to=1935")
    assert titles(until_1935) == ["1935"]


def test_histogram_bars_are_links_that_narrow_to_their_year(client):
    for day in ("1945-01-02", "1945-03-04", "1935-05-06"):
        dated(f"Doc {day}", day)
    dated("Undated", "")
    html = html_of(client.get("/documents/"))
    assert "<svg" in html and '<title id="histogram-title">Documents per year</title>' in html
    assert "<desc" in html
    assert 'href="?date_from=1945&amp;date_to=1945" aria-label="1945: 2 documents"' in html
    assert 'aria-label="1935: 1 document"' in html
    assert 'aria-label="1940: 0' not in html  # empty years draw no link
    assert "1 undated not shown" in html


def test_sort_by_date_both_ways_and_title(client):
    dated("Bravo", "1940")
    dated("alpha", "1945")
    dated("Charlie", "1935")
    assert titles(client.get("/documents/")) == ["Charlie", "Bravo", "alpha"]
    assert titles(client.get("/documents/?sort=-date")) == ["alpha", "Bravo", "Charlie"]
    assert titles(client.get("/documents/?sort=title")) == ["alpha", "Bravo", "Charlie"]
    # Relevance without a search falls back to date order.
    assert titles(client.get("/documents/?sort=relevance")) == ["Charlie", "Bravo", "alpha"]


def test_header_in_archive_form_and_accessible_pagination(client):
    for i in range(19):
        DocumentFactory(title=f"NKVD item {i:02d}")
    first = html_of(client.get("/documents/?q=NKVD"))
    assert "1 - 10 of 19" in first
    assert 'aria-label="Pages of results"' in first
    assert 'aria-current="page">1<' in first
    assert 'rel="next"' in first and 'href="?q=NKVD&amp;page=2"' in first
    second = client.get("/documents/?q=NKVD&page=2")
    assert "11 - 19 of 19" in html_of(second)
    assert 'rel="prev"' in html_of(second)
    assert len(titles(second)) == 9


def test_page_size_choices(client):
    for _ in range(25):
        DocumentFactory()
    assert len(titles(client.get("/documents/?page_size=20"))) == 20
    assert "1 - 20 of 25" in html_of(client.get("/documents/?page_size=20"))
    assert len(titles(client.get("/documents/?page_size=7"))) == 10
    assert len(titles(client.get("/documents/?page_size=100"))) == 25


def test_empty_state_offers_to_remove_each_filter(client, places):
    DocumentPlaceFactory(place=places[0], document__title="Xinjiang report")
    response = client.get("/documents/?q=zebra&place=xinjiang")
    html = html_of(response)
    assert response.status_code == 200
    assert "No documents match “zebra” with these filters." in html
    assert '<a href="?place=xinjiang">Remove search: “zebra”</a>' in html
    assert '<a href="?q=zebra">Remove place: Xinjiang</a>' in html


def test_search_box_on_every_page(client):
    DocumentFactory()
    for url in ("/documents/", "/people/", "/places/", "/subjects/"):
        html = html_of(client.get(url))
        assert 'role="search"' in html and 'action="/documents/"' in html, url
        assert 'class="skip-link" href="#main"' in html


def test_staff_see_the_public_list_too(client, superuser):
    DocumentFactory(title="Public")
    DocumentFactory(title="Draft", status=Document.Status.DRAFT)
    client.force_login(superuser)
    assert titles(client.get("/documents/")) == ["Public"]


# Thirteen: twelve for the page, one for all results' authors (their COinS spans).
def test_whole_page_stays_within_thirteen_queries(client, django_assert_max_num_queries, places):
    xinjiang, kashgar, moscow = places
    person = PersonFactory(slug="beria")
    org = OrganizationFactory(slug="nkvd")
    subject = SubjectFactory(slug="oil")
    collection = CollectionFactory(slug="policy")
    lang = LanguageFactory()
    for i in range(60):
        doc = DocumentFactory(title=f"NKVD doc {i}", full_text="<p>The NKVD in Xinjiang.</p>")
        DocumentPlaceFactory(document=doc, place=(xinjiang, kashgar, moscow)[i % 3])
        DocumentPersonFactory(document=doc, person=person)
        DocumentOrganizationFactory(document=doc, organization=org)
        doc.subjects.add(subject)
        doc.collections.add(collection)
        doc.original_languages.add(lang)
    url = (
        "/documents/?q=NKVD&place=xinjiang&place=kashgar&person=beria&organization=nkvd"
        "&subject=oil&collection=policy&language=ru&type=decision&archive=rgaspi"
        "&date_from=1935&date_to=1945-06&sort=-date&page_size=100"
    )
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert "1 - 40 of 40" in html_of(response)
    with django_assert_max_num_queries(13):
        client.get("/documents/")


def test_demo_nkvd_search_pages(client, demo):
    first = html_of(client.get("/documents/?q=NKVD"))
    assert "1 - 10 of 19" in first
    assert "11 - 19 of 19" in html_of(client.get("/documents/?q=NKVD&page=2"))


def test_demo_place_facet_narrows_to_urumqi(client, demo):
    everything = client.get("/documents/")
    urumqi = client.get("/documents/?place=urumqi")
    found = titles(urumqi)
    assert found and "1 - 10 of" in html_of(everything)
    expected = set(
        published_documents()
        .filter(place_links__place__slug="urumqi")
        .values_list("title", flat=True)
    )
    assert set(found) == expected
    assert "Concerning the Secret Cipher Unit of the USSR Consulate in Urumqi" in found
    assert f"1 - {len(expected)} of {len(expected)}" in html_of(urumqi)


def test_demo_histogram_and_facets_render(client, demo):
    html = html_of(client.get("/documents/?q=NKVD"))
    assert re.search(r'aria-label="1945: \d+ documents?"', html)
    assert 'id="facet-place"' in html


def test_unpublished_never_counted_in_histogram(client):
    dated("Public 1936", "1936")
    dated("Draft 1937", "1937", status=Document.Status.DRAFT)
    html = html_of(client.get("/documents/"))
    assert 'aria-label="1936: 1 document"' in html
    assert "1937" not in html


def test_embargo_respected_in_facets(client, places):
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    DocumentPlaceFactory(place=places[2], document__publish_on=future)
    assert ">Moscow<" not in html_of(client.get("/documents/"))
