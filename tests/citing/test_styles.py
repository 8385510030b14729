"""The citation styles readers use (CSL): Chicago note and bibliography, MLA, APA and the
archive's form, each with an access date, for a day, a month, a circa and an undated date."""

import datetime
import re

import pytest
from django.conf import settings

from documents.citations import DocumentCitation
from documents.citing import reader_citations
from documents.citing.styles import punctuate_in_quote
from documents.models import Role
from documents.selectors import document_queryset
from tests.factories import (
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2025, 5, 4)
PERMALINK = "https://archive.example.org/documents/1/telegram/"
TITLE = "Telegram from Cde. Yegnarov for Cde. Beria"
ARCHIVE = "Russian State Archive of Socio-Political History (RGASPI)"

# How each style writes each kind of date: (archive, Chicago note, Chicago bibliography, MLA,
# APA). None: the style leaves the date out.
DATES = {
    "day": ("1945-07-01", "July 1, 1945", "July 1, 1945", "July 1, 1945", "1 July 1945", "(1945)"),
    "month": ("1945-07", "July 1945", "July 1945", "July 1945", "July 1945", "(1945)"),
    "circa": ("c. 1936", "c. 1936", "[1936?]", "[1936?]", "Circa 1936", "(ca. 1936)"),
    "undated": ("", "undated", "n.d.", "n.d.", None, "(n.d.)"),
}
STYLE_KEYS = ["archive", "chicago-note", "chicago-bibliography", "mla", "apa"]
ACCESS = {
    "archive": "Accessed May 4, 2025.",
    "chicago-note": "accessed May 4, 2025,",
    "chicago-bibliography": "Accessed May 4, 2025.",
    "mla": "Accessed 4 May 2025.",
    "apa": "Retrieved May 4, 2025, from",
}


def forms_for(date_text: str, **extra) -> dict[str, str]:
    doc = DocumentFactory(
        title=TITLE,
        source_citation="RGASPI, f. 17, op. 162, d. 21, l. 82",
        translated_by="Gary Goldberg",
        **extra,
    )
    doc.set_date(date_text)
    doc.save()
    stalin = PersonFactory(name="Joseph Stalin", sort_name="Stalin, Joseph")
    politburo = OrganizationFactory(name="Politburo of the CC VKP(b)")
    DocumentOrganizationFactory(document=doc, organization=politburo, role=Role.AUTHOR)
    DocumentPersonFactory(document=doc, person=stalin, role=Role.AUTHOR)
    loaded = document_queryset().get(pk=doc.pk)
    forms = reader_citations(DocumentCitation(loaded, PERMALINK), accessed=ACCESSED)
    assert [form.key for form in forms] == STYLE_KEYS
    return {form.key: form.text for form in forms}


@pytest.mark.parametrize("kind", list(DATES))
@pytest.mark.parametrize("style", STYLE_KEYS)
def test_each_style_writes_each_kind_of_date(kind, style):
    date_text, *expected = DATES[kind]
    text = forms_for(date_text)[style]
    written = expected[STYLE_KEYS.index(style)]
    if written is None:  # MLA leaves an unknown date out, and then gives the access date
        assert not re.search(r"\b19\d\d\b", text.replace(settings.ARCHIVE_NAME, "")), text
    else:
        assert written in text, text
    assert ACCESS[style] in text, text
    assert PERMALINK in text
    assert TITLE in text
    # The archive once, the locator after it without the archive's abbreviation again.
    assert text.count("RGASPI") == 1, text
    assert ARCHIVE in text and "f. 17, op. 162, d. 21, l. 82" in text.lower()


def test_circa_is_never_written_as_a_plain_date():
    forms = forms_for("c. 1936")
    for style, text in forms.items():
        assert re.search(r"(c\.|ca\.|Circa|\[1936\?\])", text), (style, text)


def test_names_as_each_style_writes_them():
    forms = forms_for("1945-07-01")
    assert forms["chicago-note"].startswith("Politburo of the CC VKP(b) and Joseph Stalin, “")
    assert forms["chicago-bibliography"].startswith(
        "Politburo of the CC VKP(b), and Joseph Stalin. “"
    )
    assert forms["apa"].startswith("Politburo of the CC VKP(b), & Stalin, J. (1945).")
    assert "trans. Gary Goldberg" in forms["chicago-note"]
    # American punctuation: the comma and period go inside the closing quotation mark.
    assert f"“{TITLE},”" in forms["chicago-note"]
    assert f"“{TITLE}.”" in forms["mla"]
    assert settings.ARCHIVE_NAME in forms["mla"]  # MLA's second container


def test_a_range_within_a_year_keeps_both_ends():
    forms = forms_for("1935-03-02/1935-04-05")
    assert "(March 2 – April 5, 1935)" in forms["apa"]
    assert "March 2 – April 5, 1935" in forms["chicago-note"]
    across = forms_for("1935-11/1936-02")
    assert "November 1935–February 1936" in across["chicago-bibliography"]
    assert "(1935–1936)" in across["apa"]


def test_markup_in_a_title_is_text():
    doc = DocumentFactory(title="<script>alert(1)</script> & <i>report</i>")
    loaded = document_queryset().get(pk=doc.pk)
    for form in reader_citations(DocumentCitation(loaded, PERMALINK), accessed=ACCESSED):
        assert "<script" not in form.html and "<i>report" not in form.html, form.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;i&gt;report" in form.html
        # Copied as the reader sees it: the title's characters, nothing lost.
        assert "<script>alert(1)</script> & <i>report</i>" in form.text


@pytest.mark.parametrize(
    ("rendered", "american"),
    [
        ("“Title”, Decision", "“Title,” Decision"),
        ("“Title”. Decision", "“Title.” Decision"),
        ("“Who?”. Decision", "“Who?” Decision"),
        ("“Title” [1936?]", "“Title” [1936?]"),
    ],
)
def test_punctuation_goes_inside_quotation_marks(rendered, american):
    assert punctuate_in_quote(rendered) == american
