"""The outbox is filled by the database in the same transaction as every change that alters
what a reader can find: whatever the write path, and only then."""

import pytest
from django.db import transaction

from documents.models import Document, DocumentPerson, SearchOutbox, TaggedDocument
from documents.search import outbox
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    DocumentTypeFactory,
    LanguageFactory,
    PersonFactory,
    RepositoryFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def queued() -> list[int]:
    """Document ids queued since the last `clear()`, in order, duplicates kept."""
    return list(SearchOutbox.objects.order_by("id").values_list("document_id", flat=True))


def clear() -> None:
    SearchOutbox.objects.all().delete()


def test_creating_editing_and_deleting_a_document_queue_it():
    doc = DocumentFactory()
    assert set(queued()) == {doc.pk}
    clear()
    doc.title = "A new title"
    doc.save()
    assert set(queued()) == {doc.pk}
    clear()
    pk = doc.pk
    doc.delete()
    assert pk in queued()


def test_queryset_update_and_raw_sql_are_caught_too():
    doc = DocumentFactory()
    clear()
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.WITHDRAWN)
    assert queued() == [doc.pk]
    clear()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE documents_document SET publish_on = now() WHERE id = %s", [doc.pk])
    assert queued() == [doc.pk]


def test_changes_readers_cannot_see_in_search_queue_nothing():
    doc = DocumentFactory()
    clear()
    Document.objects.filter(pk=doc.pk).update(internal_notes="only for archivists", slug="x")
    from documents.search.entity_text import refresh_entity_text

    refresh_entity_text([doc.pk])
    assert queued() == []


def test_every_kind_of_link_queues_its_document_when_added_changed_or_removed():
    doc = DocumentFactory()
    clear()
    person_link = DocumentPersonFactory(document=doc)
    DocumentOrganizationFactory(document=doc)
    DocumentPlaceFactory(document=doc)
    doc.subjects.add(SubjectFactory())
    doc.collections.add(CollectionFactory())
    doc.original_languages.add(LanguageFactory())
    assert queued() == [doc.pk] * 6
    clear()
    other = PersonFactory()
    DocumentPerson.objects.filter(pk=person_link.pk).update(person=other)  # what a merge does
    assert queued() == [doc.pk]
    clear()
    DocumentPerson.objects.filter(pk=person_link.pk).update(note="a note readers see elsewhere")
    assert queued() == []
    doc.collections.clear()
    TaggedDocument.objects.filter(content_object=doc).delete()
    assert queued() == [doc.pk, doc.pk]


def test_renaming_an_entity_queues_every_document_that_names_it():
    person = PersonFactory(name="Sheng Shicai")
    named = [DocumentPersonFactory(person=person).document for _ in range(3)]
    DocumentFactory()  # names someone else
    clear()
    person.variants = "Sheng Shih-ts'ai"
    person.save()
    assert sorted(queued()) == sorted(d.pk for d in named)
    clear()
    person.description = "Governor of Xinjiang."  # not searchable text
    person.save()
    assert queued() == []


def test_archive_type_and_subject_names_queue_their_documents():
    archive = RepositoryFactory(name="Archive A", slug="a")
    kind = DocumentTypeFactory(name="Telegram", slug="telegram")
    subject = SubjectFactory(name="Oil")
    doc = DocumentFactory(repository=archive, document_type=kind)
    doc.subjects.add(subject)
    clear()
    for record, field in ((archive, "abbreviation"), (kind, "name"), (subject, "name")):
        setattr(record, field, "Changed")
        record.save()
    assert queued() == [doc.pk] * 3


def test_a_change_that_rolls_back_leaves_nothing_queued():
    doc = DocumentFactory()
    clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(title="Never")
        raise RuntimeError
    assert queued() == []


def test_enqueue_is_one_insert_however_many(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert outbox.enqueue(range(1, 1001)) == 1000
    assert len(queued()) == 1000
    assert outbox.enqueue([]) == 0
