"""History you can trust: only real changes are listed, and a merge is recorded on the
survivor and on every merged-away record, with who, when, what moved and an Undo."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from archive.curation.history import changed_labels, versions_for
from documents.models import Document, Scan
from documents.services import workflow
from people.merge.service import merge_entities
from people.models import Person
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_submitting_for_review_lists_only_the_status(archivist, media):
    doc = DocumentFactory(status=Document.Status.DRAFT)
    scan = Scan(document=doc, position=1, caption="Page 1")
    scan.file.save("page-1.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    # Dimensions are measured later (for IIIF), outside any recorded save.
    workflow.submit_for_review(doc, archivist, comment="Ready.")
    Scan.objects.filter(pk=scan.pk).update(width=1200, height=800)
    workflow.return_to_draft(doc, archivist, comment="Not yet.")
    versions = list(versions_for(Document, doc.pk))
    labels = changed_labels(Document, doc.pk, versions)
    assert labels[versions[-1].pk] == ["Status"]
    assert labels[versions[-2].pk] == ["Status"]


@pytest.fixture
def merged(editor):
    survivor = PersonFactory(name="Lavrentiy Beria")
    loser = PersonFactory(name="L. P. Beria")
    DocumentPersonFactory(document=DocumentFactory(), person=loser, role="author")
    DocumentPersonFactory(document=DocumentFactory(), person=loser, role="mentioned")
    result = merge_entities(survivor, [loser], user=editor)
    return survivor, loser.pk, result


def _history(client, pk):
    return client.get(reverse("admin:people_person_history", args=[pk]))


def test_the_survivors_history_says_what_the_merge_did_and_offers_the_undo(editor_client, merged):
    survivor, _loser_pk, result = merged
    page = _history(editor_client, survivor.pk).content.decode()
    assert "no field changed" not in page
    assert "Merged L. P. Beria into Lavrentiy Beria" in page
    assert "2 people in documents moved" in page
    assert "Other names" in page or "Variants" in page
    undo = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])
    assert f'href="{undo}"' in page
    assert "edith" in page


def test_the_losers_history_records_the_merge_with_its_undo(editor_client, merged):
    survivor, loser_pk, result = merged
    response = _history(editor_client, loser_pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Merged into Lavrentiy Beria" in page
    undo = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])
    assert f'href="{undo}"' in page


def test_reverting_to_before_the_merge_offers_the_undo_instead(editor_client, merged):
    survivor, _loser_pk, result = merged
    before = versions_for(Person, survivor.pk).get(revision=result.undo_revision)
    url = reverse("admin:people_person_revision", args=[survivor.pk, before.pk])
    response = editor_client.get(url)
    undo = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])
    assert (response.status_code, response["Location"]) == (302, undo)


def test_once_undone_the_history_no_longer_offers_the_undo(editor_client, merged):
    survivor, loser_pk, result = merged
    undo = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])
    assert editor_client.post(undo).status_code == 302
    page = _history(editor_client, survivor.pk).content.decode()
    assert f'href="{undo}"' not in page
    assert "Merge undone" in page or "Undid merge" in page
