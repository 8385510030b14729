"""The index holds published documents only, whatever happens to them, and follows every
change to what makes them findable once the indexer has run."""

import pytest

from documents.models import Document
from documents.search.engine import SearchRequest, apply_pending, indexed_versions, search
from documents.services.workflow import withdraw
from people.merge.service import merge_entities
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    PersonFactory,
    SubjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def indexed() -> set[int]:
    apply_pending()
    return set(indexed_versions())


def found(q: str) -> set[int]:
    return set(search(SearchRequest(q=q, page_size=100)).ids)


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Editor"])


def test_drafts_reviews_and_withdrawn_documents_are_never_indexed():
    public = DocumentFactory()
    for status in (Document.Status.DRAFT, Document.Status.REVIEW, Document.Status.WITHDRAWN):
        DocumentFactory(status=status)
    assert indexed() == {public.pk}


def test_a_withdrawn_document_leaves_the_index(editor):
    doc = DocumentFactory(title="Soon withdrawn")
    assert indexed() == {doc.pk}
    withdraw(doc, editor)
    assert indexed() == set()
    assert found("withdrawn") == set()


def test_a_document_sent_back_to_draft_by_any_path_leaves_the_index():
    doc = DocumentFactory()
    assert indexed() == {doc.pk}
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.DRAFT)
    assert indexed() == set()


def test_a_deleted_document_leaves_the_index():
    doc, other = DocumentFactory(), DocumentFactory()
    assert indexed() == {doc.pk, other.pk}
    doc.delete()
    assert indexed() == {other.pk}


def test_versions_follow_edits():
    doc = DocumentFactory()
    apply_pending()
    Document.objects.filter(pk=doc.pk).update(version=7)
    apply_pending()
    assert indexed_versions() == {doc.pk: 7}


def test_a_merge_keeps_drafts_out_and_makes_the_losers_names_find_the_survivors_documents(
    superuser,
):
    survivor = PersonFactory(name="Sheng Shicai")
    loser = PersonFactory(name="Sheng Shih-tsai")
    public = DocumentPersonFactory(person=loser, document__title="Public").document
    draft = DocumentPersonFactory(
        person=loser, document__title="Draft", document__status=Document.Status.DRAFT
    ).document
    DocumentPersonFactory(person=survivor, document__title="Already his")
    assert found('"Shih-tsai"') == {public.pk}
    merge_entities(survivor, [loser], user=superuser)
    assert draft.pk not in indexed()
    assert public.pk in found('"Shih-tsai"')  # the loser's name is now a variant
    assert len(found("Shicai")) == 2  # both published documents now name the survivor


def test_a_renamed_entity_or_a_new_variant_is_searchable_after_the_indexer_runs():
    person = PersonFactory(name="Ma Zhongying")
    doc = DocumentPersonFactory(person=person).document
    assert found("Zhongying") == {doc.pk}
    person.name = "Ma Bufang"
    person.save()
    assert found("Bufang") == {doc.pk} and found("Zhongying") == set()
    person.variants = "Ma Pu-fang"
    person.save()
    assert found('"Pu-fang"') == {doc.pk}


def test_a_renamed_subject_is_searchable_after_the_indexer_runs():
    subject = SubjectFactory(name="Tin")
    doc = DocumentFactory()
    doc.subjects.add(subject)
    assert found("tin") == {doc.pk}
    subject.name = "Tungsten"
    subject.save()
    assert found("tungsten") == {doc.pk} and found("tin") == set()
