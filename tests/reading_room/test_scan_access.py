"""Scan files reach readers only through a view that checks the document is public."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.models import Document
from documents.services.scans import add_scan
from tests.factories import DocumentFactory


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    return SimpleUploadedFile("page-1.png", buffer.getvalue(), content_type="image/png")


def test_published_scan_and_thumbnail_are_served(client, db):
    doc = DocumentFactory()
    scan = add_scan(doc, _png(), caption="Page 1")
    base = f"/documents/{doc.record_number}/scans/{scan.pk}"
    file_response = client.get(f"{base}/file")
    assert file_response.status_code == 200
    assert file_response["Content-Type"] == "image/png"
    assert b"".join(file_response.streaming_content).startswith(b"\x89PNG")
    thumb = client.get(f"{base}/thumbnail")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"


def test_draft_scan_is_hidden_from_anonymous_readers_but_previewable_by_staff(
    client, admin_client, db
):
    doc = DocumentFactory(status=Document.Status.DRAFT)
    scan = add_scan(doc, _png())
    url = f"/documents/{doc.record_number}/scans/{scan.pk}/file"
    assert client.get(url).status_code == 404
    staff = admin_client.get(url)
    assert staff.status_code == 200
    assert "no-store" in staff["Cache-Control"]


def test_scan_of_another_document_is_not_found(client, db):
    doc, other = DocumentFactory(), DocumentFactory()
    scan = add_scan(doc, _png())
    assert client.get(f"/documents/{other.record_number}/scans/{scan.pk}/file").status_code == 404
