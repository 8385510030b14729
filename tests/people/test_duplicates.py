"""Duplicate detection when creating or renaming a person, organization or place: names and
variants, accent-folded and fuzzy, shown with links before saving."""

import pytest
from django.urls import reverse

from people.duplicates import likely_duplicates
from people.models import Organization, Person, Place
from tests.admin_forms import change_url, form_data
from tests.factories import OrganizationFactory, PersonFactory, PlaceFactory


@pytest.fixture
def beria(db):
    return PersonFactory(name="Lavrentiy Beria", variants="L. Beria\nЛаврентий Берия")


def _names(found):
    return [c.entity.name for c in found]


@pytest.mark.parametrize(
    "typed",
    ["L. Beria", "l. beria", "Lavrentii Beria", "Beria, Lavrentiy", "Lavrentiy Béria", "L Beria"],
)
def test_names_variants_accents_and_typos_are_found(beria, typed):
    assert _names(likely_duplicates(Person, typed)) == ["Lavrentiy Beria"]


@pytest.mark.parametrize("typed", ["Beria Kalinin", "Sheng Shicai", "Ma", "Berlin"])
def test_different_names_are_not_reported(beria, typed):
    assert likely_duplicates(Person, typed) == []


def test_abbreviations_and_places_and_the_record_itself(db):
    nkvd = OrganizationFactory(
        name="People's Commissariat for Internal Affairs", abbreviation="NKVD"
    )
    assert _names(likely_duplicates(Organization, "nkvd")) == [nkvd.name]
    urumqi = PlaceFactory(name="Ürümqi", variants="Tihwa\nDihua")
    assert _names(likely_duplicates(Place, "Urumqi")) == ["Ürümqi"]
    assert _names(likely_duplicates(Place, "dihua")) == ["Ürümqi"]
    assert likely_duplicates(Place, "Urumqi", exclude_pk=urumqi.pk) == []


def test_creating_l_beria_warns_with_links_and_saves_only_when_confirmed(archivist_client, beria):
    url = reverse("admin:people_person_add")
    data = form_data(archivist_client.get(url))
    data.update(name="L. Beria", slug="")
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Possible duplicate: “L. Beria” looks like 1 existing person" in page
    assert f'href="{change_url(beria)}"' in page
    assert Person.objects.count() == 1

    confirmed = archivist_client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_renaming_warns_but_editing_other_fields_does_not(archivist_client, beria):
    other = PersonFactory(name="Sheng Shicai")
    data = form_data(archivist_client.get(change_url(other)))
    unchanged = archivist_client.post(change_url(other), {**data, "description": "Governor."})
    assert unchanged.status_code == 302
    data = form_data(archivist_client.get(change_url(other)))
    renamed = archivist_client.post(change_url(other), {**data, "name": "Lavrenty Beria"})
    assert renamed.status_code == 200
    assert "Possible duplicate" in renamed.content.decode()
    other.refresh_from_db()
    assert other.name == "Sheng Shicai"
