from documents.selectors import published_documents
from tests.factories import DocumentPersonFactory, PersonFactory


def test_published_document_found_through_linked_person_variant(db):
    person = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    link = DocumentPersonFactory(person=person)
    found = published_documents().search("chung")
    assert list(found) == [link.document]
