"""Shared helpers for the interoperability tests (OAI-PMH, IIIF, bulk downloads)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from PIL import Image

from documents.oai.protocol import DC_NS, OAI_NS
from tests.factories import UserFactory

NS = {"oai": OAI_NS, "dc": DC_NS}


@pytest.fixture
def editor(db):
    """A staff user in the Editor group (made by the roles migration): edits and publishes."""
    return UserFactory(is_staff=True, groups=["Editor"], username="editor")


@pytest.fixture
def oai(client):
    """`oai(verb=..., **args)` -> the parsed XML of a GET to /oai/, checked to be HTTP 200 XML."""

    def get(**params):
        if "from_" in params:
            params["from"] = params.pop("from_")
        response = client.get("/oai/", params)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        return etree.fromstring(response.content)

    return get


def error_codes(root) -> list[str]:
    return [e.get("code") for e in root.findall("oai:error", NS)]


def identifiers(root) -> list[str]:
    return [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)]


def image_upload(name="page-1.png", size=(400, 300), fmt="PNG", exif_orientation=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "white")
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(buffer, fmt, exif=exif)
    else:
        image.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf_upload(name="original.pdf"):
    """A real one-page PDF (Pillow writes it), so stricter upload checks accept it too."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
