"""Creating entities and subjects from the document form's autocompletes, with the duplicate
check; only editors add subject headings, and a typo never creates one by itself."""

from django.test import Client
from django.urls import reverse

from documents.models import Subject
from people.models import Person
from tests.factories import PersonFactory, SubjectFactory

PERSON_URL = reverse("admin:people_person_quick_add")
SUBJECT_URL = reverse("admin:documents_subject_quick_add")


def test_a_new_person_is_created_and_recorded(archivist_client, db):
    response = archivist_client.post(PERSON_URL, {"name": "  Sheng   Shicai "})
    assert response.status_code == 201
    person = Person.objects.get()
    assert response.json() == {"id": person.pk, "text": "Sheng Shicai"}
    assert person.slug == "sheng-shicai"
    history = archivist_client.get(reverse("admin:people_person_history", args=[person.pk]))
    assert "Created from a document form." in history.content.decode()


def test_a_likely_duplicate_is_answered_with_links_until_confirmed(archivist_client, db):
    beria = PersonFactory(name="Lavrentiy Beria", variants="L. Beria")
    response = archivist_client.post(PERSON_URL, {"name": "L. Beria"})
    assert response.status_code == 409
    assert response.json()["duplicates"] == [
        {
            "id": beria.pk,
            "text": "Lavrentiy Beria",
            "url": reverse("admin:people_person_change", args=[beria.pk]),
            "matched": "L. Beria",
        }
    ]
    assert Person.objects.count() == 1
    confirmed = archivist_client.post(PERSON_URL, {"name": "L. Beria", "confirm": "1"})
    assert confirmed.status_code == 201 and Person.objects.count() == 2


def test_bad_names_and_methods_are_refused_clearly(archivist_client, db):
    assert archivist_client.post(PERSON_URL, {"name": "   "}).status_code == 400
    assert archivist_client.post(PERSON_URL, {"name": "x" * 300}).status_code == 400
    assert archivist_client.post(PERSON_URL, {"name": "a\x00b"}).status_code == 400
    assert archivist_client.get(PERSON_URL).status_code == 405


def test_only_editors_add_subjects(archivist_client, editor, db):
    SubjectFactory(name="Soviet aid")
    assert archivist_client.post(SUBJECT_URL, {"name": "Sovet aid"}).status_code == 403
    add_page = archivist_client.get(reverse("admin:documents_document_add")).content.decode()
    assert SUBJECT_URL not in add_page and PERSON_URL in add_page

    editor_client = Client()
    editor_client.force_login(editor)
    assert (
        SUBJECT_URL in editor_client.get(reverse("admin:documents_document_add")).content.decode()
    )
    typo = editor_client.post(SUBJECT_URL, {"name": "Sovet aid"})
    assert typo.status_code == 409  # the typo meets the heading it misspells
    assert editor_client.post(SUBJECT_URL, {"name": "Border trade"}).status_code == 201
    assert sorted(Subject.objects.values_list("name", flat=True)) == ["Border trade", "Soviet aid"]


def test_a_subject_typed_into_the_form_is_never_created(editor_client, db):
    from tests.admin_forms import form_data

    url = reverse("admin:documents_document_add")
    data = form_data(editor_client.get(url))
    data.update(title="Telegram", date="1941-02", subjects=["Sovet aid"])
    response = editor_client.post(url, data)
    assert response.status_code == 200  # refused: not a heading of the vocabulary
    assert not Subject.objects.exists()
