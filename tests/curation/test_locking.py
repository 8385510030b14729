"""No lost edits: optimistic locking in the admin and in code (archive.curation.locking)."""

import pytest

from archive.curation.history import revert_to, versions_for
from archive.curation.locking import VersionConflict, save_with_version_check
from documents.models import Document
from people.models import Person
from tests.admin_forms import change_url, form_data
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory
from tests.roles import staff


@pytest.fixture
def two_archivists(db, client, django_user_model):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(staff("Archivist", username="alice"))
    second.force_login(staff("Archivist", username="boris"))
    return first, second


def test_second_of_two_concurrent_document_edits_is_refused_and_keeps_its_values(two_archivists):
    first, second = two_archivists
    doc = DocumentFactory(
        title="Decision on Xinjiang", summary="Original summary.", status=Document.Status.DRAFT
    )
    person = DocumentPersonFactory(document=doc).person
    url = change_url(doc)

    page_a, page_b = first.get(url), second.get(url)
    assert page_a.status_code == page_b.status_code == 200
    data_a, data_b = form_data(page_a), form_data(page_b)
    assert data_a["lock_version"] == str(doc.version)

    data_a["title"] = "Decision on Xinjiang (corrected by Alice)"
    response = first.post(url, data_a)
    assert response.status_code == 302, response.content.decode()[:2000]

    data_b["summary"] = "Boris rewrote the summary."
    response = second.post(url, data_b)
    page = response.content.decode()
    assert response.status_code == 200
    assert "was saved by alice" in page and "while you were editing" in page
    assert "Changed since you opened this page" in page
    assert "alice" in page
    # What changed in between, with the current value against the submitted one...
    assert "Decision on Xinjiang (corrected by Alice)" in page
    # ...and the second archivist's own edit is still in the form, not lost.
    assert "Boris rewrote the summary." in page

    doc.refresh_from_db()
    assert doc.title == "Decision on Xinjiang (corrected by Alice)"
    assert doc.summary == "Original summary."
    assert list(doc.people.all()) == [person]
    assert doc.version == 2

    # Saving again from the conflict page is a deliberate overwrite, and works.
    retry = form_data(response)
    assert retry["lock_version"] == "2"
    assert retry["summary"] == "Boris rewrote the summary."
    assert second.post(url, retry).status_code == 302
    doc.refresh_from_db()
    assert doc.summary == "Boris rewrote the summary."
    assert doc.title == "Decision on Xinjiang (corrected by Alice)"
    assert doc.version == 3


def test_conflicting_entity_edit_is_refused(two_archivists):
    first, second = two_archivists
    person = PersonFactory(name="Sheng Shicai")
    url = change_url(person)
    data_a, data_b = form_data(first.get(url)), form_data(second.get(url))
    data_a["variants"] = "Sheng Shih-ts'ai"
    data_b["description"] = "Governor of Xinjiang."
    assert first.post(url, data_a).status_code == 302
    response = second.post(url, data_b)
    assert response.status_code == 200
    assert "this person was saved by alice" in response.content.decode()
    person.refresh_from_db()
    assert person.variants == "Sheng Shih-ts'ai"
    assert person.description == ""


def test_a_form_without_its_version_is_not_saved(two_archivists):
    first, _ = two_archivists
    doc = DocumentFactory(status=Document.Status.DRAFT, title="Untouched")
    url = change_url(doc)
    data = form_data(first.get(url))
    del data["lock_version"]
    data["title"] = "Overwritten blindly"
    response = first.post(url, data)
    assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.title == "Untouched"


def test_save_with_version_check_refuses_a_stale_instance(db):
    doc = DocumentFactory(title="First title")
    mine, theirs = Document.objects.get(pk=doc.pk), Document.objects.get(pk=doc.pk)
    theirs.title = "Their title"
    save_with_version_check(theirs)
    assert theirs.version == 2

    mine.title = "My title"
    with pytest.raises(VersionConflict) as caught:
        save_with_version_check(mine)
    assert caught.value.expected == 1 and caught.value.current == 2
    doc.refresh_from_db()
    assert (doc.title, doc.version) == ("Their title", 2)

    # With the version it actually read, the same instance saves.
    save_with_version_check(mine, expected_version=2)
    doc.refresh_from_db()
    assert (doc.title, doc.version) == ("My title", 3)


def test_revert_moves_the_counter_forward_so_a_stale_form_still_loses(db, client):
    import reversion

    editor = staff("Editor", username="erin")
    person = PersonFactory(name="Old name")
    with reversion.create_revision():
        reversion.set_user(editor)
        person.save()
    person.name = "New name"
    with reversion.create_revision():
        save_with_version_check(person, 1)
    assert person.version == 2

    client.force_login(editor)
    stale = form_data(client.get(change_url(person)))  # opened at version 2
    revert_to(versions_for(Person, person.pk).first(), user=editor)
    person.refresh_from_db()
    assert person.name == "Old name"
    assert person.version == 3  # forward, not back to the reverted version's 1

    stale["description"] = "Written on the stale page."
    response = client.post(change_url(person), stale)
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.name, person.description) == ("Old name", "")
