"""Stored text uses Unix newlines, so an unchanged textarea is not a change."""

from archive.curation.history import changes_between, versions_for
from documents.models import Document
from documents.services.documents import document_update
from tests.curation.test_locking import form_data
from tests.factories import DocumentFactory, PersonFactory, UserFactory


def test_crlf_from_a_browser_is_stored_as_lf(db):
    person = PersonFactory(variants="Ma Chung-ying\r\nMa-Jun-Ying\r马仲英")
    person.refresh_from_db()
    assert person.variants == "Ma Chung-ying\nMa-Jun-Ying\n马仲英"
    assert person.variant_list == ["Ma Chung-ying", "Ma-Jun-Ying", "马仲英"]


def test_the_document_service_stores_unix_newlines(db):
    doc = DocumentFactory(internal_notes="first line\nsecond line")
    editor = UserFactory(username="editor", is_staff=True, groups=["Editor"])
    document_update(
        document=doc, data={"internal_notes": "first line\r\nsecond line\rthird"}, user=editor
    )
    doc.refresh_from_db()
    assert doc.internal_notes == "first line\nsecond line\nthird"


def test_admin_save_of_an_untouched_textarea_changes_nothing(admin_client, db):
    doc = DocumentFactory(internal_notes="first line\nsecond line")
    url = f"/admin/documents/document/{doc.pk}/change/"
    data = form_data(admin_client.get(url))
    data["internal_notes"] = data["internal_notes"].replace("\n", "\r\n")  # as browsers send
    assert admin_client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert doc.internal_notes == "first line\nsecond line"
    assert changes_between(*versions_for(Document, doc.pk).order_by("pk")[:2]) == []
