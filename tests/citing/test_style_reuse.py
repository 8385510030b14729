"""Parsed CSL styles are lent out again and again (`documents.citing.styles.borrowed_style`)
and citeproc-py's lookups remembered (`documents.citing.speed`): no render may leak into the
next. Every form must be what a freshly parsed style gives, for the same document twice, two
documents alternately and two threads at once."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from django.core.cache import cache
from lxml import etree

from documents.citations import DocumentCitation
from documents.citing import forms, reader_citations
from documents.citing.forms import STYLES, render
from documents.citing.items import ITEM_ID, csl_item
from documents.citing.styles import borrowed_style, load_style
from documents.selectors import document_queryset

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2025, 5, 4)
PERMALINK = "https://archive.example.org/documents/1/telegram/"
CHICAGO = "chicago-notes-bibliography-access-dates"


@contextmanager
def _fresh_style(name, access_date_macro=""):
    yield load_style(name, access_date_macro)


def fresh_forms(item: dict) -> list[str]:
    """The forms as a style parsed for this render alone gives them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forms, "borrowed_style", _fresh_style)
        return [render(style, item) for style in STYLES]


def pooled_forms(item: dict) -> list[str]:
    return [render(style, item) for style in STYLES]


@pytest.fixture
def items(demo):
    """The demo documents' CSL items: people, organizations, translators, kinds of date."""
    docs = document_queryset().order_by("pk")
    return [csl_item(DocumentCitation(doc, PERMALINK), accessed=ACCESSED) for doc in docs]


def test_the_same_document_twice(demo):
    doc = document_queryset().order_by("pk").first()
    citation = DocumentCitation(doc, PERMALINK)
    first = reader_citations(citation, accessed=ACCESSED)
    cache.clear()  # rendered again, not read from the cache
    assert reader_citations(citation, accessed=ACCESSED) == first
    assert [form.html for form in first[1:]] == fresh_forms(csl_item(citation, accessed=ACCESSED))


def test_documents_alternately(items):
    expected = [fresh_forms(item) for item in items]
    assert len({tuple(forms) for forms in expected}) > 1
    for _round in range(2):
        for item, forms_of_item in zip(items, expected, strict=True):
            assert pooled_forms(item) == forms_of_item


def test_two_threads_at_once(items):
    first, second = items[0], items[-1]
    expected = [fresh_forms(first), fresh_forms(second)]
    start = threading.Barrier(2)

    def renders(item):
        start.wait()
        return [pooled_forms(item) for _ in range(10)]

    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(renders, [first, second]))
    assert results == [[expected[0]] * 10, [expected[1]] * 10]


def _cite(style, item: dict) -> str:
    """The Chicago note for `item`, rendered with `style` as `forms.render` does."""
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.html)
    citation = Citation([CitationItem(ITEM_ID)])
    bibliography.register(citation)
    return str(bibliography.cite(citation, lambda _item: None))


def test_a_lent_style_goes_back_as_parsed(items):
    anonymous = {key: value for key, value in items[0].items() if key != "author"}
    book = anonymous | {"type": "book", "translator": [{"family": "Doe", "given": "Jane"}]}
    parsed = etree.tostring(load_style(CHICAGO).xml)
    with borrowed_style(CHICAGO) as lent:
        _cite(lent, book)
        assert len(list(lent.root.iter("Name"))) == 1  # the one change citeproc-py makes
    assert etree.tostring(lent.xml) == parsed
    assert "formatter" not in vars(lent.root)
    expected = fresh_forms(book)
    assert pooled_forms(book) == expected
    assert pooled_forms(book) == expected


def test_a_style_is_lent_to_one_render_at_a_time():
    with borrowed_style(CHICAGO) as first, borrowed_style(CHICAGO) as second:
        assert first is not second
    with pytest.raises(RuntimeError), borrowed_style(CHICAGO) as broken:
        raise RuntimeError
    with borrowed_style(CHICAGO) as style, borrowed_style(CHICAGO) as other:
        assert broken is not style and broken is not other


def test_remembered_macros_belong_to_their_style(items):
    with borrowed_style(CHICAGO) as lent:
        _cite(lent, items[0])
        remembered = vars(lent.root)["_archive_macros"]
    assert remembered
    for name, macro in remembered.items():
        assert macro.getparent() is lent.root and macro.get("name") == name
