"""What Zotero saves from a document page: its Embedded Metadata translator's own rules
(modelled in `zotero_embedded.py` from Zotero's code) applied to the page the reader gets."""

import pytest

from documents.models import Role
from documents.selectors import published_documents
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentTypeFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.interop import zotero_embedded as zotero

LOCATOR = "f. 17, op. 162, d. 18, l. 144"
ARCHIVE = "Russian State Archive of Socio-Political History (RGASPI)"
ORG = "Central Committee of the All-Union Communist Party (Bolsheviks)"


def saved(client, doc) -> dict:
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    return zotero.save(response.content)


def test_the_model_reads_a_journal_page_the_way_zotero_does():
    """The model is not built to agree: a journal article's tags give a journal article with
    its journal title and names split as in the translator's own test cases."""
    page = b"""<html><head>
      <meta name="citation_title" content="Knowledge and practice">
      <meta name="citation_journal_title" content="Tropical Health">
      <meta name="citation_author" content="Akinyede, Akinwumi A.">
      <meta name="DC.source" content="Tropical Health">
      <meta name="DC.creator" content="All-Union Communist Party (Bolsheviks)">
    </head></html>"""
    item = zotero.save(page)
    assert item["itemType"] == "journalArticle"
    assert item["publicationTitle"] == "Tropical Health"
    assert item["creators"] == [{"firstName": "Akinwumi A.", "lastName": "Akinyede"}]
    no_highwire = zotero.save(page.replace(b"citation_", b"x_"))
    # The split the issue reported: "Party (Bolsheviks)" as a surname.
    split = {"firstName": "All-Union Communist", "lastName": "Party (Bolsheviks)"}
    assert no_highwire["creators"] == [split]
    assert no_highwire["itemType"] == "webpage"  # RDF data, no Zotero type: a web page


@pytest.mark.parametrize(
    ("type_name", "item_type"),
    [
        ("Decision", "manuscript"),
        ("Minutes excerpt", "manuscript"),
        ("Telegram", "letter"),
        ("Letter", "letter"),
        ("Special report", "report"),
        ("Report", "report"),
    ],
)
def test_document_type_decides_the_item_type(client, db, type_name, item_type):
    slug = type_name.lower().replace(" ", "-")
    doc = DocumentFactory(document_type=DocumentTypeFactory(name=type_name, slug=slug))
    item = saved(client, doc)
    assert item["itemType"] == item_type
    assert item[f"{item_type}Type"] == type_name  # Type: "Telegram", "Decision", ...


def test_a_document_without_a_type_is_a_manuscript(client, db):
    doc = DocumentFactory(document_type=None)
    assert saved(client, doc)["itemType"] == "manuscript"


def test_archive_and_location_in_their_own_fields_and_no_journal(client, db):
    doc = DocumentFactory(source_citation=LOCATOR, title="Concerning NKVD operations")
    item = saved(client, doc)
    assert item["archive"] == ARCHIVE
    assert item["archiveLocation"] == LOCATOR
    assert item["title"] == "Concerning NKVD operations"
    for container in ("publicationTitle", "bookTitle", "publisher", "institution"):
        assert not item.get(container), container


def test_creators_organizations_whole_people_as_last_first(client, db):
    doc = DocumentFactory()
    DocumentOrganizationFactory(
        document=doc, role=Role.AUTHOR, organization=OrganizationFactory(name=ORG)
    )
    people = [
        PersonFactory(name="Joseph Stalin", sort_name="Stalin, Joseph"),
        PersonFactory(name="Sheng Shicai", sort_name="Sheng Shicai"),  # surname first
        PersonFactory(name="Langvang", sort_name=""),
    ]
    for person in people:
        DocumentPersonFactory(document=doc, person=person, role=Role.AUTHOR)

    creators = saved(client, doc)["creators"]

    assert {"firstName": "", "lastName": ORG} in creators  # one name, never split
    assert {"firstName": "Joseph", "lastName": "Stalin"} in creators
    assert {"firstName": "", "lastName": "Sheng Shicai"} in creators  # not "Shicai, Sheng"
    assert {"firstName": "", "lastName": "Langvang"} in creators
    assert len(creators) == 4


def test_every_demo_document_saves_as_an_archival_item(client, demo):
    """The issue's pages: none a journal article, none with a journal title, no organization
    author split, archive and location filled where the record has them."""
    docs = list(published_documents().select_related("document_type", "repository"))
    assert len(docs) == 19
    org_names = set()
    for doc in docs:
        page = client.get(doc.get_absolute_url()).content
        assert zotero.unmodelled_prefixes(zotero.meta_tags(page)) == set()
        item = zotero.save(page)
        assert item["itemType"] in {"manuscript", "letter", "report"}, doc.title
        assert not item.get("publicationTitle"), doc.title
        if doc.repository_id:
            assert item["archive"] == str(doc.repository)
        if doc.source_citation:
            assert item["archiveLocation"] == doc.source_citation
        orgs = doc.organization_links.filter(role=Role.AUTHOR).values_list(
            "organization__name", flat=True
        )
        org_names |= set(orgs)
        for name in orgs:
            assert {"firstName": "", "lastName": name} in item["creators"], name
    assert org_names  # the demo has organization authors to check
