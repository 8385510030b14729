"""Browse lists and entity pages: people, organizations, places, subjects, collections."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

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
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    html = re.sub(r"</?mark>", "", html_of(response))  # a search marks its words in titles
    return re.findall(r'class="result__title"><a href="[^"]*">([^<]*)</a>', html)


def listed_names(response) -> list[str]:
    return re.findall(r'entity-list__name"><a href="[^"]*">([^<]*)</a>', html_of(response))


# Browse lists ---------------------------------------------------------------------------


def test_person_list_counts_published_documents_and_hides_the_rest(client):
    beria = PersonFactory(name="Lavrentiy Beria", sort_name="Beria, Lavrentiy")
    DocumentPersonFactory(person=beria)
    DocumentPersonFactory(person=beria)
    DocumentPersonFactory(person=beria, document__status=Document.Status.DRAFT)
    DocumentPersonFactory(person=beria, role="author", document=DocumentFactory())
    secret = PersonFactory(name="Only In Drafts")
    DocumentPersonFactory(person=secret, document__status=Document.Status.DRAFT)
    PersonFactory(name="No Documents At All")

    response = client.get("/people/")
    html = html_of(response)
    assert listed_names(response) == ["Lavrentiy Beria"]
    assert "3 documents" in html
    assert "Only In Drafts" not in html and "No Documents At All" not in html


def test_letters_and_accent_insensitive_name_filter(client):
    for name, variants in (
        ("Ürümqi", "Urumchi\nTihwa"),
        ("Kashgar", "Kashi"),
        ("Altay", ""),
        ("Ili", "Yili"),
    ):
        DocumentPlaceFactory(place=PlaceFactory(name=name, variants=variants))

    everything = client.get("/places/")
    assert listed_names(everything) == ["Altay", "Ili", "Kashgar", "Ürümqi"]
    html = html_of(everything)
    assert 'aria-label="Places by first letter"' in html
    assert '<a href="?letter=U" aria-label="U">U</a>' in html  # Ü files under U
    assert '<span aria-hidden="true">B</span>' in html  # no B places: not a link

    assert listed_names(client.get("/places/?letter=U")) == ["Ürümqi"]
    assert listed_names(client.get("/places/?letter=u")) == ["Ürümqi"]
    assert listed_names(client.get("/places/?q=urumqi")) == ["Ürümqi"]
    assert listed_names(client.get("/places/?q=TIHWA")) == ["Ürümqi"]
    assert listed_names(client.get("/places/?q=kashi")) == ["Kashgar"]
    empty = client.get("/places/?q=zzz")
    assert "No places match “zzz”" in html_of(empty)


def test_people_sort_by_sort_name(client):
    for name, sort_name in (("Lavrentiy Beria", "Beria, Lavrentiy"), ("Ma Zhongying", "")):
        DocumentPersonFactory(person=PersonFactory(name=name, sort_name=sort_name))
    DocumentPersonFactory(person=PersonFactory(name="Alihan Tore", sort_name="Tore, Alihan"))
    assert listed_names(client.get("/people/")) == [
        "Lavrentiy Beria",
        "Ma Zhongying",
        "Alihan Tore",
    ]


def test_browse_list_paginates(client):
    doc = DocumentFactory()
    for i in range(55):
        DocumentPersonFactory(document=doc, person=PersonFactory(name=f"Person {i:02d}"))
    first = client.get("/people/")
    assert len(listed_names(first)) == 50
    assert "1 - 50 of 55" in html_of(first)
    second = client.get("/people/?page=2")
    assert listed_names(second) == [f"Person {i}" for i in range(50, 55)]
    assert client.get("/people/?page=3").status_code == 404
    assert client.get("/people/?page=abc").status_code == 404


def test_organization_subject_and_collection_lists(client):
    nkvd = OrganizationFactory(
        name="People's Commissariat for Internal Affairs", abbreviation="NKVD"
    )
    doc = DocumentOrganizationFactory(organization=nkvd).document
    doc.subjects.add(SubjectFactory(name="Oil concessions"))
    doc.collections.add(CollectionFactory(title="Soviet policy in Xinjiang"))
    assert "(NKVD)" in html_of(client.get("/organizations/"))
    assert listed_names(client.get("/organizations/?q=nkvd")) == [
        "People&#x27;s Commissariat for Internal Affairs (NKVD)"
    ]
    assert listed_names(client.get("/subjects/")) == ["Oil concessions"]
    assert listed_names(client.get("/collections/")) == ["Soviet policy in Xinjiang"]


# Entity pages -----------------------------------------------------------------------------


def test_person_page_shows_facts_and_only_published_documents(client):
    ma = PersonFactory(
        name="Ma Zhongying",
        slug="ma-zhongying",
        variants="Ma Chung-ying\n马仲英",
        birth="1910",
        death="1937~",
        description="Hui warlord, commander of the 36th Division.",
        certainty_note="Sources disagree on the date of his death.",
        notes="INTERNAL ONLY",
    )
    DocumentPersonFactory(person=ma, document__title="Relations with the 36th Division")
    DocumentPersonFactory(
        person=ma, document__title="Secret draft", document__status=Document.Status.DRAFT
    )
    response = client.get("/people/ma-zhongying/")
    html = html_of(response)
    assert response.status_code == 200
    assert "<h1" in html and "Ma Zhongying</h1>" in html
    assert "1910–c. 1937" in html
    assert "<li>Ma Chung-ying</li>" in html and "<li>马仲英</li>" in html
    assert "Hui warlord" in html and "Sources disagree" in html
    assert "INTERNAL ONLY" not in html
    assert titles(response) == ["Relations with the 36th Division"]
    assert "Secret draft" not in html
    assert ">1 document<" in html


def test_entity_page_list_is_the_filterable_component(client):
    ma = PersonFactory(slug="ma")
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    first = DocumentPersonFactory(person=ma, document__title="Oil in Xinjiang").document
    DocumentPlaceFactory(document=first, place=xinjiang)
    DocumentPersonFactory(person=ma, document__title="Troops")
    response = client.get("/people/ma/?place=xinjiang")
    assert titles(response) == ["Oil in Xinjiang"]
    assert 'id="facet-place"' in html_of(response)
    assert titles(client.get("/people/ma/?q=troops")) == ["Troops"]
    assert client.get("/people/ma/?date_from=1935-13").status_code == 400


def test_organization_hierarchy_links_both_ways(client):
    cc = OrganizationFactory(name="Central Committee", slug="cc", founded="1917", dissolved="1991")
    politburo = OrganizationFactory(name="Politburo", slug="politburo", parent=cc)
    DocumentOrganizationFactory(organization=cc)  # only entities with published documents show
    DocumentOrganizationFactory(organization=politburo)
    html = html_of(client.get("/organizations/cc/"))
    assert 'href="/organizations/politburo/">Politburo</a>' in html
    assert "Founded 1917; dissolved 1991" in html
    child = html_of(client.get("/organizations/politburo/"))
    assert "Part of" in child and 'href="/organizations/cc/">Central Committee</a>' in child
    assert politburo.parent == cc


def test_place_page_has_coordinates_as_text_and_a_local_leaflet_map(client, settings):
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang", kind="province")
    kashgar = PlaceFactory(
        name="Kashgar",
        slug="kashgar",
        parent=xinjiang,
        latitude=Decimal("39.47000"),
        longitude=Decimal("75.99000"),
    )
    DocumentPlaceFactory(place=kashgar)  # only entities with published documents show
    DocumentPlaceFactory(place=xinjiang)
    html = html_of(client.get("/places/kashgar/"))
    assert "39.4700° N, 75.9900° E" in html
    assert "/static/leaflet/leaflet" in html and "leaflet.js" in html
    assert "/static/archive/js/map.js" in html
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert 'href="/places/xinjiang/">Xinjiang</a>' in html
    parent = html_of(client.get("/places/xinjiang/"))
    assert 'href="/places/kashgar/">Kashgar</a>' in parent
    assert "leaflet.js" not in parent  # no coordinates, no map


def test_subject_and_collection_pages(client):
    subject = SubjectFactory(name="Oil", slug="oil", description="Oil fields and concessions.")
    collection = CollectionFactory(title="Xinjiang", slug="xinjiang", description="Curated set.")
    doc = DocumentFactory(title="Oil near the border")
    doc.subjects.add(subject)
    doc.collections.add(collection)
    draft = DocumentFactory(title="Draft on oil", status=Document.Status.DRAFT)
    draft.subjects.add(subject)
    draft.collections.add(collection)

    subject_page = client.get("/subjects/oil/")
    assert "Oil fields and concessions." in html_of(subject_page)
    assert titles(subject_page) == ["Oil near the border"]
    collection_page = client.get("/collections/xinjiang/")
    assert "Curated set." in html_of(collection_page)
    assert titles(collection_page) == ["Oil near the border"]


def test_former_slug_redirects_permanently_and_unknown_slug_is_404(client):
    person = PersonFactory(name="Sheng Shicai", slug="sheng-shicai")
    DocumentPersonFactory(person=person)
    FormerSlug.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        slug="shicai-sheng",
    )
    response = client.get("/people/shicai-sheng/?page_size=20")
    assert response.status_code == 301
    assert response["Location"] == "/people/sheng-shicai/?page_size=20"
    assert client.get("/people/nobody-at-all/").status_code == 404
    assert client.get("/subjects/nothing/").status_code == 404


# Thirteen: twelve for the page, one for all results' authors (their COinS spans).
def test_entity_pages_stay_within_thirteen_queries(client, django_assert_max_num_queries):
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    for _ in range(3):
        PlaceFactory(parent=xinjiang)
    nkvd = OrganizationFactory(slug="nkvd")
    OrganizationFactory(parent=nkvd)
    ma = PersonFactory(slug="ma")
    subject = SubjectFactory(slug="oil")
    collection = CollectionFactory(slug="policy")
    for _ in range(30):
        doc = DocumentFactory()
        DocumentPlaceFactory(document=doc, place=xinjiang)
        DocumentOrganizationFactory(document=doc, organization=nkvd)
        DocumentPersonFactory(document=doc, person=ma)
        doc.subjects.add(subject)
        doc.collections.add(collection)
    for url in (
        "/places/xinjiang/?q=document&place=x&person=ma&page_size=100",
        "/organizations/nkvd/",
        "/people/ma/",
        "/subjects/oil/",
        "/collections/policy/",
        "/people/",
        "/places/?q=xin&letter=X",
    ):
        with django_assert_max_num_queries(13):
            assert client.get(url).status_code == 200, url


def test_demo_ma_zhongying_page_lists_the_36th_division_document(client, demo):
    response = client.get("/people/ma-zhongying/")
    assert response.status_code == 200
    assert "Concerning Relations with the 36th Division (National Revolutionary Army)" in titles(
        response
    )
