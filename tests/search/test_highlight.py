"""Highlights mark exactly what the engine matched, in the original text, escaped."""

import re

from documents.search.engine import document_snippet, highlight, parse, snippet


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_matches_are_marked_in_the_original_spelling():
    assert marks(highlight(parse("Urumqi"), "Consulate in Ürümqi")) == ["Ürümqi"]
    assert marks(highlight(parse("reports"), "A report and two reports")) == ["report", "reports"]


def test_a_phrase_is_marked_as_one_stretch_and_excluded_words_not_at_all():
    text = "The secret cipher  unit of the consulate and its cipher clerks"
    assert marks(highlight(parse('"cipher unit"'), text)) == ["cipher  unit"]
    assert marks(highlight(parse("cipher -clerks"), text)) == ["cipher", "cipher"]


def test_everything_but_the_marks_is_escaped():
    html = highlight(parse("NKVD"), 'The NKVD & <script>alert("x")</script>')
    assert "<script>" not in html and "&amp;" in html and "&lt;script&gt;" in html
    assert set(re.findall(r"<(/?\w+)", html)) == {"mark", "/mark"}


def test_snippets_show_passages_around_matches_with_ellipses():
    words = [f"w{i}" for i in range(200)]
    words[100] = "Kashgar"
    text = " ".join(words)
    passage = snippet(parse("kashgar"), text)
    assert passage.startswith("… ") and passage.endswith(" …")
    assert marks(passage) == ["Kashgar"] and len(passage.split()) < 45
    assert snippet(parse("Ghulja"), text) is None


def test_document_snippet_reads_the_translation_without_its_markup():
    passage = document_snippet(
        parse("cipher"), "A summary.", "<p>The <em>cipher</em> unit &amp; clerks.</p>"
    )
    assert marks(passage) == ["cipher"] and "<em>" not in passage and "&amp;" in passage
