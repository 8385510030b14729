"""Translation and original side by side when a document has both (one at a time on a phone,
as the reader chooses: radio buttons and CSS, so no JavaScript is needed)."""

import re

import pytest

from tests.factories import DocumentFactory, LanguageFactory

pytestmark = pytest.mark.django_db

TRANSLATION = "<p>Point 137. Transfer ten NKVD officers to Xinjiang.</p>"
ORIGINAL = "<p>Пункт 137. Перевести в Синьцзян десять работников НКВД.</p>"


def page(client, doc) -> str:
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def radios(html: str) -> list[tuple[str, str]]:
    """(label, checked?) of the text-view choices, in order."""
    found = []
    for match in re.finditer(r'<input type="radio" name="text-view" id="([\w-]+)"[^>]*>', html):
        label = re.search(rf'<label for="{match.group(1)}">(.*?)</label>', html).group(1)
        found.append((label, "checked" in match.group(0)))
    return found


def test_both_texts_side_by_side_with_a_choice_for_narrow_screens(client):
    doc = DocumentFactory(full_text=TRANSLATION, original_text=ORIGINAL, summary="In short.")
    doc.original_languages.add(LanguageFactory(code="ru", name="Russian"))
    html = page(client, doc)
    texts = re.search(
        r'<section class="document-texts".*?</section>\s*</div>\s*</section>', html, re.S
    )
    assert texts, "the two texts share one section"
    block = texts.group(0)
    assert block.index("English translation</h3>") < block.index("Original text (Russian)</h3>")
    assert f'<div class="prose" lang="en">{TRANSLATION}</div>' in block
    assert f'<div class="prose" lang="ru">{ORIGINAL}</div>' in block
    assert radios(html) == [
        ("English translation", True),
        ("Original (Russian)", False),
        ("Both", False),
    ]
    assert "<legend>Show</legend>" in block
    # Above the two-column layout, so the texts have the page's width for two columns.
    assert html.index('class="document-texts"') < html.index('class="document-layout"')
    assert html.index("In short.") < html.index('class="document-texts"')
    assert html.count(TRANSLATION) == 1 and html.count(ORIGINAL) == 1


@pytest.mark.parametrize(
    ("fields", "heading"),
    [
        ({"full_text": TRANSLATION, "original_text": ""}, "English translation"),
        ({"full_text": "", "original_text": ORIGINAL}, "Original text"),
    ],
)
def test_one_text_alone_needs_no_choice(client, fields, heading):
    html = page(client, DocumentFactory(**fields))
    assert 'name="text-view"' not in html
    assert "document-texts" not in html
    assert f'">{heading}</h2>' in html


def test_no_text_says_so(client):
    html = page(client, DocumentFactory(full_text="", original_text=""))
    assert "No transcription or translation of this document is available yet." in html
    assert 'name="text-view"' not in html
