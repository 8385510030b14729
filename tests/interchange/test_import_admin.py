"""Import and export in the admin: upload, dry run, confirm; export actions and links."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from documents.interchange import exporting
from documents.models import (
    Document,
)
from tests.factories import (
    DocumentFactory,
    RepositoryFactory,
    UserFactory,
)
from tests.interchange.helpers import (
    _csv,
)

# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def archivist(db, client):
    user = UserFactory(username="archivist", is_staff=True)
    for codename in ("add_document", "change_document", "view_document"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return user


def test_admin_import_page_upload_dry_run_then_confirm(archivist, client):
    RepositoryFactory()
    changelist = client.get(reverse("admin:documents_document_changelist"))
    import_url = reverse("admin:documents_document_import")
    assert import_url in changelist.content.decode()

    upload = io.BytesIO(
        _csv(",Telegram to Beria,1945-11-03,RGASPI,Lavrentiy Beria (recipient),").encode()
    )
    upload.name = "telegrams.csv"
    page = client.post(import_url, {"file": upload})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Telegram to Beria" in html and "created" in html
    assert "New person: Lavrentiy Beria." in html
    assert Document.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    done = client.post(import_url, {"token": token, "confirm": "1"})

    assert done.status_code == 302
    doc = Document.objects.get()
    assert doc.person_links.get().person.name == "Lavrentiy Beria"
    assert doc.status == Document.Status.DRAFT
    replay = client.post(import_url, {"token": token, "confirm": "1"}, follow=True)
    assert "expired" in replay.content.decode()
    assert Document.objects.count() == 1


def test_admin_import_shows_rejections_without_confirm_button(archivist, client):
    upload = io.BytesIO(_csv(",No such archive,1945,Atlantis,,").encode())
    upload.name = "bad.csv"
    page = client.post(reverse("admin:documents_document_import"), {"file": upload})
    html = page.content.decode()
    assert "rejected" in html and "Unknown archive" in html
    assert 'name="token"' not in html


def test_admin_import_refuses_users_without_add_permission(db, client):
    user = UserFactory(username="reader", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(user)
    assert client.get(reverse("admin:documents_document_import")).status_code == 403


def test_admin_import_needs_the_change_permission_too(db, client):
    """An import updates existing documents, so adding alone is not enough."""
    user = UserFactory(username="adder", is_staff=True)
    for codename in ("add_document", "view_document"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    import_url = reverse("admin:documents_document_import")

    assert client.get(import_url).status_code == 403
    changelist = client.get(reverse("admin:documents_document_changelist"))
    assert changelist.status_code == 200 and import_url not in changelist.content.decode()


def test_admin_export_action_and_filtered_changelist_export(archivist, client):
    DocumentFactory(title="Published report")
    draft = DocumentFactory(title="Draft memo", status=Document.Status.DRAFT)
    changelist = reverse("admin:documents_document_changelist")

    action = client.post(
        changelist,
        {"action": "export_selected_json", "_selected_action": [draft.pk], "index": 0},
    )
    assert action.status_code == 200
    assert action["Content-Disposition"].startswith("attachment;")
    assert [d["title"] for d in json.loads(action.content)["documents"]] == ["Draft memo"]

    page = client.get(changelist, {"status__exact": "published"}).content.decode()
    link = re.search(r'href="([^"]*/export/\?[^"]*format=csv[^"]*)"', page).group(1)
    exported = client.get(link.replace("&amp;", "&"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [r["title"] for r in rows] == ["Published report"]
    assert (
        client.get(reverse("admin:documents_document_export"), {"format": "xml"}).status_code == 400
    )


def test_admin_offers_no_confirm_when_nothing_would_change(archivist, client):
    doc = DocumentFactory(title="Already here")
    stream = io.StringIO()
    exporting.write_csv(Document.objects.filter(pk=doc.pk), stream)
    upload = io.BytesIO(stream.getvalue().encode())
    upload.name = "same.csv"

    html = client.post(reverse("admin:documents_document_import"), {"file": upload}).content
    html = html.decode()

    assert "unchanged" in html and "nothing to import" in html
    assert 'name="token"' not in html


def test_admin_dry_run_shows_values_before_and_after_and_warnings(client, db):
    from tests.curation.test_locking import staff

    doc = DocumentFactory(title="Public report", summary="Old summary.")
    client.force_login(staff("Editor"))
    upload = io.BytesIO(
        f"record_number,summary,status\n{doc.record_number},New summary.,draft\n".encode()
    )
    upload.name = "edit.csv"

    html = client.post(reverse("admin:documents_document_import"), {"file": upload})
    html = html.content.decode()

    assert '<th scope="row">summary</th><td>Old summary.</td><td>New summary.</td>' in html
    assert "This row would unpublish the document (Published → Draft)" in html
    assert "1 row would unpublish a document or remove links" in html
    assert Document.objects.get(pk=doc.pk).summary == "Old summary."
