"""Change history: field-level diffs, revert with links, recovery of deleted records."""

import reversion
from django.urls import reverse
from reversion.models import Version

from archive.curation.history import changes_between, revert_to, versions_for
from documents.models import Document, DocumentPerson, Role, TaggedDocument
from documents.selectors import published_documents
from documents.services import workflow
from people.models import Person
from tests.admin_forms import change_url, form_data
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    PersonFactory,
    SubjectFactory,
)
from tests.roles import staff

Status = Document.Status


def _admin_url(name, *args):
    return reverse(f"admin:documents_document_{name}", args=args)


def _edited_document(client):
    """A document saved twice through the admin: first as imported (title, Beria as author,
    one subject), then retitled with Beria's link removed."""
    beria = PersonFactory(name="Lavrentiy Beria")
    doc = DocumentFactory(title="On the situation in Xinjiang", status=Status.DRAFT)
    DocumentPersonFactory(document=doc, person=beria, role=Role.AUTHOR)
    TaggedDocument.objects.create(content_object=doc, tag=SubjectFactory(name="Soviet aid"))
    url = change_url(doc)
    data = form_data(client.get(url))
    data["title"] = "On the situation in Sinkiang"
    data["summary"] = "NKVD report on the uprising in the south."
    data["person_links-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not doc.person_links.exists()
    return doc, beria


def test_history_lists_who_changed_what(editor_client):
    doc, _ = _edited_document(editor_client)
    page = editor_client.get(_admin_url("history", doc.pk)).content.decode()
    assert "edith" in page
    assert "Title, Summary, People" in page
    assert "As it was before its first recorded change." in page


def test_changes_page_shows_each_changed_field_old_and_new_including_links(editor_client):
    doc, _ = _edited_document(editor_client)
    latest = versions_for(Document, doc.pk).last()
    response = editor_client.get(_admin_url("history_changes", doc.pk, latest.pk))
    assert response.status_code == 200
    changes = {c.label: c for c in response.context["changes"]}
    assert set(changes) == {"Title", "Summary", "People"}
    assert changes["Title"].old == "On the situation in Xinjiang"
    assert changes["Title"].new == "On the situation in Sinkiang"
    assert changes["People"].removed == ["Lavrentiy Beria (Author)"]
    page = response.content.decode()
    assert "<del>Lavrentiy Beria (Author)</del>" in page
    assert "<ins>On the situation in Sinkiang</ins>" in page
    assert "Revert to this version" not in page  # it is the current one


def test_revert_in_the_admin_restores_title_and_person_link(editor_client):
    doc, beria = _edited_document(editor_client)
    first = versions_for(Document, doc.pk).first()
    url = _admin_url("revision", doc.pk, first.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reverting changes" in page and "Lavrentiy Beria (Author)" in page
    # The preview changed nothing.
    doc.refresh_from_db()
    assert doc.title == "On the situation in Sinkiang"

    response = editor_client.post(url, form_data(response))
    assert response.status_code == 302, response.content.decode()[:3000]
    doc.refresh_from_db()
    assert doc.title == "On the situation in Xinjiang"
    assert doc.summary == "A summary of the document."
    assert list(doc.person_links.values_list("person", "role")) == [(beria.pk, Role.AUTHOR)]
    assert list(doc.subjects.names()) == ["Soviet aid"]
    assert doc.version == 3  # forward from 2, not back to the old version's 1
    latest = versions_for(Document, doc.pk).last()
    assert latest.revision.user.username == "edith"
    assert "Reverted" in latest.revision.get_comment()


def test_revert_service_restores_links_removed_and_drops_links_added(db):
    editor = staff("Editor")
    doc = DocumentFactory(title="Old title")
    kept = DocumentPersonFactory(document=doc, role=Role.SIGNATORY).person
    with reversion.create_revision():
        doc.save()
    old = versions_for(Document, doc.pk).last()

    doc.title = "New title"
    with reversion.create_revision():
        doc.save()
        DocumentPerson.objects.filter(document=doc).delete()
        DocumentPersonFactory(document=doc, person=PersonFactory(name="Added later"))
    revert_to(old, user=editor)

    doc.refresh_from_db()
    assert doc.title == "Old title"
    assert [link.person for link in doc.person_links.all()] == [kept]
    changes = changes_between(old, versions_for(Document, doc.pk).last())
    assert changes == []


def test_a_deleted_document_can_be_recovered_with_its_links(editor_client):
    beria = PersonFactory(name="Lavrentiy Beria")
    doc = DocumentFactory(title="To be deleted", status=Status.DRAFT)
    DocumentPersonFactory(document=doc, person=beria, role=Role.RECIPIENT)
    pk, record_number = doc.pk, doc.record_number

    response = editor_client.post(_admin_url("delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=pk).exists()

    listing = editor_client.get(_admin_url("recoverlist"))
    assert "To be deleted" in listing.content.decode()
    version = Version.objects.get_deleted(Document).get(object_id=str(pk))
    url = _admin_url("recover", version.pk)
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302, response.content.decode()[:3000]

    doc = Document.objects.get(pk=pk)
    assert (doc.title, doc.record_number) == ("To be deleted", record_number)
    assert list(doc.person_links.values_list("person", "role")) == [(beria.pk, Role.RECIPIENT)]


def test_an_archivist_cannot_publish_by_reverting_or_recovering(client, db):
    archivist = staff("Archivist")
    editor = staff("Editor")
    doc = DocumentFactory(status=Status.DRAFT)
    workflow.publish(doc, editor)
    workflow.return_to_draft(doc, editor)
    published_version = [
        v for v in versions_for(Document, doc.pk) if v.field_dict["status"] == Status.PUBLISHED
    ][-1]
    client.force_login(archivist)
    url = _admin_url("revision", doc.pk, published_version.pk)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT

    # An editor deletes the published document; an archivist may bring it back, as a draft.
    workflow.publish(doc, editor)
    editor_client = type(client)()
    editor_client.force_login(editor)
    assert editor_client.post(_admin_url("delete", doc.pk), {"post": "yes"}).status_code == 302
    version = Version.objects.get_deleted(Document).get(object_id=str(doc.pk))
    assert version.field_dict["status"] == Status.PUBLISHED
    url = _admin_url("recover", version.pk)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = Document.objects.get(pk=doc.pk)
    assert doc.status == Status.DRAFT
    assert not published_documents().filter(pk=doc.pk).exists()


def test_person_history_and_changes(editor_client):
    person = PersonFactory(name="Ma Zhongying")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(editor_client.get(url))
    data["variants"] = "Ma Chung-ying\n马仲英"
    assert editor_client.post(url, data).status_code == 302
    latest = versions_for(Person, person.pk).last()
    response = editor_client.get(
        reverse("admin:people_person_history_changes", args=[person.pk, latest.pk])
    )
    assert [c.label for c in response.context["changes"]] == ["Variants"]
    assert "马仲英" in response.content.decode()


def test_history_page_queries_do_not_grow_with_versions(
    editor_client, django_assert_max_num_queries
):
    doc = DocumentFactory(status=Status.DRAFT)
    DocumentPersonFactory(document=doc)
    for n in range(12):
        doc.title = f"Title {n}"
        with reversion.create_revision():
            doc.save()
    with django_assert_max_num_queries(15):
        response = editor_client.get(_admin_url("history", doc.pk))
    assert response.status_code == 200
    assert response.content.decode().count(">Revert…<") == 11
