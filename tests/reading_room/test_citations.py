"""Citing a document: the archive's citation line, BibTeX and RIS downloads."""

import datetime
import re
from html import unescape

import pytest
from django.conf import settings
from django.utils import dateformat, timezone

from documents.citations import bibtex_escape
from documents.models import Document, Role
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    SubjectFactory,
)

TITLE = "Politburo Decision of 19 March 1935 concerning Xinjiang"
LOCATOR = "RGASPI, f. 17, op. 162, d. 17, l. 151"


@pytest.fixture
def doc(db):
    doc = DocumentFactory(
        title=TITLE,
        date_earliest=datetime.date(1935, 3, 19),
        date_latest=datetime.date(1935, 3, 19),
        source_citation=LOCATOR,
        obtained_by="Jamil Hasanli",
        translated_by="Gary Goldberg",
        summary="The Politburo transfers NKVD members to Xinjiang.",
    )
    doc.original_languages.add(LanguageFactory())
    doc.subjects.add(SubjectFactory(name="NKVD personnel"))
    politburo = OrganizationFactory(name="Politburo of the CC VKP(b)", slug="politburo")
    DocumentOrganizationFactory(document=doc, organization=politburo, role=Role.AUTHOR)
    stalin = PersonFactory(name="Joseph Stalin", sort_name="Stalin, Joseph")
    DocumentPersonFactory(document=doc, person=stalin, role=Role.AUTHOR)
    DocumentPersonFactory(document=doc, role=Role.RECIPIENT)
    return doc


def permalink(doc):
    return f"http://testserver{doc.get_absolute_url()}"


def citation_text(client, doc) -> str:
    html = client.get(doc.get_absolute_url()).content.decode()
    match = re.search(r'<p class="cite-text" id="citation-text"[^>]*>(.*?)</p>', html, re.S)
    assert match, "the page has a citation box"
    return unescape(match.group(1)).strip()


def accessed_today() -> str:
    """The access date every citation on the page ends with."""
    return f"Accessed {dateformat.format(timezone.localdate(), 'F j, Y')}."


def braces_balanced(text: str) -> bool:
    depth = 0
    text = re.sub(r"\\[{}]", "", text)
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# --- the citation line -----------------------------------------------------------------


def test_citation_line_in_the_archive_form(client, doc):
    assert citation_text(client, doc) == (
        f'"{TITLE}," March 19, 1935, Russian State Archive of Socio-Political History '
        f"(RGASPI), f. 17, op. 162, d. 17, l. 151. Obtained by Jamil Hasanli and translated by "
        f"Gary Goldberg. {settings.ARCHIVE_NAME}, {permalink(doc)}. {accessed_today()}"
    )


@pytest.mark.parametrize(
    ("locator", "cited"),
    [
        # The locator names the archive by its abbreviation or its name: said once.
        ("RGASPI, f. 17, op. 162", "(RGASPI), f. 17, op. 162."),
        ("RGASPI f. 17, op. 162", "(RGASPI), f. 17, op. 162."),
        ("Russian State Archive of Socio-Political History, f. 17", "(RGASPI), f. 17."),
        # A locator that only starts like the abbreviation is kept whole.
        ("RGASPIX, f. 1", "(RGASPI), RGASPIX, f. 1."),
        ("f. 17, op. 162", "(RGASPI), f. 17, op. 162."),
        ("RGASPI", "(RGASPI)."),
    ],
)
def test_citation_names_the_archive_once(client, db, locator, cited):
    doc = DocumentFactory(title="Report", source_citation=locator)
    assert f"History {cited} {settings.ARCHIVE_NAME}" in citation_text(client, doc)
    bibtex = client.get(f"/documents/{doc.record_number}/cite.bib").content.decode()
    assert f"note = {{Russian State Archive of Socio-Political History {cited}}}" in bibtex


def test_citation_line_leaves_out_what_is_unknown(client, db):
    doc = DocumentFactory(
        title="Report",
        date_precision="undated",
        date_earliest=None,
        date_latest=None,
        repository=None,
        translated_by="Gary Goldberg",
    )
    assert citation_text(client, doc) == (
        f'"Report," undated. Translated by Gary Goldberg. {settings.ARCHIVE_NAME}, '
        f"{permalink(doc)}. {accessed_today()}"
    )


def test_page_offers_both_downloads(client, doc):
    html = client.get(doc.get_absolute_url()).content.decode()
    n = doc.record_number
    assert f'href="/documents/{n}/cite.bib"' in html
    assert f'href="/documents/{n}/cite.ris"' in html
    assert '<h2 id="cite-heading">Cite this document</h2>' in html


# --- BibTeX ----------------------------------------------------------------------------


def test_bibtex_download(client, doc):
    response = client.get(f"/documents/{doc.record_number}/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="document-{doc.record_number}.bib"'
    )
    text = response.content.decode()
    assert text.startswith(f"@unpublished{{record{doc.record_number}_1935,\n")
    assert text.rstrip().endswith("}")
    assert braces_balanced(text)
    assert "title = {Politburo {Decision} of 19 {March} 1935 concerning {Xinjiang}}" in text
    assert "author = {{Politburo of the CC VKP(b)} and Stalin, Joseph}" in text
    assert "year = {1935}" in text
    assert "month = mar," in text
    assert "date = {1935-03-19}" in text
    assert f"url = {{{permalink(doc)}}}" in text
    assert "Obtained by Jamil Hasanli and translated by Gary Goldberg." in text
    assert "(RGASPI), f. 17, op. 162, d. 17, l. 151." in text and "RGASPI, f." not in text
    assert "language = {Russian}" in text
    assert "keywords = {NKVD personnel}" in text


def test_bibtex_escapes_special_characters(client, db):
    title = r"Costs & 50% of #3 {draft} $x_1 ~ ^ \end"
    doc = DocumentFactory(title=title, obtained_by="A_B")
    text = client.get(f"/documents/{doc.record_number}/cite.bib").content.decode()
    assert (
        r"title = {Costs \& 50\% of \#3 \{draft\} \$x\_1 \textasciitilde{} "
        r"\textasciicircum{} \textbackslash{}end}"
    ) in text
    assert r"Obtained by A\_B." in text
    assert braces_balanced(text)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a & b", r"a \& b"),
        ("100%", r"100\%"),
        ("{x}", r"\{x\}"),
        ("\\", r"\textbackslash{}"),
        ("line\nbreak\x00", "line break"),
        ("Ürümqi", "Ürümqi"),
    ],
)
def test_bibtex_escape(raw, escaped):
    assert bibtex_escape(raw) == escaped


def test_bibtex_for_month_precision_and_undated(client, db):
    month = DocumentFactory()
    month.set_date("1945-07")
    month.save()
    text = client.get(f"/documents/{month.record_number}/cite.bib").content.decode()
    assert "year = {1945}" in text and "month = jul," in text and "date = {1945-07}" in text
    undated = DocumentFactory(date_precision="undated", date_earliest=None, date_latest=None)
    text = client.get(f"/documents/{undated.record_number}/cite.bib").content.decode()
    assert text.startswith(f"@unpublished{{record{undated.record_number},")
    assert "year =" not in text and "date =" not in text


# --- RIS -------------------------------------------------------------------------------


def test_ris_download(client, doc):
    response = client.get(f"/documents/{doc.record_number}/cite.ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="document-{doc.record_number}.ris"'
    )
    text = response.content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "TY  - MANSCPT"
    assert lines[-2:] == ["ER  - ", ""]
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines[:-1])
    assert f"TI  - {TITLE}" in lines
    assert "AU  - Politburo of the CC VKP(b)" in lines
    assert "AU  - Stalin, Joseph" in lines
    assert "A4  - Gary Goldberg" in lines
    assert "DA  - 1935/03/19" in lines
    assert "PY  - 1935" in lines
    assert f"AN  - {LOCATOR}" in lines
    assert "DB  - Russian State Archive of Socio-Political History (RGASPI)" in lines
    assert "LA  - Russian" in lines
    assert "KW  - NKVD personnel" in lines
    assert f"UR  - {permalink(doc)}" in lines


def test_ris_values_stay_on_one_line(client, db):
    doc = DocumentFactory(title="Line one\nTY  - JOUR\r\nER  - ", summary="a\n\nb")
    text = client.get(f"/documents/{doc.record_number}/cite.ris").content.decode()
    lines = text.split("\r\n")
    assert [line for line in lines if line.startswith("TY")] == ["TY  - MANSCPT"]
    assert "TI  - Line one TY - JOUR ER -" in lines
    assert "AB  - a b" in lines


# --- visibility ------------------------------------------------------------------------


def test_citations_of_unknown_documents_are_404(client, db):
    assert client.get("/documents/424242/cite.bib").status_code == 404
    assert client.get("/documents/424242/cite.ris").status_code == 404
    assert client.get("/documents/x/cite.ris").status_code == 404


def test_staff_may_download_a_draft_citation(client, archivist):
    doc = DocumentFactory(status=Document.Status.DRAFT)
    assert client.get(f"/documents/{doc.record_number}/cite.bib").status_code == 404
    client.force_login(archivist)
    response = client.get(f"/documents/{doc.record_number}/cite.bib")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_citation_downloads_cost_a_fixed_number_of_queries(
    client, doc, django_assert_max_num_queries
):
    for _ in range(10):
        DocumentPersonFactory(document=doc, role=Role.AUTHOR)
    with django_assert_max_num_queries(9):
        assert client.get(f"/documents/{doc.record_number}/cite.bib").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(f"/documents/{doc.record_number}/cite.ris").status_code == 200
