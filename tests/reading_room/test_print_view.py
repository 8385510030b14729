"""The print view of a document: its texts one after the other, its record, every citation form
with the date it was printed, and the permanent address; hidden documents stay hidden."""

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone

from documents.models import Document
from documents.services.scans import add_scan
from tests.factories import DocumentFactory, LanguageFactory
from tests.scan_files import pdf_upload

pytestmark = pytest.mark.django_db

TRANSLATION = "<p>Point 137. Transfer ten NKVD officers to Xinjiang.</p>"
ORIGINAL = "<p>Пункт 137. Перевести в Синьцзян десять работников НКВД.</p>"


def text(html: str) -> str:
    spaced = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return re.sub(r" ([.,])", r"\1", spaced)


@pytest.fixture
def doc():
    doc = DocumentFactory(
        title="Politburo Decision concerning Xinjiang",
        date_precision="day",
        date_earliest=datetime.date(1935, 3, 19),
        date_latest=datetime.date(1935, 3, 19),
        summary="The Politburo transfers NKVD members to Xinjiang.",
        full_text=TRANSLATION,
        original_text=ORIGINAL,
        source_citation="RGASPI, f. 17, op. 162, d. 17, l. 151",
    )
    doc.original_languages.add(LanguageFactory(code="ru", name="Russian"))
    add_scan(doc, pdf_upload(colors=("white", "white")), caption="Report")
    return doc


def print_page(client, doc) -> str:
    response = client.get(f"/documents/{doc.record_number}/print")
    assert response.status_code == 200
    return response.content.decode()


def test_the_print_view_has_the_document_and_every_citation(client, doc):
    html = print_page(client, doc)
    shown = text(html)
    assert '<h1 id="document-title">Politburo Decision concerning Xinjiang</h1>' in html
    assert '<time datetime="1935-03-19">March 19, 1935</time>' in html
    assert "The Politburo transfers NKVD members to Xinjiang." in shown
    # Both texts, one after the other (paper has no toggle), each in its language.
    assert html.index(TRANSLATION) < html.index(ORIGINAL)
    assert f'<div class="prose" lang="ru">{ORIGINAL}</div>' in html
    assert 'name="text-view"' not in html
    labels = [text(dt) for dt in re.findall(r"<dt>(.*?)</dt>", html.split('id="cite-heading"')[1])]
    assert labels == [
        "The archive's form",
        "Chicago (note)",
        "Chicago (bibliography)",
        "MLA",
        "APA",
    ]
    today = timezone.localdate()
    assert shown.count(f"Accessed {today:%B} {today.day}, {today.year}") >= 2
    assert "(RGASPI), f. 17, op. 162, d. 17, l. 151" in shown
    permalink = f"http://testserver{doc.get_absolute_url()}"
    assert f'Permanent address: <a href="{permalink}">{permalink}</a>' in html
    assert f"Printed from {settings_name()} on {today:%B} {today.day}, {today.year}." in shown
    assert "1 scan of the original at the permanent address." in shown
    # What paper cannot use is left out: the viewer, the gallery, copy buttons, downloads.
    for absent in ('id="scan-viewer"', "scan-gallery", "data-copy-target", "cite.bib", "Related"):
        assert absent not in html, absent
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="{permalink}">' in html
    assert "archive/js/print.js" in html and "data-print hidden" in html


def settings_name() -> str:
    from django.conf import settings

    return settings.ARCHIVE_NAME


def test_the_document_page_links_to_its_print_view(client, doc):
    html = client.get(doc.get_absolute_url()).content.decode()
    assert f'<a href="/documents/{doc.record_number}/print">Print view' in html


def test_a_hidden_document_has_no_print_view_but_staff_preview_it(client, admin_client, doc):
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.DRAFT)
    assert client.get(f"/documents/{doc.record_number}/print").status_code == 404
    response = admin_client.get(f"/documents/{doc.record_number}/print")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert "Preview." in response.content.decode()


@pytest.mark.parametrize("address", ["/documents/999999/print", "/documents/0/print"])
def test_unknown_records_have_no_print_view(client, address):
    assert client.get(address).status_code == 404
