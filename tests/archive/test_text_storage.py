"""Stored text uses Unix newlines, so an unchanged textarea is not a change."""

from documents.models import Document
from tests.factories import DocumentFactory, PersonFactory


def test_crlf_from_a_browser_is_stored_as_lf(db):
    person = PersonFactory(variants="Ma Chung-ying\r\nMa-Jun-Ying\r马仲英")
    person.refresh_from_db()
    assert person.variants == "Ma Chung-ying\nMa-Jun-Ying\n马仲英"
    assert person.variant_list == ["Ma Chung-ying", "Ma-Jun-Ying", "马仲英"]


def test_admin_save_of_an_untouched_textarea_changes_nothing(admin_client, db):
    doc = DocumentFactory(internal_notes="first line\nsecond line")
    page = admin_client.get(f"/admin/documents/document/{doc.pk}/change/")
    assert page.status_code == 200
    Document.objects.filter(pk=doc.pk).update(internal_notes="first line\r\nsecond line")
    doc.refresh_from_db()
    doc.save()
    doc.refresh_from_db()
    assert doc.internal_notes == "first line\nsecond line"
