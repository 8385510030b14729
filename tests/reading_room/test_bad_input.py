"""Odd, malformed and hostile input to the reading room: a clear 400/404 or an empty result,
never a 500."""

import re

import pytest

from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", html_of(response))  # a search marks its words in titles
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def docs(db):
    return [DocumentFactory(title=f"Report {i:02d}") for i in range(12)]


def test_unknown_parameters_are_ignored(client, docs):
    response = client.get("/documents/?utm_source=x&f[0]=places:85925&foo=bar")
    assert response.status_code == 200
    assert "1 - 10 of 12" in html_of(response)
    assert "utm_source" not in html_of(response)  # not carried into the list's links


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", str(10**12), "9" * 5000, ""])
def test_bad_page_numbers_are_404_with_a_helpful_message(client, docs, page):
    response = client.get("/documents/", {"page": page})
    if page == "":  # an empty page number means the first page
        assert response.status_code == 200
        return
    assert response.status_code == 404
    html = html_of(response)
    assert "pages run from 1 to 2" in html
    assert "Go to the first page" in html


def test_page_past_the_end_is_404(client, docs):
    assert client.get("/documents/?page=2").status_code == 200
    assert client.get("/documents/?page=3").status_code == 404


def test_page_size_outside_the_choices_falls_back_to_ten(client, docs):
    for size in ("7", "1000", "-10", "abc", "0"):
        response = client.get("/documents/", {"page_size": size})
        assert response.status_code == 200
        assert len(titles(response)) == 10, size


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "1935-13-45"},
        {"date_from": "1935-02-30"},
        {"date_to": "yesterday"},
        {"date_from": "0000"},
        {"date_from": "1945", "date_to": "1935"},
    ],
)
def test_malformed_dates_are_400_with_the_form_explained(client, docs, params):
    response = client.get("/documents/", params)
    assert response.status_code == 400
    html = html_of(response)
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert "field__error" in html
    assert "Report 00" not in html


def test_specific_date_message(client, docs):
    html = html_of(client.get("/documents/?date_from=1935-13-45"))
    assert "“1935-13-45” is not a real date." in html


def test_huge_query_is_truncated_and_says_so(client, docs):
    response = client.get("/documents/", {"q": "report " * 1500})
    assert response.status_code == 200
    assert "shortened to its first 500 characters" in html_of(response)
    assert "1 - 10 of 12" in html_of(response)


@pytest.mark.parametrize("url", ["/documents/", "/people/", "/places/"])
def test_nul_bytes_are_400(client, docs, url):
    for query in ("q=NKVD%00", "place=x%00y", "bad%00key=1", "date_from=19%0035"):
        assert client.get(f"{url}?{query}").status_code == 400, query


def test_nul_bytes_in_entity_paths_and_queries_are_not_500(client):
    DocumentPlaceFactory(place=PlaceFactory(slug="xinjiang"))
    assert client.get("/places/xinjiang/?q=%00").status_code == 400
    assert client.get("/places/xin%00jiang/").status_code in (400, 404)


@pytest.mark.parametrize(
    "q",
    ["&|!():*<>", "!!!", "(", "a & b | !c", "'\"", "-", "or", "\\", "<script>", "a:*", "🙂", "の"],
)
def test_tsquery_operators_in_q_never_500(client, docs, q):
    response = client.get("/documents/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in html_of(response).split("<main", 1)[1].replace("&lt;script&gt;", "")


def test_unknown_facet_slugs_give_an_empty_result_with_a_removable_chip(client, docs):
    response = client.get("/documents/?place=atlantis")
    assert response.status_code == 200
    html = html_of(response)
    assert titles(response) == []
    assert "No documents match these filters." in html
    assert '<a href="?">Remove place: atlantis</a>' in html


def test_odd_facet_values_never_500(client, docs):
    for value in ("' OR 1=1 --", "%", "_", "a" * 1000, "🙂"):
        assert client.get("/documents/", {"person": value, "type": value}).status_code == 200


def test_unknown_sort_is_ignored(client, docs):
    response = client.get("/documents/?sort=banana")
    assert response.status_code == 200
    assert titles(response)[0] == "Report 00"


def test_bad_input_on_entity_lists(client):
    DocumentPlaceFactory(place=PlaceFactory(name="Xinjiang"))
    for query in ("letter=%26", "letter=ZZ", "q=" + "x" * 5000, "q=%25_", "foo=bar"):
        assert client.get(f"/places/?{query}").status_code == 200, query
    for page in ("abc", "-1", str(10**12)):
        response = client.get("/places/", {"page": page})
        assert response.status_code == 404
        assert "pages run from 1 to 1" in html_of(response)
        assert 'href="/places/">Browse all places</a>' in html_of(response)


def test_bad_input_on_entity_pages(client):
    DocumentPersonFactory(person=PersonFactory(slug="ma"))  # a public person: has a document
    assert client.get("/people/ma/?page=abc").status_code == 404
    assert client.get("/people/ma/?date_to=1945-99").status_code == 400
    assert client.get("/people/ma/?q=%26%7C%21").status_code == 200
    missing = client.get("/people/" + "x" * 300 + "/")
    assert missing.status_code == 404
    assert "No person has the address" in html_of(missing)
