"""The entity service gives people, organizations and places their stored form."""

import pytest

from archive.curation.locking import VersionConflict
from people.models import Organization, Person
from people.services import entity_save
from tests.curation.test_locking import change_url, form_data, staff
from tests.factories import PersonFactory


def test_dates_names_and_newlines_take_their_stored_form(db):
    person = entity_save(
        entity=Person(name="Sheng Shicai", variants="Sheng Shih-ts'ai\r\n盛世才", birth="c. 1897")
    )
    person.refresh_from_db()
    assert (person.slug, person.sort_name) == ("sheng-shicai", "Sheng Shicai")
    assert person.variants == "Sheng Shih-ts'ai\n盛世才"
    assert person.birth == "1897~" and person.life_dates == "b. c. 1897"
    org = entity_save(entity=Organization(name="NKVD of the USSR", founded="1934-7"))
    assert org.founded == "1934-07"


def test_a_stale_save_is_refused(db):
    person = PersonFactory(name="Ma Zhongying")
    stale = Person.objects.get(pk=person.pk)
    entity_save(entity=person, expected_version=person.version)
    stale.description = "Overwrites the other edit."
    with pytest.raises(VersionConflict):
        entity_save(entity=stale)


def test_the_admin_saves_entities_through_the_service(client, db):
    person = PersonFactory(name="Lavrentiy Beria")
    client.force_login(staff("Archivist"))
    url = change_url(person)
    data = form_data(client.get(url))
    data["birth"] = "c. 1899"
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.birth == "1899~"
