"""Blank slugs are filled from the name and never clash."""

from documents.models import Document, Repository
from people.models import Person
from tests.factories import DocumentFactory, UserFactory


def test_two_people_with_the_same_name_get_distinct_slugs(db):
    first = Person.objects.create(name="Ma Bufang")
    second = Person.objects.create(name="Ma Bufang")
    assert first.slug == "ma-bufang"
    assert second.slug == "ma-bufang-2"


def test_names_in_other_scripts_get_a_usable_slug(db):
    a = Person.objects.create(name="马仲英")
    b = Person.objects.create(name="Лаврентий Берия")
    assert a.slug == "person"
    assert b.slug == "person-2"
    repo = Repository.objects.create(name="Государственный архив")
    assert repo.slug == "repository"


def test_staff_without_document_permission_cannot_preview_drafts(client, editor):
    draft = DocumentFactory(status=Document.Status.DRAFT)
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(f"/documents/{draft.record_number}/").status_code == 404
    client.force_login(editor)
    assert client.get(f"/documents/{draft.record_number}/", follow=True).status_code == 200
