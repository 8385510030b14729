"""/api/: the read-only JSON API — lists, filters, detail, entities, privacy, bad input, budget."""

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from documents.models import Document
from documents.selectors import published_documents
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    FunderFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    {"status": Document.Status.DRAFT},
    {"status": Document.Status.REVIEW},
    {"status": Document.Status.WITHDRAWN},
    {
        "status": Document.Status.PUBLISHED,
        "publish_on": timezone.now() + datetime.timedelta(days=30),
    },
]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def record_numbers(data) -> list[int]:
    return [row["record_number"] for row in data["results"]]


# --- the demo collection ------------------------------------------------------------------


def test_demo_list_counts_every_published_document_and_pages_through(client, demo):
    response = client.get("/api/documents/")
    assert response["Cache-Control"] == "public, max-age=300"
    data = get_json(client, "/api/documents/")
    assert data["count"] == 19 == published_documents().count()
    assert data["page"] == 1 and data["pages"] == 1 and data["previous"] is None
    assert len(data["results"]) == 19

    first = get_json(client, "/api/documents/?page_size=5")
    assert first["pages"] == 4
    assert first["next"] == "http://testserver/api/documents/?page_size=5&page=2"
    last = get_json(client, "/api/documents/?page_size=5&page=4")
    assert len(last["results"]) == 4 and last["next"] is None
    assert last["previous"] == "http://testserver/api/documents/?page_size=5&page=3"
    everything = []
    for page in range(1, 5):
        everything += record_numbers(get_json(client, f"/api/documents/?page_size=5&page={page}"))
    assert sorted(everything) == sorted(
        published_documents().values_list("record_number", flat=True)
    )


def test_demo_search_matches_the_reading_room(client, demo):
    data = get_json(client, "/api/documents/?q=NKVD")
    expected = published_documents().search("NKVD")
    assert data["count"] == expected.count() > 0
    assert set(record_numbers(data)) == set(expected.values_list("record_number", flat=True))
    assert data["count"] == 19  # the reading room shows "… of 19" for the same search


def test_demo_place_filter_and_the_entity_link_agree(client, demo):
    data = get_json(client, "/api/documents/?place=urumqi")
    expected = set(
        published_documents()
        .filter(place_links__place__slug="urumqi")
        .values_list("record_number", flat=True)
    )
    assert expected and set(record_numbers(data)) == expected
    assert all("urumqi" in [place["slug"] for place in row["places"]] for row in data["results"])
    titles = [row["title"] for row in data["results"]]
    assert "Concerning the Secret Cipher Unit of the USSR Consulate in Urumqi" in titles

    place = get_json(client, "/api/places/urumqi/")
    assert place["name"] == "Urumqi" and "Dihua" in place["variants"]
    assert place["coordinates"]["latitude"] == pytest.approx(43.8, abs=0.2)
    assert place["documents"]["count"] == len(expected)
    assert place["documents"]["api_url"] == "http://testserver/api/documents/?place=urumqi"
    assert get_json(client, place["documents"]["api_url"])["count"] == len(expected)


def test_demo_detail_has_text_citation_and_links(client, demo):
    doc = published_documents().filter(funders__isnull=False).order_by("pk").first()
    data = get_json(client, f"/api/documents/{doc.record_number}/")
    permalink = f"http://testserver/documents/{doc.record_number}/{doc.slug}/"
    assert data["record_number"] == doc.record_number
    assert data["url"] == permalink
    assert data["api_url"] == f"http://testserver/api/documents/{doc.record_number}/"
    assert data["title"] == doc.title and data["date"] == doc.date_display
    assert data["full_text"] == doc.full_text and data["original_text"] == doc.original_text
    assert data["funders"] == [funder.name for funder in doc.funders.all()] != []
    assert data["citation"]["text"].startswith(f'"{doc.title},"')
    assert data["citation"]["text"].endswith(permalink)
    assert data["citation"]["bibtex_url"].endswith(f"/documents/{doc.record_number}/cite.bib")
    assert data["rights"] == doc.rights_statement
    assert data["source_citation"] == doc.source_citation
    assert data["original_archive"]["abbreviation"] == doc.repository.abbreviation
    assert {p["slug"] for p in data["people"]} == set(doc.people.values_list("slug", flat=True))
    assert "internal_notes" not in data and "status" not in data
    # Every link in the document resolves in the API too.
    for person in data["people"][:2]:
        assert get_json(client, person["api_url"])["slug"] == person["slug"]


# --- fields, with factories ---------------------------------------------------------------


@pytest.fixture
def rich_document():
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang", kind="region")
    kashgar = PlaceFactory(
        name="Kashgar", slug="kashgar", parent=xinjiang, latitude=39.47, longitude=75.99
    )
    politburo = OrganizationFactory(name="Central Committee", slug="cc")
    nkvd = OrganizationFactory(
        name="People's Commissariat", slug="nkvd", abbreviation="NKVD", parent=politburo
    )
    sheng = PersonFactory(
        name="Sheng Shicai", slug="sheng-shicai", variants="盛世才\nSheng Shih-ts'ai", birth="1897"
    )
    doc = DocumentFactory(
        title="Telegram from Kashgar",
        summary="The consul reports on the NKVD.",
        full_text="<p>Text <em>here</em>.</p><script>alert(1)</script>",
        original_text="<p>Текст</p>",
        source_citation="RGASPI, f. 17, op. 162, d. 18, l. 1",
        translated_by="Gary Goldberg",
        date_precision="month",
        date_earliest=datetime.date(1937, 7, 1),
        date_latest=datetime.date(1937, 7, 31),
    )
    doc.original_languages.add(LanguageFactory())
    doc.funders.add(FunderFactory())
    doc.collections.add(CollectionFactory(title="Xinjiang", slug="xinjiang-collection"))
    doc.subjects.add(SubjectFactory(name="Oil", slug="oil"))
    DocumentPersonFactory(document=doc, person=sheng, role="recipient", uncertain=True)
    DocumentOrganizationFactory(document=doc, organization=nkvd, role="author")
    DocumentPlaceFactory(document=doc, place=kashgar, role="origin")
    return doc


def _link(path: str, name: str, slug: str, role: str, uncertain: bool = False) -> dict:
    """An entity link as a list row or a detail shows it."""
    return {
        "name": name,
        "slug": slug,
        "url": f"http://testserver/{path}/{slug}/",
        "api_url": f"http://testserver/api/{path}/{slug}/",
        "role": role,
        "uncertain": uncertain,
        "note": "",
    }


def test_list_row_has_every_documented_field(client, rich_document):
    row = get_json(client, "/api/documents/")["results"][0]
    number = rich_document.record_number
    assert row == {
        "record_number": number,
        "url": f"http://testserver/documents/{number}/telegram-from-kashgar/",
        "api_url": f"http://testserver/api/documents/{number}/",
        "title": "Telegram from Kashgar",
        "date": "July 1937",
        "date_edtf": "1937-07",
        "date_earliest": "1937-07-01",
        "date_latest": "1937-07-31",
        "date_precision": "month",
        "date_circa": False,
        "summary": "The consul reports on the NKVD.",
        "document_type": {"name": "Decision", "slug": "decision"},
        "original_archive": {
            "name": "Russian State Archive of Socio-Political History",
            "abbreviation": "RGASPI",
            "slug": "rgaspi",
        },
        "source_citation": "RGASPI, f. 17, op. 162, d. 18, l. 1",
        "languages": [{"code": "ru", "name": "Russian"}],
        "subjects": [{"name": "Oil", "slug": "oil", "url": "http://testserver/subjects/oil/"}],
        "people": [_link("people", "Sheng Shicai", "sheng-shicai", "recipient", uncertain=True)],
        "organizations": [_link("organizations", "People's Commissariat", "nkvd", "author")],
        "places": [_link("places", "Kashgar", "kashgar", "origin")],
        "collections": [
            {
                "title": "Xinjiang",
                "slug": "xinjiang-collection",
                "url": "http://testserver/collections/xinjiang-collection/",
            }
        ],
    }
    assert "full_text" not in row  # lists stay light; the detail has the texts


def test_detail_has_sanitized_texts_funders_rights_and_citation(client, rich_document):
    data = get_json(client, f"/api/documents/{rich_document.record_number}/")
    assert data["full_text"] == "<p>Text <em>here</em>.</p>"
    assert "script" not in data["full_text"]
    assert data["original_text"] == "<p>Текст</p>"
    assert data["funders"] == ["MacArthur Foundation"]
    assert data["rights"] == settings.ARCHIVE_DEFAULT_RIGHTS
    assert data["translated_by"] == "Gary Goldberg"
    assert "July 1937" in data["citation"]["text"]
    assert "(RGASPI), f. 17, op. 162, d. 18, l. 1." in data["citation"]["text"]
    assert data["citation"]["text"].endswith(data["url"])
    assert data["published_at"]


def test_entities_have_names_dates_hierarchy_and_published_counts(client, rich_document):
    DocumentPersonFactory(
        document=DocumentFactory(status=Document.Status.DRAFT),
        person=rich_document.people.get(),
    )
    # Entities without a published document are hidden (tests/test_entity_visibility.py).
    nkvd = rich_document.organizations.get()
    DocumentOrganizationFactory(organization=nkvd.parent)
    DocumentPlaceFactory(place=rich_document.places.get().parent)
    person = get_json(client, "/api/people/sheng-shicai/")
    assert person["name"] == "Sheng Shicai" and person["type"] == "person"
    assert person["variants"] == ["盛世才", "Sheng Shih-ts'ai"]
    assert person["birth"] == {"value": "1897", "display": "1897"} and person["death"] is None
    assert person["documents"] == {
        "count": 1,
        "api_url": "http://testserver/api/documents/?person=sheng-shicai",
    }
    assert person["url"] == "http://testserver/people/sheng-shicai/"

    org = get_json(client, "/api/organizations/nkvd/")
    assert org["abbreviation"] == "NKVD"
    assert org["parent"]["api_url"] == "http://testserver/api/organizations/cc/"
    parent = get_json(client, "/api/organizations/cc/")
    assert [child["slug"] for child in parent["children"]] == ["nkvd"]
    assert parent["documents"]["count"] == 1

    place = get_json(client, "/api/places/kashgar/")
    assert place["coordinates"] == {"latitude": 39.47, "longitude": 75.99}
    assert place["parent"]["slug"] == "xinjiang" and place["kind"] == "city"
    region = get_json(client, "/api/places/xinjiang/")
    assert region["coordinates"] is None and region["children"][0]["slug"] == "kashgar"


def test_former_slug_redirects_to_the_current_api_address(client):
    from people.models import FormerSlug, Person

    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    DocumentPersonFactory(person=person)
    FormerSlug.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        slug="shicai-sheng",
    )
    response = client.get("/api/people/shicai-sheng/")
    assert response.status_code == 301
    assert response["Location"] == "/api/people/sheng-shicai/"


def test_filters_sort_and_links_keep_the_query(client):
    moscow = PlaceFactory(name="Moscow", slug="moscow")
    for i in range(3):
        doc = DocumentFactory(title=f"NKVD report {i}", date_earliest=datetime.date(1936, 1, i + 1))
        doc.date_latest = doc.date_earliest
        doc.save()
        DocumentPlaceFactory(document=doc, place=moscow)
    DocumentFactory(title="NKVD elsewhere", date_earliest=datetime.date(1940, 1, 1))
    DocumentFactory(title="Oil", date_earliest=datetime.date(1936, 1, 2))

    data = get_json(client, "/api/documents/?q=NKVD&place=moscow&sort=-date&page_size=2")
    assert data["count"] == 3
    assert [row["title"] for row in data["results"]] == ["NKVD report 2", "NKVD report 1"]
    assert data["next"] == (
        "http://testserver/api/documents/?q=NKVD&place=moscow&sort=-date&page_size=2&page=2"
    )
    ranged = get_json(client, "/api/documents/?date_from=1936&date_to=1936-12")
    assert ranged["count"] == 4
    error = get_json(client, "/api/documents/?place=no-such-place", status=400)["error"]
    assert "no-such-place" in error and "place" in error


# --- privacy ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=["draft", "review", "withdrawn", "embargo"])
def test_unpublished_documents_are_hidden_everywhere(client, superuser, state):
    place = PlaceFactory(name="Kashgar", slug="kashgar")
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    public = DocumentFactory(title="Public NKVD telegram")
    secret = DocumentFactory(title="Secret NKVD telegram", **state)
    for doc in (public, secret):
        DocumentPlaceFactory(document=doc, place=place)
        DocumentPersonFactory(document=doc, person=person)

    client.force_login(superuser)  # the API never previews, not even for staff
    for url in ("/api/documents/", "/api/documents/?q=secret", "/api/documents/?place=kashgar"):
        data = get_json(client, url)
        assert secret.record_number not in record_numbers(data)
        assert "Secret" not in str(data)
    assert get_json(client, "/api/documents/")["count"] == 1
    assert get_json(client, "/api/documents/?q=secret")["count"] == 0
    error = get_json(client, f"/api/documents/{secret.record_number}/", status=404)
    assert "error" in error
    assert get_json(client, "/api/places/kashgar/")["documents"]["count"] == 1
    assert get_json(client, "/api/people/sheng-shicai/")["documents"]["count"] == 1


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/documents/?page=abc", 400),
        ("/api/documents/?page=0", 400),
        ("/api/documents/?page=-1", 400),
        ("/api/documents/?page=2", 404),
        ("/api/documents/?page=99999", 404),
        ("/api/documents/?page=" + "9" * 40, 400),
        ("/api/documents/?page=%D9%A3", 400),  # an Arabic-Indic digit
        ("/api/documents/?page_size=101", 400),
        ("/api/documents/?page_size=abc", 400),
        ("/api/documents/?date_from=1945-13", 400),
        ("/api/documents/?date_from=19x5", 400),
        ("/api/documents/?date_from=1945&date_to=1940", 400),
        ("/api/documents/?q=a%00b", 400),
        ("/api/documents/?place=kash%00gar", 400),
        ("/api/documents/?q=" + "a" * 600, 400),
        ("/api/documents/123456789012345678901234567890/", 404),
        ("/api/documents/2147483648/", 404),
        ("/api/documents/abc/", 404),
        ("/api/people/nobody/", 404),
        ("/api/organizations/nobody/", 404),
        ("/api/places/nowhere/", 404),
        ("/api/people/a%00b/", 400),
        ("/api/no-such-thing/", 404),
    ],
)
def test_bad_input_answers_json_errors(client, url, status):
    DocumentFactory()
    data = get_json(client, url, status=status)
    assert set(data) == {"error"} and data["error"]


@pytest.mark.parametrize("q", ["&|!():*", "NKVD & (", "!!", "'\"", ":*", "a | | b", "<>"])
def test_search_operators_are_plain_text(client, q):
    DocumentFactory(title="NKVD telegram")
    data = get_json(client, "/api/documents/?" + f"q={q}".replace("&", "%26").replace("|", "%7C"))
    assert data["count"] in (0, 1)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("sort=banana", ["sort", "banana", "relevance, date, -date, title"]),
        ("format=xml", ["Unknown parameter", "format"]),
        ("type=", ["type", "empty"]),
        ("type=memo", ["Unknown type", "memo"]),
        ("language=xx", ["Unknown language", "xx"]),
        ("page=2&page=3", ["page", "only once"]),
    ],
)
def test_unknown_parameters_and_values_answer_400_saying_which(client, query, words):
    DocumentFactory()
    error = get_json(client, f"/api/documents/?{query}", status=400)["error"]
    assert all(word in error for word in words), error


@pytest.mark.parametrize("url", ["/api/?x=1", "/api/documents/1/?format=json", "/api/downloads/?a"])
def test_addresses_without_parameters_refuse_them(client, url):
    DocumentFactory(record_number=1)
    assert "takes no parameters" in get_json(client, url, status=400)["error"]


def test_read_only_and_cors_preflight(client):
    response = client.post("/api/documents/", {"title": "x"})
    assert response.status_code == 405 and "error" in response.json()
    assert "GET" in response["Allow"]
    preflight = client.options(
        "/api/documents/",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert int(preflight["Access-Control-Max-Age"]) > 0
    root = get_json(client, "/api/")
    assert root["documents"] == "http://testserver/api/documents/"
    # URL templates keep their braces (RFC 6570), not %7B...%7D.
    assert root["document"] == "http://testserver/api/documents/{record_number}/"
    assert root["openapi"] == "http://testserver/api/openapi.json"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/api", "/api/"),
        ("/api/documents", "/api/documents/"),
        ("/api/documents?q=NKVD&page=1", "/api/documents/?q=NKVD&page=1"),
        ("/api/documents/7", "/api/documents/7/"),
        ("/api/people/sheng-shicai", "/api/people/sheng-shicai/"),
        ("/api/downloads", "/api/downloads/"),
    ],
)
def test_slashless_addresses_redirect_with_cors_headers(client, url, target):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == target
    assert response["Access-Control-Allow-Origin"] == "*"


def test_link_header_pages_the_list(client):
    for _ in range(5):
        DocumentFactory()
    response = client.get("/api/documents/?page_size=2&page=2")
    base = "http://testserver/api/documents/?page_size=2&page="
    assert response["Link"] == (
        f'<{base}1>; rel="first", <{base}1>; rel="prev", '
        f'<{base}3>; rel="next", <{base}3>; rel="last"'
    )
    assert "Link" in response["Access-Control-Expose-Headers"]
    first = client.get("/api/documents/?page_size=2")
    assert first["Link"] == (
        f'<{base}1>; rel="first", <{base}2>; rel="next", <{base}3>; rel="last"'
    )


# --- query budget -------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [5, 100])
def test_list_query_count_is_bounded_whatever_the_page_size(
    client, django_assert_max_num_queries, page_size
):
    place = PlaceFactory(name="Xinjiang", slug="xinjiang")
    collection = CollectionFactory()
    language = LanguageFactory()
    for i in range(30):
        doc = DocumentFactory(title=f"NKVD doc {i}", full_text="<p>The NKVD in Xinjiang.</p>")
        doc.original_languages.add(language)
        doc.collections.add(collection)
        doc.subjects.add(SubjectFactory())
        DocumentPlaceFactory(document=doc, place=place)
        DocumentPersonFactory(document=doc)
        DocumentOrganizationFactory(document=doc)
    with django_assert_max_num_queries(12):
        data = get_json(client, f"/api/documents/?q=NKVD&place=xinjiang&page_size={page_size}")
    assert data["count"] == 30 and len(data["results"]) == min(page_size, 30)
    with django_assert_max_num_queries(12):
        data = get_json(client, f"/api/documents/{doc.record_number}/")
    assert data["people"] and data["organizations"] and data["subjects"]
