"""Browse lists count each entity's published documents once, whatever the link roles.

The counts are correlated subqueries (see reading_room.views.entities._published_count),
so they are checked here against the cases a join would get wrong: several roles on one
document, unpublished documents, entities with nothing public.
"""

import re

from documents.models import Document
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentPersonFactory,
    PersonFactory,
)


def counts(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'entity-list__count">([^<]+)<', html)


def test_person_count_is_distinct_published_documents(client, db):
    ma = PersonFactory(name="Ma Zhongying", sort_name="Ma Zhongying")
    PersonFactory(name="Nobody Public", sort_name="Nobody Public")
    public = DocumentFactory(title="Telegram from Kashgar")
    DocumentPersonFactory(person=ma, document=public, role="author")
    DocumentPersonFactory(person=ma, document=public, role="signatory")
    DocumentPersonFactory(person=ma, document=DocumentFactory(title="Report on Hami"))
    draft = DocumentFactory(title="Secret draft", status=Document.Status.DRAFT)
    DocumentPersonFactory(person=ma, document=draft)

    response = client.get("/people/")
    assert response.status_code == 200
    assert "Ma Zhongying" in response.content.decode()
    assert "Nobody Public" not in response.content.decode()
    assert counts(response) == ["2 documents"]
    assert counts(client.get("/people/?letter=M")) == ["2 documents"]
    assert counts(client.get("/people/?letter=N")) == []


def test_collection_count_ignores_drafts(client, db):
    collection = CollectionFactory(title="Oil concessions", slug="oil")
    DocumentFactory(title="Oil near the border").collections.add(collection)
    DocumentFactory(title="Draft", status=Document.Status.DRAFT).collections.add(collection)

    assert counts(client.get("/collections/")) == ["1 document"]
