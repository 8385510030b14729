"""Scans: checked uploads, thumbnails, order, the public gallery, and media storage settings."""

import importlib
import io
import sys

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.test import RequestFactory
from PIL import Image

from documents.admin.scans import ScanInline
from documents.models import Document, Scan
from documents.services.scans import add_scan, ensure_page_counts, rebuild_thumbnail
from tests.factories import DocumentFactory

# The smallest well-formed PDF: header, one empty page, cross-reference table, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def image_bytes(fmt="PNG", size=(1200, 800), mode="RGB", color="red"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name="page-1.png", **kwargs):
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def open_stored(name):
    with default_storage.open(name, "rb") as stored:
        image = Image.open(stored)
        image.load()
        return image


@pytest.fixture
def inline_formset(rf_superuser):
    """Bind the admin inline's formset, built exactly as the document admin builds it.

    `rows` lists every form in order: existing scans first (with their `id`), then new ones.
    """

    def build(document, rows):
        formset_class = ScanInline(Document, admin.site).get_formset(rf_superuser, obj=document)
        prefix = formset_class.get_default_prefix()
        data = {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(sum("id" in row for row in rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        files = {}
        for index, row in enumerate(rows):
            for field, value in row.items():
                if field == "file":
                    files[f"{prefix}-{index}-file"] = value
                else:
                    data[f"{prefix}-{index}-{field}"] = str(value)
        return formset_class(data, files, instance=document, prefix=prefix)

    return build


@pytest.fixture
def rf_superuser(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


def test_thumbnail_is_made_when_a_png_is_uploaded(db):
    doc = DocumentFactory()
    scan = add_scan(doc, png(), caption="Page 1 (recto)")
    scan.refresh_from_db()
    assert scan.file.name.startswith(f"scans/{doc.record_number}/")
    assert default_storage.exists(scan.file.name)
    assert scan.thumbnail.name.startswith(f"scans/{doc.record_number}/thumbs/")
    thumbnail = open_stored(scan.thumbnail.name)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (300, 200)


def test_upload_through_the_admin_inline_makes_a_thumbnail(db, inline_formset):
    doc = DocumentFactory()
    formset = inline_formset(doc, [{"file": png("p1.png"), "caption": "Page 1", "position": 0}])
    assert formset.is_valid(), formset.errors
    formset.save()
    scan = doc.scans.get()
    assert scan.caption == "Page 1"
    assert open_stored(scan.thumbnail.name).size == (300, 200)


def test_admin_inline_shows_preview_and_orders_by_position(db, rf_superuser):
    doc = DocumentFactory()
    second = add_scan(doc, png("b.png"), caption="Second", position=2)
    first = add_scan(doc, png("a.png"), caption="First", position=1)
    inline = ScanInline(Document, admin.site)
    assert inline.extra == 0
    assert list(inline.get_queryset(rf_superuser).filter(document=doc)) == [first, second]
    assert "preview" in inline.get_readonly_fields(rf_superuser, doc)
    preview = inline.preview(first)
    assert f'src="{first.get_thumbnail_url()}"' in preview
    assert f'href="{first.get_file_url()}"' in preview


def test_admin_inline_refuses_a_non_image_named_png(db, inline_formset):
    doc = DocumentFactory()
    fake = upload("page-1.png", b"This is a text file, not a picture.\n", "image/png")
    formset = inline_formset(doc, [{"file": fake, "caption": "Page 1", "position": 0}])
    assert not formset.is_valid()
    assert "“page-1.png” is not a readable PNG image" in str(formset.errors)
    assert not doc.scans.exists()


def test_non_image_with_png_extension_is_rejected(db):
    doc = DocumentFactory()
    with pytest.raises(ValidationError) as refused:
        add_scan(doc, upload("page.png", b"%PDF-1.4 not an image", "image/png"))
    assert "not a readable PNG image" in refused.value.messages[0]
    assert not Scan.objects.filter(document=doc).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.gif", image_bytes("GIF"), "not a supported scan type"),
        ("scan.exe", b"MZ\x90\x00", "not a supported scan type"),
        ("noextension", image_bytes("PNG"), "not a supported scan type"),
        ("scan.jpg", image_bytes("PNG"), "is a PNG image but its name says JPEG"),
        ("truncated.png", image_bytes("PNG")[:200], "not a readable PNG image"),
        ("scan.pdf", b"<html>not a pdf</html>", "is not a PDF file"),
        ("cut.pdf", MINIMAL_PDF[:120], "looks cut short"),
        ("empty.png", b"", "is empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(db, name, content, message):
    doc = DocumentFactory()
    with pytest.raises(ValidationError) as refused:
        add_scan(doc, upload(name, content))
    assert message in refused.value.messages[0]
    assert not doc.scans.exists()


def test_uploads_over_the_size_limit_are_refused(db, settings):
    settings.SCAN_MAX_UPLOAD_MB = 1
    doc = DocumentFactory()
    big = upload("big.pdf", MINIMAL_PDF + b"%" * (1024 * 1024) + b"\n%%EOF\n")
    with pytest.raises(ValidationError) as refused:
        add_scan(doc, big)
    assert "scans may be at most 1 MB" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "fmt", "mode", "color"),
    [
        ("page.jpg", "JPEG", "RGB", "blue"),
        ("page.jpeg", "JPEG", "L", 128),
        ("page.tif", "TIFF", "I;16", 40000),
        ("page.tiff", "TIFF", "CMYK", (0, 0, 0, 0)),
        ("page.webp", "WEBP", "RGB", "green"),
        ("page.png", "PNG", "RGBA", (0, 0, 0, 0)),
        ("page.png", "PNG", "1", 1),
    ],
)
def test_every_supported_image_format_gets_a_jpeg_thumbnail(db, name, fmt, mode, color):
    doc = DocumentFactory()
    scan = add_scan(doc, upload(name, image_bytes(fmt, (600, 900), mode, color)))
    thumbnail = open_stored(scan.thumbnail.name)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (300, 450)
    if mode == "RGBA":  # transparency is flattened on white, not black
        assert thumbnail.convert("RGB").getpixel((10, 10)) > (250, 250, 250)


def test_pdf_gets_its_first_page_as_thumbnail_and_a_label_said_once(db):
    """Issue 10: a PDF was labelled "PDF Download PDF (10.0 KB)" and had no thumbnail."""
    doc = DocumentFactory()
    scan = add_scan(doc, upload("report.pdf", MINIMAL_PDF, "application/pdf"), caption="Report")
    scan.refresh_from_db()
    assert scan.file.name.endswith(".pdf")
    assert scan.page_count == 1
    thumbnail = open_stored(scan.thumbnail.name)
    assert thumbnail.format == "JPEG"
    # The first page (US Letter, 612 x 792 points, blank) at the gallery's width, on white.
    assert thumbnail.size == (300, 388)
    assert thumbnail.convert("RGB").getpixel((150, 200)) > (250, 250, 250)
    html = render_to_string("documents/_scans.html", {"scans": doc.scans.all()})
    assert f'src="{scan.get_thumbnail_url()}"' in html
    assert 'alt="First page of the PDF: Report"' in html
    assert f"PDF, 1 page, {filesizeformat(len(MINIMAL_PDF))}" in html
    assert f'href="{scan.get_file_url()}" type="application/pdf" download' in html
    assert "Download the PDF" in html
    assert "PDF Download" not in html and "Download PDF" not in html
    assert ">Report</span>" in html


def test_a_pdf_without_thumbnail_is_a_card_with_a_plain_download_link(db):
    doc = DocumentFactory()
    scan = add_scan(doc, upload("report.pdf", MINIMAL_PDF, "application/pdf"), caption="Report")
    Scan.objects.filter(pk=scan.pk).update(thumbnail="")  # as PDFs uploaded before thumbnails
    html = render_to_string("documents/_scans.html", {"scans": doc.scans.all()})
    assert "<img" not in html
    assert 'class="scan-file scan-pdf-card"' in html
    assert html.count("Download the PDF") == 1
    assert "PDF Download" not in html


def test_gallery_lists_scans_by_position_with_thumbnails_linking_to_files(db):
    doc = DocumentFactory()
    add_scan(doc, png("c.png"), caption="Third page", position=3)
    add_scan(doc, png("a.png"), caption="First page", position=1)
    add_scan(doc, png("b.png"), caption="Second page", position=2)
    scans = list(doc.scans.all())
    assert [s.caption for s in scans] == ["First page", "Second page", "Third page"]
    html = render_to_string("documents/_scans.html", {"scans": doc.scans.all()})
    assert html.index("First page") < html.index("Second page") < html.index("Third page")
    for scan in scans:
        assert f'<a class="scan-file" href="{scan.get_file_url()}">' in html
        assert f'src="{scan.get_thumbnail_url()}"' in html
        assert f'alt="Full-size image: {scan.caption}"' in html


def test_new_scans_go_after_the_last_one(db):
    doc = DocumentFactory()
    add_scan(doc, png(), position=5)
    assert add_scan(doc, png()).position == 6


def test_gallery_is_empty_without_scans_and_survives_a_missing_file(db):
    assert render_to_string("documents/_scans.html", {"scans": []}).strip() == ""
    doc = DocumentFactory()
    scan = add_scan(doc, upload("lost.pdf", MINIMAL_PDF))
    default_storage.delete(scan.file.name)
    html = render_to_string("documents/_scans.html", {"scans": doc.scans.all()})
    assert "Download the PDF" in html
    assert "PDF, 1 page</span>" in html  # no size for a file storage cannot find


def test_replacing_a_file_replaces_its_thumbnail(
    db, inline_formset, django_capture_on_commit_callbacks
):
    doc = DocumentFactory()
    scan = add_scan(doc, png("old.png"), caption="Page 1")
    old_thumbnail = scan.thumbnail.name
    formset = inline_formset(
        doc,
        [
            {
                "id": scan.pk,
                "file": png("new.png", size=(400, 800)),
                "caption": "Page 1",
                "position": 0,
            }
        ],
    )
    assert formset.is_valid(), formset.errors
    with django_capture_on_commit_callbacks(execute=True):
        formset.save()
    scan.refresh_from_db()
    assert scan.thumbnail.name != old_thumbnail
    assert open_stored(scan.thumbnail.name).size == (300, 600)
    assert not default_storage.exists(old_thumbnail)


def test_rebuild_thumbnail_from_the_stored_file(db):
    doc = DocumentFactory()
    scan = add_scan(doc, png())
    Scan.objects.filter(pk=scan.pk).update(thumbnail="")
    scan.refresh_from_db()
    rebuild_thumbnail(scan)
    scan.refresh_from_db()
    assert open_stored(scan.thumbnail.name).size == (300, 200)


def test_document_page_shows_the_scans(client, db):
    doc = DocumentFactory()
    scan = add_scan(doc, png(), caption="Page 1 (recto)")
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{scan.get_file_url()}"' in content
    assert "Page 1 (recto)" in content


def _production_settings(monkeypatch, **env):
    for name in ("MEDIA_STORAGE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("ALLOWED_HOSTS", "archive.example.org")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Fresh modules read the environment again; monkeypatch puts the originals back.
    monkeypatch.delitem(sys.modules, "archive.settings.base", raising=False)
    monkeypatch.delitem(sys.modules, "archive.settings.production", raising=False)
    return importlib.import_module("archive.settings.production")


def test_production_media_is_local_unless_a_bucket_is_set(monkeypatch):
    production = _production_settings(monkeypatch)
    assert production.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def test_production_media_goes_to_s3_when_a_bucket_is_set(monkeypatch):
    production = _production_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="archive-media",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
    )
    default = production.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "archive-media"
    assert default["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert default["OPTIONS"]["file_overwrite"] is False
    assert default["OPTIONS"]["querystring_auth"] is True
    assert production.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise")


def test_production_refuses_s3_without_a_bucket(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        _production_settings(monkeypatch, MEDIA_STORAGE="s3")


def test_pdfs_from_before_thumbnails_get_them_from_the_command(db):
    doc = DocumentFactory()
    scan = add_scan(doc, upload("old.pdf", MINIMAL_PDF, "application/pdf"))
    Scan.objects.filter(pk=scan.pk).update(thumbnail="", page_count=None)
    out = io.StringIO()
    call_command("pdf_thumbnails", stdout=out)
    scan.refresh_from_db()
    assert open_stored(scan.thumbnail.name).size == (300, 388)
    assert scan.page_count == 1
    assert "1 PDF thumbnail(s) made" in out.getvalue()


def test_page_counts_of_older_pdfs_are_counted_once_when_shown(db):
    doc = DocumentFactory()
    scan = add_scan(doc, upload("old.pdf", MINIMAL_PDF, "application/pdf"))
    Scan.objects.filter(pk=scan.pk).update(page_count=None)
    scans = list(doc.scans.all())
    ensure_page_counts(scans)
    assert scans[0].page_count == 1
    assert Scan.objects.get(pk=scan.pk).page_count == 1
