from documents.models import Document
from tests.factories import DocumentPersonFactory, PersonFactory


def test_published_document_found_through_linked_person_variant(db):
    person = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    link = DocumentPersonFactory(person=person)
    found = Document.objects.published().filter(search_vector="chung")
    assert list(found) == [link.document]
