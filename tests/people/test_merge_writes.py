"""A merge writes through the entity service and never touches publication: no document
becomes or stays public because of it, and search follows the merged names."""

from documents.models import Document
from documents.selectors import published_documents
from people.merge import merge_entities, undo_merge
from people.models import Person
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory, UserFactory

Status = Document.Status


def _states():
    return dict(Document.objects.values_list("pk", "status"))


def test_merge_and_undo_leave_every_document_s_status_as_it_was(db):
    survivor = PersonFactory(name="Ma Zhongying")
    loser = PersonFactory(name="Ma Chung-ying", birth="c. 1910", variants="Big Horse")
    draft = DocumentFactory(status=Status.DRAFT)
    withdrawn = DocumentFactory(status=Status.WITHDRAWN)
    public = DocumentFactory()
    for doc in (draft, withdrawn, public):
        DocumentPersonFactory(document=doc, person=loser)
    before = _states()
    user = UserFactory(username="merger")

    result = merge_entities(survivor, [loser], user=user)

    assert _states() == before
    assert list(published_documents().search("Big Horse")) == [public]
    survivor = Person.objects.get(pk=survivor.pk)
    assert survivor.birth == "1910~"  # the survivor took the loser's date, in its stored form
    assert survivor.version == 2

    undo_merge(result.undo_revision, user=user)

    assert _states() == before
    assert not Document.objects.filter(status=Status.PUBLISHED).exclude(pk=public.pk).exists()
    assert list(published_documents().search("Chung-ying")) == [public]
