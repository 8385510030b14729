"""Archivist HTML: what survives sanitizing on save, and what readers can never get."""

import pytest
from django.template import Context, Template

from archive.html import html_to_text, sanitize_html
from documents.models import Document
from tests.factories import DocumentFactory

HOSTILE = (
    "<p>Decision of the <em>Politburo</em></p>"
    "<script>alert(1)</script>"
    '<img src="x" onerror="alert(2)">'
    '<p onclick="alert(3)" style="color:red">Item 1</p>'
    '<a href="javascript:alert(4)">link</a>'
    '<iframe src="https://evil.example/"></iframe>'
    "<style>body{display:none}</style>"
)


@pytest.mark.parametrize(
    "html",
    [
        "<p>One<br>two</p>",
        "<p><em>e</em> <strong>s</strong> <i>i</i> <b>b</b> <u>u</u></p>",
        "<p>H<sub>2</sub>O x<sup>2</sup></p>",
        '<ul><li>a</li></ul><ol start="3"><li>b</li></ol>',
        "<blockquote><p>Quoted</p></blockquote>",
        "<h2>Part</h2><h3>Section</h3><h4>Item</h4>",
        '<p>Text<sup><a href="#text-fn1" id="text-fnref1" rel="noopener noreferrer">1</a></sup>'
        '</p><section><p id="text-fn1">The note.</p></section>',
        '<aside><a href="https://www.wilsoncenter.org/x?a=1&amp;b=2" rel="noopener noreferrer">'
        "source</a></aside>",
        '<p><a href="mailto:archive@example.org" rel="noopener noreferrer">write</a></p>',
        '<table><thead><tr><th scope="col">Name</th><th colspan="2">Votes</th></tr></thead>'
        '<tbody><tr><td rowspan="2">Stalin</td><td>for</td><td>1</td></tr></tbody></table>',
        '<p>Seal: <span lang="ru">Совершенно секретно</span>, '
        '<span lang="ug-Arab" dir="rtl">شىنجاڭ</span></p>',
    ],
)
def test_allowed_markup_is_kept_unchanged(html):
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ('<img src="x" onerror="alert(1)">ok', "ok"),
        ('<p onclick="alert(1)" onmouseover="x()" class="c" style="color:red">ok</p>', "<p>ok</p>"),
        ('<a href="javascript:alert(1)">ok</a>', '<a rel="noopener noreferrer">ok</a>'),
        ('<a href=" JaVaScRiPt:alert(1)">ok</a>', '<a rel="noopener noreferrer">ok</a>'),
        (
            '<a href="data:text/html,<script>alert(1)</script>">ok</a>',
            '<a rel="noopener noreferrer">ok</a>',
        ),
        ('<a href="/admin/">ok</a>', '<a rel="noopener noreferrer">ok</a>'),
        ('<iframe src="https://evil.example/">x</iframe>ok', "ok"),
        ("<style>p{}</style><p>ok</p>", "<p>ok</p>"),
        ("<svg><script>alert(1)</script></svg>ok", "ok"),
        ('<form action="/"><input name="q"></form>ok', "ok"),
        ('<span lang="&quot;&gt;&lt;b" dir="sideways">ok</span>', "<span>ok</span>"),
        (
            '<table><tbody><tr><td colspan="100000">x</td></tr></tbody></table>',
            "<table><tbody><tr><td>x</td></tr></tbody></table>",
        ),
        ('<p id="1 bad">ok</p>', "<p>ok</p>"),
        ("<!-- internal note --><p>ok</p>", "<p>ok</p>"),
        ("o\x00k", "ok"),
        ("<h1>Title</h1><h6>Minor</h6>", "<h2>Title</h2><h4>Minor</h4>"),
        ("", ""),
        (None, ""),
    ],
)
def test_everything_else_is_stripped(html, expected):
    assert sanitize_html(html) == expected


def test_ids_are_namespaced_and_footnote_links_follow():
    html = (
        '<p id="main">Text<sup><a href="#fn1" id="fnref1">1</a></sup></p>'
        '<section><p id="fn1" name="fn1">The note. <a href="#fnref1" name="back">back</a></p>'
        '</section><p><a href="#document-title">title</a></p>'
    )
    assert sanitize_html(html) == (
        '<p id="text-main">Text<sup><a href="#text-fn1" id="text-fnref1" '
        'rel="noopener noreferrer">1</a></sup></p><section><p id="text-fn1">The note. '
        '<a href="#text-fnref1" rel="noopener noreferrer">back</a></p></section>'
        '<p><a href="#text-document-title" rel="noopener noreferrer">title</a></p>'
    )
    assert sanitize_html(sanitize_html(html)) == sanitize_html(html)


def test_a_translation_cannot_take_over_the_page_ids(client, db):
    doc = DocumentFactory(full_text='<p id="main">Hijack</p><p id="document-title">x</p>')
    html = client.get(doc.get_absolute_url()).content.decode()
    assert html.count('id="main"') == 1
    assert html.count('id="document-title"') == 1
    assert 'id="text-main"' in html


def test_sanitizing_is_idempotent():
    once = sanitize_html(HOSTILE)
    assert sanitize_html(once) == once


def test_full_and_original_text_are_sanitized_when_a_document_is_saved(db):
    doc = DocumentFactory(full_text=HOSTILE, original_text=HOSTILE)
    doc.refresh_from_db()
    for text in (doc.full_text, doc.original_text):
        assert "<script" not in text
        assert "alert" not in text
        assert "onerror" not in text
        assert "<img" not in text
        assert "onclick" not in text
        assert "javascript:" not in text
        assert "<iframe" not in text
        assert "<style" not in text
        assert "<p>Decision of the <em>Politburo</em></p>" in text
        assert "<p>Item 1</p>" in text


def test_html_to_text_gives_one_clean_line():
    html = (
        "<h2>Decision</h2><p>Soviet &amp; Xinjiang <em>trade</em>"
        '<sup><a href="#fn1">1</a></sup> agreement.</p><ul><li>Item</li></ul>'
        "<script>alert(1)</script><p>Last</p>"
    )
    assert html_to_text(html) == "Decision Soviet & Xinjiang trade agreement. Item Last"
    assert html_to_text("") == ""
    assert html_to_text(None) == ""


def test_template_filters_sanitize_and_flatten():
    rendered = Template(
        "{% load archive_html %}<div>{{ text|sanitized }}</div>"
        '<meta content="{{ text|plain_text }}">'
    ).render(Context({"text": '<p>A &amp; B</p><script>alert(1)</script>"'}))
    assert '<div><p>A &amp; B</p>"</div>' in rendered
    assert '<meta content="A &amp; B &quot;">' in rendered
    assert "<script" not in rendered


def test_document_page_renders_sanitized_text_and_never_a_script(client, db):
    doc = DocumentFactory(full_text=HOSTILE, original_text="<p>Постановление <b>ЦК</b></p>")
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "onerror" not in content
    assert "javascript:alert" not in content
    # The allowed markup is rendered as markup, not escaped.
    assert "Decision of the <em>Politburo</em>" in content


def test_document_page_does_not_render_raw_html_that_bypassed_save(client, db):
    """Bulk updates and fixtures skip `Document.save()`; the page must still not run it."""
    doc = DocumentFactory(full_text="<p>Clean</p>")
    Document.objects.filter(pk=doc.pk).update(full_text="<p>Bypassed</p><script>alert(1)</script>")
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "Bypassed" in content
