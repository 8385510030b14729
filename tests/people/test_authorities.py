"""Authority identifiers (Wikidata, VIAF, GeoNames, LCNAF): validated formats, links on the
entity page and `sameAs` in its JSON-LD."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from people.models import Organization, Person, Place
from tests.admin_forms import change_url, form_data
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory, PlaceFactory


@pytest.mark.parametrize(
    "field, good, bad",
    [
        ("wikidata", "Q57286", ["57286", "Q0", "Q12a", "q57286 x"]),
        ("viaf", "59878606", ["VIAF59878606", "0123", "12 34"]),
        ("lcnaf", "n80126307", ["80126307", "nx80126307", "n801"]),
        ("geonames", "1529102", ["GN1529102", "-5"]),
    ],
)
def test_identifier_formats_are_checked(db, field, good, bad):
    place = Place(name="Urumqi", slug="urumqi", **{field: good})
    place.full_clean()
    for value in bad:
        setattr(place, field, value)
        with pytest.raises(ValidationError) as refused:
            place.full_clean()
        assert field in refused.value.message_dict, value


def test_people_and_organizations_have_no_geonames():
    assert not hasattr(Person(), "geonames") and not hasattr(Organization(), "geonames")


def test_admin_refuses_a_malformed_identifier_with_a_clear_message(editor_client, db):
    person = PersonFactory(name="Lavrentiy Beria")
    data = form_data(editor_client.get(change_url(person)))
    response = editor_client.post(change_url(person), {**data, "wikidata": "Beria"})
    assert response.status_code == 200
    assert "Not a Wikidata identifier: write it as in “Q57286”." in response.content.decode()
    ok = editor_client.post(change_url(person), {**data, "wikidata": "Q57286", "viaf": "59878606"})
    assert ok.status_code == 302
    person.refresh_from_db()
    assert (person.wikidata, person.viaf) == ("Q57286", "59878606")


def test_entity_page_links_the_authorities_and_lists_them_as_same_as(client, db):
    person = PersonFactory(name="Lavrentiy Beria", wikidata="Q57286", lcnaf="n80126307")
    DocumentPersonFactory(document=DocumentFactory(), person=person)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q57286"' in page
    assert 'href="https://id.loc.gov/authorities/names/n80126307"' in page
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(script.group(1))
    assert data["@type"] == "Person" and data["name"] == "Lavrentiy Beria"
    assert data["sameAs"] == [
        "https://www.wikidata.org/wiki/Q57286",
        "https://id.loc.gov/authorities/names/n80126307",
    ]


def test_place_json_ld_includes_geonames_and_escapes_markup(db):
    place = PlaceFactory(name="</script><b>Kashgar", geonames="1280849")
    script = place.json_ld_script()
    assert "</script>" not in script and "<b>" not in script
    assert json.loads(script)["sameAs"] == ["https://www.geonames.org/1280849"]
    assert PlaceFactory(name="Nowhere").authority_links() == []
