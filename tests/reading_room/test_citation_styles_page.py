"""The document page lists every citation form, each ready to copy, without JavaScript."""

import re

import pytest
from django.core.cache import cache

from documents.models import Document
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

LABELS = ["The archive's form", "Chicago (note)", "Chicago (bibliography)", "MLA", "APA"]


def test_every_style_is_listed_with_a_copy_button(client):
    doc = DocumentFactory(title="Telegram from Kashgar", source_citation="RGASPI, f. 17")
    html = client.get(doc.get_absolute_url()).content.decode()
    labels = re.findall(r'<h3 class="cite-form__label" id="cite-([\w-]+)-label">([^<]+)</h3>', html)
    assert [label for _key, label in labels] == [label.replace("'", "&#x27;") for label in LABELS]
    for key, _label in labels:
        target = "citation-text" if key == "archive" else f"cite-{key}"
        assert f'id="{target}" aria-labelledby="cite-{key}-label"' in html
        assert f'data-copy-target="{target}" hidden>Copy<span class="visually-hidden">' in html
    assert html.count("Accessed ") + html.count("accessed ") + html.count("Retrieved ") >= 5
    assert 'Chicago (note)</h3>\n      <p class="cite-text"' in html


def test_forms_of_a_public_document_are_kept_and_a_preview_is_not(client, editor):
    doc = DocumentFactory(title="Telegram from Kashgar")
    client.get(doc.get_absolute_url())
    assert any(key.startswith(":1:archive:citing:") for key in cache._cache)
    cache.clear()
    draft = DocumentFactory(title="Draft telegram", status=Document.Status.DRAFT)
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert not any("citing:" in key for key in cache._cache)
