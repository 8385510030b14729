"""Blank slugs are filled from the name (by the write services) and never clash."""

from documents.models import Document, Repository
from documents.services.documents import document_create
from people.models import Person
from people.services import entity_save
from tests.curation.test_locking import staff
from tests.factories import DocumentFactory, RepositoryFactory, UserFactory


def test_two_people_with_the_same_name_get_distinct_slugs(db):
    first = entity_save(entity=Person(name="Ma Bufang"))
    second = entity_save(entity=Person(name="Ma Bufang"))
    assert first.slug == "ma-bufang"
    assert second.slug == "ma-bufang-2"


def test_names_in_other_scripts_get_a_usable_slug(db):
    a = entity_save(entity=Person(name="马仲英"))
    b = entity_save(entity=Person(name="Лаврентий Берия"))
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


def test_document_slug_comes_from_the_title_cut_like_every_slug(db):
    title = "Politburo decision " + "on Xinjiang " * 40
    outcome = document_create(
        data={"title": title, "repository": RepositoryFactory()}, user=staff("Archivist")
    )
    slug = outcome.document.slug
    assert slug.startswith("politburo-decision-on-xinjiang")
    assert len(slug) <= 247 and not slug.endswith("-")
    assert document_create(data={"title": "Письмо"}, user=staff("Archivist")).document.slug == (
        "document"
    )
