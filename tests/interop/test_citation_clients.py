"""Citations as third-party clients read them: pybtex (BibTeX styles), rispy (RIS), and the
rules of Zotero's own translators (Embedded Metadata, COinS) for the page's metadata."""

import datetime
import json
import re
from urllib.parse import parse_qs

import pytest
import rispy
from lxml import html as lxml_html
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from documents.models import Role
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentTypeFactory,
    OrganizationFactory,
    PersonFactory,
)

TITLE = "Concerning NKVD operations in Xinjiang"
LOCATOR = "f. 17, op. 162, d. 18, l. 144"
ORG = "Central Committee of the All-Union Communist Party (Bolsheviks)"


@pytest.fixture
def doc(db):
    day = datetime.date(1935, 3, 19)
    doc = DocumentFactory(title=TITLE, source_citation=LOCATOR, date_earliest=day, date_latest=day)
    org = OrganizationFactory(name=ORG, slug="cc-vkpb")
    DocumentOrganizationFactory(document=doc, organization=org, role=Role.AUTHOR)
    person = PersonFactory(name="Joseph Stalin", sort_name="Stalin, Joseph")
    DocumentPersonFactory(document=doc, person=person, role=Role.AUTHOR)
    return doc


@pytest.fixture
def circa_doc(doc):
    doc.set_date("c. 1936")
    doc.save()
    return doc


def bibtex(client, doc) -> str:
    return client.get(f"/documents/{doc.record_number}/cite.bib").content.decode()


def ris(client, doc) -> str:
    return client.get(f"/documents/{doc.record_number}/cite.ris").content.decode()


def metas(client, doc) -> dict[str, list[str]]:
    tree = lxml_html.fromstring(client.get(doc.get_absolute_url()).content)
    out: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@name and @content]"):
        out.setdefault(meta.get("name"), []).append(meta.get("content"))
    return out


# --- pybtex ----------------------------------------------------------------------------


def test_pybtex_plain_style_keeps_proper_nouns_capitalised(client, doc):
    """`plain` sentence-cases titles; brace-protected words survive it."""
    data = parse_string(bibtex(client, doc), "bibtex")
    style = find_plugin("pybtex.style.formatting", "plain")()
    entry = next(iter(style.format_bibliography(data)))
    text = entry.text.render(find_plugin("pybtex.backends", "text")())
    text = re.sub(r"\S+://\S+", "", text)  # the permalink's slug is lower case
    assert "Concerning NKVD operations in Xinjiang" in text
    assert "nkvd" not in text and "xinjiang" not in text
    assert ORG in text  # an organization stays one name
    assert "Stalin" in text


def test_bibtex_is_an_unpublished_entry_with_archive_and_locator(client, doc):
    entry = parse_string(bibtex(client, doc), "bibtex").entries[f"record{doc.record_number}_1935"]
    assert entry.type == "unpublished"  # Zotero's BibTeX import: a manuscript
    archive = "Russian State Archive of Socio-Political History"
    assert entry.fields["library"] == f"{archive} (RGASPI), {LOCATOR}"
    assert f"{archive} (RGASPI), {LOCATOR}." in entry.fields["note"]
    assert [str(p) for p in entry.persons["author"]] == ["{" + ORG + "}", "Stalin, Joseph"]


def test_pybtex_round_trip_keeps_circa(client, circa_doc):
    data = parse_string(bibtex(client, circa_doc), "bibtex")
    assert next(iter(data.entries.values())).fields["date"] == "1936~"  # biblatex: EDTF circa
    again = parse_string(data.to_string("bibtex"), "bibtex")
    fields = next(iter(again.entries.values())).fields
    # pybtex's writer spells a literal tilde the LaTeX way; it is still the circa mark.
    assert fields["date"].replace("\\textasciitilde", "~") == "1936~"
    assert fields["year"] == "c. 1936"
    style = find_plugin("pybtex.style.formatting", "plain")()
    entry = next(iter(style.format_bibliography(again)))
    assert "c. 1936" in entry.text.render(find_plugin("pybtex.backends", "text")())


# --- rispy -----------------------------------------------------------------------------


def test_rispy_round_trip_keeps_circa_archive_and_locator(client, circa_doc):
    [entry] = rispy.loads(ris(client, circa_doc))
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["date"] == "1936///circa"
    assert entry["name_of_database"].startswith("Russian State Archive")  # Zotero: Archive
    assert entry["accession_number"] == LOCATOR  # Zotero: Loc. in Archive
    assert "Dated c. 1936 (circa)." in entry["notes"]
    [again] = rispy.loads(rispy.dumps([entry]))
    assert again["date"] == "1936///circa"
    assert "Dated c. 1936 (circa)." in again["notes"]


def test_ris_date_without_circa_is_plain(client, doc):
    [entry] = rispy.loads(ris(client, doc))
    assert entry["date"] == "1935/03/19"


# --- Zotero's Embedded Metadata translator --------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "slug", "item_type"),
    [
        ("Decision", "decision", "manuscript"),
        ("Minutes excerpt", "minutes-excerpt", "manuscript"),
        ("Telegram", "telegram", "letter"),
        ("Letter", "letter", "letter"),
        ("Special report", "special-report", "report"),
    ],
)
def test_zotero_item_type_follows_the_document_type(client, db, type_name, slug, item_type):
    """The RDF importer Zotero runs over meta tags takes `z:itemType` before any guess."""
    doc = DocumentFactory(document_type=DocumentTypeFactory(name=type_name, slug=slug))
    tags = metas(client, doc)
    assert tags["z.itemType"] == [item_type]
    assert tags["DC.type"] == [type_name]  # becomes manuscriptType / letterType / reportType


def test_zotero_reads_archive_fields_and_no_journal(client, doc):
    tags = metas(client, doc)
    assert tags["z.archive"] == ["Russian State Archive of Socio-Political History (RGASPI)"]
    assert tags["z.archiveLocation"] == [LOCATOR]
    for journal_like in ("DC.source", "citation_journal_title", "citation_publisher"):
        assert journal_like not in tags


def test_zotero_keeps_organization_authors_whole(client, doc):
    """Zotero's name parser splits "Last, First" at the comma, and a name without one at its
    last space; an organization written "Name," is a last name alone (single-field)."""
    tags = metas(client, doc)
    assert tags["citation_author"] == [f"{ORG},", "Stalin, Joseph"]
    # Zotero reads Highwire authors first; Dublin Core keeps plain names for other readers.
    assert tags["DC.creator"] == [ORG, "Joseph Stalin"]


def test_circa_in_page_metadata(client, circa_doc):
    tags = metas(client, circa_doc)
    assert tags["citation_date"] == ["c. 1936"]
    assert tags["DC.date"] == ["1936~"]
    page = client.get(circa_doc.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(script.group(1))
    assert data["dateCreated"] == "1936"
    assert data["temporal"] == "c. 1936"


# --- COinS on list pages (Zotero's COinS translator: several items at once) -------------


def coins_spans(response) -> list[dict[str, list[str]]]:
    tree = lxml_html.fromstring(response.content)
    return [parse_qs(span.get("title")) for span in tree.xpath('//span[@class="Z3988"]')]


def test_list_page_has_a_coins_span_per_result(client, circa_doc):
    DocumentFactory(
        title="A telegram", document_type=DocumentTypeFactory(name="Telegram", slug="telegram")
    )
    spans = coins_spans(client.get("/documents/"))
    assert len(spans) == 2
    first, second = sorted(spans, key=lambda span: span["rft.title"] != [TITLE])
    assert first["rft.type"] == ["manuscript"] and second["rft.type"] == ["letter"]
    assert first["rft.title"] == [TITLE]
    assert first["rft.aucorp"] == [ORG]  # Zotero: an institutional (single-field) author
    assert first["rft.au"] == ["Stalin, Joseph"]
    assert first["rft.date"] == ["1936~"]
    assert first["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert first["rft_id"] == [f"http://testserver{circa_doc.get_absolute_url()}"]
    assert "rft.source" not in first and "rft.jtitle" not in first


def test_entity_page_lists_coins_too(client, doc):
    spans = coins_spans(client.get("/organizations/cc-vkpb/"))
    assert [s["rft.title"] for s in spans] == [[TITLE]]
