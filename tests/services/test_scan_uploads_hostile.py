"""Uploads are judged by their content, not their name: each hostile kind is refused with a
message the archivist can act on, and nothing is stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from documents.services.scans import add_scan
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def jpeg(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf(build=None) -> bytes:
    """A real one-page PDF written by pypdf, changed by `build(writer)` first."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _open_action(action: dict):
    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(k): (NameObject(v) if v.startswith("/") else TextStringObject(v))
             for k, v in action.items()}
        )  # fmt: skip

    return build


def refused(name, content) -> str:
    doc = DocumentFactory()
    with pytest.raises(ValidationError) as error:
        add_scan(doc, upload(name, content))
    assert not doc.scans.exists()
    return error.value.messages[0]


def test_html_dressed_as_a_pdf_is_refused():
    fake = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    assert "is damaged or is not a PDF at all" in refused("report.pdf", fake)


def test_pdf_with_javascript_run_on_opening_is_refused():
    content = pdf(_open_action({"/S": "/JavaScript", "/JS": "app.alert(1)"}))
    assert "runs an action when it is opened" in refused("report.pdf", content)


def test_pdf_with_document_level_javascript_is_refused():
    """Script in the catalog's name tree runs when a viewer opens the file."""

    def build(writer):
        script = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"),
             NameObject("/JS"): TextStringObject("app.alert('hello');")}
        )  # fmt: skip
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(names)}
        )

    assert "JavaScript" in refused("report.pdf", pdf(build))


def test_pdf_with_a_launch_action_is_refused():
    def build(writer):
        writer._root_object[NameObject("/AA")] = DictionaryObject(
            {NameObject("/WC"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"),
                 NameObject("/F"): TextStringObject("calc.exe")})}
        )  # fmt: skip

    assert "Launch action" in refused("report.pdf", pdf(build))


def test_pdf_with_an_embedded_file_is_refused():
    content = pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00"))
    assert "embedded files" in refused("report.pdf", content)


def test_pdf_header_must_come_first():
    assert "is not a PDF file" in refused("report.pdf", b"<html>x</html>\n" + pdf())


def test_a_plain_pdf_and_one_that_opens_at_its_first_page_are_accepted():
    doc = DocumentFactory()
    add_scan(doc, upload("plain.pdf", pdf()))

    def fit_first_page(writer):
        page = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    add_scan(doc, upload("fit.pdf", pdf(fit_first_page)))
    add_scan(doc, upload("goto.pdf", pdf(_open_action({"/S": "/GoTo", "/D": "/first"}))))
    assert doc.scans.count() == 3


def test_jpeg_with_html_appended_is_refused():
    polyglot = jpeg() + b"<html><script>alert(1)</script></html>"
    message = refused("page.jpg", polyglot)
    assert "web page code" in message


def test_jpeg_with_script_in_a_comment_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "JPEG", comment=b"<script>alert(1)</script>")
    assert "web page code" in refused("page.jpg", buffer.getvalue())


def test_169_megapixel_png_is_refused_before_it_is_decoded():
    """13,000 x 13,000 pixels in a file of about 160 KB: refused from its header."""
    buffer = io.BytesIO()
    Image.new("1", (13_000, 13_000), 0).save(buffer, "PNG", optimize=True)
    assert len(buffer.getvalue()) < 1024 * 1024
    message = refused("bomb.png", buffer.getvalue())
    assert "too many pixels" in message and "at most 60 megapixels" in message


def test_pixel_cap_comes_from_settings(settings):
    settings.SCAN_MAX_PIXELS = 100_000
    assert "at most 0.1 megapixels" in refused("page.jpg", jpeg((400, 300)))
    doc = DocumentFactory()
    add_scan(doc, upload("small.jpg", jpeg((300, 300))))
    assert doc.scans.count() == 1


def test_unknown_kinds_are_refused_whatever_they_contain():
    assert "not a supported scan type" in refused("page.html", b"<p>hello</p>")
    assert "not a supported scan type" in refused("page.svg", b"<svg></svg>")
    assert "not a supported scan type" in refused("page.gif", b"GIF89a")
