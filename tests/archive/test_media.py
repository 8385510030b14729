"""Uploaded files are never served straight from MEDIA_ROOT, in any settings: a scan of a
draft is reachable only through the view that checks who may see it."""

import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches
from PIL import Image

import archive.urls
from documents.models import Document
from documents.services.scans import add_scan
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return SimpleUploadedFile("draft-page.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def development_urls():
    """The root URLconf as it is built with DEBUG on (development settings)."""
    with override_settings(DEBUG=True):
        importlib.reload(archive.urls)
        clear_url_caches()
        yield
    importlib.reload(archive.urls)
    clear_url_caches()


def test_media_is_not_served_in_development(client, development_urls, settings):
    draft = DocumentFactory(status=Document.Status.DRAFT)
    scan = add_scan(draft, _png())
    assert (settings.MEDIA_ROOT / scan.file.name).exists()

    response = client.get(settings.MEDIA_URL + scan.file.name)
    assert response.status_code == 404
    assert client.get(settings.MEDIA_URL + scan.thumbnail.name).status_code == 404
    # The access-checked view still refuses the draft's scan to an anonymous reader...
    assert client.get(scan.get_file_url()).status_code == 404


def test_published_scans_are_served_through_the_checked_view_only(client, development_urls):
    doc = DocumentFactory()
    scan = add_scan(doc, _png())
    assert client.get(scan.get_file_url()).status_code == 200
    assert client.get("/media/" + scan.file.name).status_code == 404
