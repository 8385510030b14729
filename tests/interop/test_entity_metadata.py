"""Entity pages as metadata clients read them: extruct (JSON-LD, Open Graph) and pyld (JSON-LD
expanded to RDF terms)."""

import datetime

import extruct
import pytest
from lxml import html as lxml_html
from pyld import jsonld

from documents.models import Role
from people.models import Organization, Person, Place
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

SCHEMA = "http://schema.org/"
# The tests run offline: a stand-in for the schema.org context with what these pages use
# (its vocabulary, and the properties whose values are addresses).
SCHEMA_CONTEXT = {
    "@context": {
        "@vocab": SCHEMA,
        "schema": SCHEMA,
        **{
            name: {"@id": f"schema:{name}", "@type": "@id"}
            for name in ("sameAs", "url", "mainEntityOfPage", "inDefinedTermSet")
        },
    }
}


def _offline_loader(url, options=None):
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}


@pytest.fixture
def entities(db):
    xinjiang = PlaceFactory(
        name="Xinjiang", slug="xinjiang", kind=Place.Kind.REGION, description="A province."
    )
    urumqi = PlaceFactory(
        name="Ürümqi",
        slug="urumqi",
        parent=xinjiang,
        latitude="43.8256",
        longitude="87.6168",
        variants="Urumchi\nTihwa",
    )
    nkvd = OrganizationFactory(
        name="People's Commissariat of Internal Affairs", slug="nkvd", abbreviation="NKVD"
    )
    gugb = OrganizationFactory(name="Main Directorate of State Security", slug="gugb", parent=nkvd)
    sheng = PersonFactory(
        name="Sheng Shicai", slug="sheng-shicai", sort_name="Sheng Shicai", birth="1897"
    )
    doc = DocumentFactory(date_earliest=datetime.date(1937, 5, 1))
    DocumentPlaceFactory(document=doc, place=urumqi)
    DocumentPlaceFactory(document=doc, place=xinjiang)
    DocumentOrganizationFactory(document=doc, organization=nkvd, role=Role.AUTHOR)
    DocumentOrganizationFactory(document=doc, organization=gugb)
    DocumentPersonFactory(document=doc, person=sheng)
    doc.subjects.add(SubjectFactory(name="Oil", slug="oil"))
    doc.collections.add(CollectionFactory(title="Soviet policy", slug="policy"))
    return {"place": urumqi, "organization": nkvd, "person": sheng}


def extract(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(),
        base_url=f"http://testserver{path}",
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )


@pytest.mark.parametrize(
    ("path", "schema_type", "og_type"),
    [
        ("/people/sheng-shicai/", "Person", "profile"),
        ("/organizations/nkvd/", "Organization", "website"),
        ("/places/urumqi/", "Place", "website"),
        ("/subjects/oil/", "DefinedTerm", "website"),
        ("/collections/policy/", "Collection", "website"),
    ],
)
def test_entity_pages_carry_json_ld_open_graph_and_canonical(
    client, entities, path, schema_type, og_type
):
    url = f"http://testserver{path}"
    data = extract(client, path)
    [item] = data["json-ld"]
    assert item["@type"] == schema_type
    assert item["url"] == url
    [og] = data["opengraph"]
    assert og["@type"] == og_type  # extruct's uniform form moves og:type to @type
    assert og["og:url"] == url
    assert og["og:title"] and og["og:description"]
    tree = lxml_html.fromstring(client.get(path + "?q=x&page_size=50").content)
    assert tree.xpath('//link[@rel="canonical"]/@href') == [url]  # filters never canonical
    assert len(tree.xpath('//meta[@name="description"]/@content')[0]) > 20


def test_place_json_ld_has_coordinates_hierarchy_and_names(client, entities):
    [item] = extract(client, "/places/urumqi/")["json-ld"]
    assert item["name"] == "Ürümqi"
    assert item["alternateName"] == ["Urumchi", "Tihwa"]
    assert item["geo"] == {"@type": "GeoCoordinates", "latitude": 43.8256, "longitude": 87.6168}
    assert item["containedInPlace"]["url"] == "http://testserver/places/xinjiang/"
    [parent] = extract(client, "/places/xinjiang/")["json-ld"]
    assert parent["description"] == "A province."
    assert [p["name"] for p in parent["containsPlace"]] == ["Ürümqi"]


def test_organization_and_person_json_ld(client, entities):
    [org] = extract(client, "/organizations/nkvd/")["json-ld"]
    assert org["alternateName"] == ["NKVD"]
    assert [s["name"] for s in org["subOrganization"]] == ["Main Directorate of State Security"]
    [person] = extract(client, "/people/sheng-shicai/")["json-ld"]
    assert person["birthDate"] == "1897"
    assert "sameAs" not in person  # no authority identifiers recorded


@pytest.mark.parametrize("model", [Person, Organization, Place])
def test_same_as_comes_from_the_entitys_authority_identifiers(client, entities, model):
    """Authority identifiers recorded on the entity reach `sameAs` (one JSON-LD per page)."""
    links = ["https://www.wikidata.org/wiki/Q57286", "https://viaf.org/viaf/59878606"]
    entity = entities[model._meta.model_name]
    entity.wikidata, entity.viaf = "Q57286", "59878606"
    entity.save()
    [doc] = extract(client, entity.get_absolute_url())["json-ld"]
    assert doc["sameAs"] == links
    expanded = jsonld.expand(doc, {"documentLoader": _offline_loader})
    [node] = expanded
    assert [v["@id"] for v in node[SCHEMA + "sameAs"]] == links
    assert node["@type"] == [SCHEMA + model.__name__]


def test_pyld_reads_entity_pages_as_linked_data(client, entities):
    """Every entity page's JSON-LD expands, and its node is the page's own address."""
    for kind, entity in entities.items():
        path = entity.get_absolute_url()
        [doc] = extract(client, path)["json-ld"]
        [node] = jsonld.expand(doc, {"documentLoader": _offline_loader})
        assert node["@id"] == f"http://testserver{path}", kind
        assert node[SCHEMA + "name"][0]["@value"] == str(entity)
        flat = jsonld.flatten(doc, None, {"documentLoader": _offline_loader})
        assert any(n["@id"] == node["@id"] for n in flat)


def test_every_public_page_type_has_a_meta_description(client, entities):
    doc = DocumentFactory(summary="")
    for path in (
        "/",
        "/documents/",
        "/documents/?q=oil",
        doc.get_absolute_url(),
        "/people/",
        "/organizations/",
        "/places/",
        "/subjects/",
        "/collections/",
        "/places/xinjiang/",
        "/people/sheng-shicai/",
    ):
        tree = lxml_html.fromstring(client.get(path).content)
        descriptions = tree.xpath('//meta[@name="description"]/@content')
        assert len(descriptions) == 1 and descriptions[0].strip(), path
