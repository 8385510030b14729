"""The scan viewer: the pages it steps through (images, then every page of each PDF) and the
access-checked page images it shows, as the server gives them."""

import io
import json

import pytest
from PIL import Image

from documents.models import Document, Scan
from documents.services.scans import add_scan, rebuild_thumbnail
from tests.factories import DocumentFactory
from tests.scan_files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def viewer_data(response) -> list[dict]:
    html = response.content.decode()
    start = html.index('<script id="scan-viewer-pages" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def page_image(client, url) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/jpeg"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


@pytest.fixture
def scanned():
    doc = DocumentFactory()
    first = add_scan(doc, png_upload("p1.png"), caption="Cover letter")
    pdf = add_scan(doc, pdf_upload(colors=("red", "blue", "white")), caption="Report")
    return doc, first, pdf


def test_viewer_lists_each_image_then_each_pdf_page_in_reading_order(client, scanned):
    doc, first, pdf = scanned
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    pages = viewer_data(response)
    assert [p["label"] for p in pages] == [
        "Cover letter",
        "Report, page 1 of 3",
        "Report, page 2 of 3",
        "Report, page 3 of 3",
    ]
    assert pages[0]["src"] == first.get_file_url()
    assert [p["src"] for p in pages[1:]] == [pdf.get_page_url(n) for n in (1, 2, 3)]
    html = response.content.decode()
    assert 'id="scan-viewer" hidden' in html  # shown by its script; hidden without JavaScript
    assert "Page 1 of 4: Cover letter" in html
    for name in ("Previous page", "Next page", "Zoom in", "Zoom out", "Fit page"):
        assert f">{name}</button>" in html
    # The gallery's thumbnails open their first page in the viewer.
    assert 'data-viewer-index="0"' in html and 'data-viewer-index="1"' in html
    assert "leaflet/leaflet.js" in html and "archive/js/scan_viewer.js" in html


def test_each_pdf_page_is_its_own_image(client, scanned):
    _, _, pdf = scanned
    colours = [page_image(client, pdf.get_page_url(n)).getpixel((50, 50)) for n in (1, 2, 3)]
    red, blue, white = colours
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60
    assert min(white) > 240
    image = page_image(client, pdf.get_page_url(1))
    assert max(image.size) == 2400  # the long side, enough to read a typescript zoomed in


@pytest.mark.parametrize("page", [0, 4, 999999])
def test_a_page_the_pdf_does_not_have_is_not_found(client, scanned, page):
    _, _, pdf = scanned
    url = f"/documents/{pdf.document.record_number}/scans/{pdf.pk}/pages/{page}"
    assert client.get(url).status_code == 404


def test_an_image_scan_has_no_pages(client, scanned):
    doc, first, _ = scanned
    url = f"/documents/{doc.record_number}/scans/{first.pk}/pages/1"
    assert client.get(url).status_code == 404


def test_pages_of_a_draft_are_for_staff_only_and_never_cached(client, admin_client, scanned):
    doc, _, pdf = scanned
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.DRAFT)
    assert client.get(pdf.get_page_url(1)).status_code == 404
    staff = admin_client.get(pdf.get_page_url(1))
    assert staff.status_code == 200
    assert "no-store" in staff["Cache-Control"]


def test_public_pages_may_be_cached(client, scanned):
    _, _, pdf = scanned
    assert "public" in client.get(pdf.get_page_url(2))["Cache-Control"]


def test_an_unreadable_or_missing_pdf_leaves_the_viewer_and_keeps_its_download(client, scanned):
    doc, first, pdf = scanned
    Scan.objects.filter(pk=pdf.pk).update(page_count=0, thumbnail="")
    pages = viewer_data(client.get(doc.get_absolute_url()))
    assert [p["label"] for p in pages] == ["Cover letter"]
    pdf.file.storage.delete(pdf.file.name)
    assert client.get(pdf.get_page_url(1)).status_code == 404
    html = client.get(doc.get_absolute_url()).content.decode()
    assert "Download the PDF" in html


def test_no_viewer_without_pages_it_can_show(client):
    doc = DocumentFactory()
    add_scan(doc, pdf_upload(), caption="Report")
    Scan.objects.filter(document=doc).update(page_count=0)
    html = client.get(doc.get_absolute_url()).content.decode()
    assert 'id="scan-viewer"' not in html
    assert "scan_viewer.js" not in html and "leaflet.js" not in html


def test_a_rendered_page_is_kept_and_a_replaced_file_gets_new_pages(client, scanned):
    doc, _, pdf = scanned
    first = client.get(pdf.get_page_url(1)).content
    stored = pdf.file.name
    # Kept: served again without reading the file.
    pdf.file.storage.delete(stored)
    assert client.get(pdf.get_page_url(1)).content == first
    # A new file (another stored name) shows its own pages, never the cached ones.
    # A replaced file, even under the same stored name, shows its own pages: every new file
    # passes through store_thumbnail (as the admin's replacement does), which renews them.
    pdf.file.storage.save(stored, pdf_upload(colors=("blue",)))
    rebuild_thumbnail(Scan.objects.get(pk=pdf.pk))
    assert Scan.objects.get(pk=pdf.pk).file.name == stored
    assert page_image(client, pdf.get_page_url(1)).getpixel((50, 50))[2] > 200
    # A page past the known count is refused without reading the file.
    assert client.get(pdf.get_page_url(2)).status_code == 404
