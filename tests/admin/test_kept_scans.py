"""A refused document form keeps the scans chosen for it: the next save does not ask for
them again (it used to fail with “This field is required” on every scan row)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.models import Document
from tests.admin_forms import form_data


def _png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def add_url():
    return reverse("admin:documents_document_add")


def test_scans_survive_a_refused_save(
    editor_client, add_url, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(editor_client.get(add_url))
    data.update(
        {
            "title": "Telegram",
            "date": "1941-02-30",  # no such day: the form is refused
            "scans-TOTAL_FORMS": "2",
            "scans-0-file": _png("page-1.png"),
            "scans-0-position": "1",
            "scans-1-file": _png("page-2.png"),
            "scans-1-position": "2",
        }
    )
    refused = editor_client.post(add_url, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Kept: page-1.png" in page and "Kept: page-2.png" in page
    kept = dict(re.findall(r'name="(scans-\d-kept_upload)" value="([^"]+)"', page))
    assert set(kept) == {"scans-0-kept_upload", "scans-1-kept_upload"}

    again = form_data(refused)
    again.update({"date": "1941-02", "scans-0-position": "1", "scans-1-position": "2", **kept})
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor_client.post(add_url, again)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    doc = Document.objects.get(title="Telegram")
    names = [s.file.name.rsplit("/", 1)[-1] for s in doc.scans.order_by("position")]
    assert names[0].startswith("page-1") and names[1].startswith("page-2")
    assert all(s.thumbnail for s in doc.scans.all())
    assert not list((tmp_path / "scans" / "kept").glob("*/*"))  # the kept copies are gone


def test_a_forged_kept_upload_is_refused(editor_client, add_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(editor_client.get(add_url))
    for forged in ["../../etc/passwd", "0" * 32 + "/../x.png", "nothing-here/page.png"]:
        data.update(
            {
                "title": "Telegram",
                "date": "1941-02",
                "scans-TOTAL_FORMS": "1",
                "scans-0-kept_upload": forged,
                "scans-0-position": "1",
            }
        )
        response = editor_client.post(add_url, data)
        assert response.status_code == 200, forged
        assert not Document.objects.exists()
