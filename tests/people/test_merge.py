"""Merging duplicate people, organizations, places and subjects, through the admin and the
service, and undoing a merge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from documents.models import Document, DocumentPerson, Subject, TaggedDocument
from documents.selectors import published_documents
from people.merge import MergeError, merge_entities, resolve_former_slug, undo_merge
from people.models import FormerSlug, Organization, Person
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    OrganizationFactory,
    PersonFactory,
    SubjectFactory,
)
from tests.roles import staff_with_permissions


@pytest.fixture
def duplicates(db):
    """Ma Zhongying twice: both authored d1 (a duplicate link once merged); the loser alone is
    mentioned in d2 and signed d3."""
    survivor = PersonFactory(
        name="Ma Zhongying", slug="ma-zhongying", variants="马仲英", description="Hui warlord."
    )
    loser = PersonFactory(
        name="Ma Chung-ying",
        slug="ma-chung-ying",
        variants="Big Horse\n马仲英",
        description="Commander of the 36th Division.",
        birth="1910",
    )
    d1, d2, d3 = DocumentFactory.create_batch(3)
    DocumentPersonFactory(document=d1, person=survivor, role="author")
    DocumentPersonFactory(document=d1, person=loser, role="author")
    DocumentPersonFactory(document=d2, person=loser, role="mentioned", note="As “Big Horse”.")
    DocumentPersonFactory(document=d3, person=loser, role="signatory")
    return survivor, loser, (d1, d2, d3)


def _links(person):
    return sorted(
        DocumentPerson.objects.filter(person=person).values_list("document_id", "role", "note")
    )


def test_admin_merge_end_to_end(client, editor, duplicates):
    survivor, loser, (d1, d2, d3) = duplicates
    client.force_login(editor)
    url = reverse("admin:people_person_changelist")
    selection = {"action": "merge_selected", "_selected_action": [survivor.pk, loser.pk]}

    confirm = client.post(url, selection)

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Choose the person to keep" in page
    assert "Ma Chung-ying" in page and "Big Horse" in page
    assert "People in documents: <strong>3</strong> (Author 1, Mentioned 1, Signatory 1)" in page
    assert "People in documents: <strong>1</strong> (Author 1)" in page
    assert Person.objects.filter(pk=loser.pk).exists()  # nothing happens before confirming

    done = client.post(url, {**selection, "post": "yes", "survivor": survivor.pk}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:people_person_change", args=[survivor.pk])
    assert "Undo this merge" in done.content.decode()
    assert not Person.objects.filter(pk=loser.pk).exists()
    survivor.refresh_from_db()
    assert _links(survivor) == [
        (d1.pk, "author", ""),
        (d2.pk, "mentioned", "As “Big Horse”."),
        (d3.pk, "signatory", ""),
    ]
    assert survivor.variant_list == ["马仲英", "Ma Chung-ying", "Big Horse"]
    assert survivor.description == "Hui warlord.\n\nCommander of the 36th Division."
    assert survivor.birth == "1910"  # blank on the survivor, filled from the loser
    assert resolve_former_slug(Person, "ma-chung-ying") == survivor
    assert FormerSlug.objects.filter(slug="ma-chung-ying", object_id=survivor.pk).count() == 1
    old_page = client.get(reverse("person_detail", args=["ma-chung-ying"]))
    assert (old_page.status_code, old_page["Location"]) == (301, survivor.get_absolute_url())
    revision = Revision.objects.get(comment="Merged Ma Chung-ying into Ma Zhongying")
    assert revision.user == editor
    # The loser's documents are now found by the survivor's name.
    found = published_documents().search("zhongying")
    assert set(found) == {d1, d2, d3}


def test_confirmation_requires_a_choice_of_survivor(client, editor, duplicates):
    survivor, loser, _ = duplicates
    client.force_login(editor)
    response = client.post(
        reverse("admin:people_person_changelist"),
        {"action": "merge_selected", "_selected_action": [survivor.pk, loser.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "Choose the person to keep." in response.content.decode()
    assert Person.objects.filter(pk__in=[survivor.pk, loser.pk]).count() == 2


def test_one_record_is_not_a_merge(client, editor, duplicates):
    survivor, _, _ = duplicates
    client.force_login(editor)
    response = client.post(
        reverse("admin:people_person_changelist"),
        {"action": "merge_selected", "_selected_action": [survivor.pk]},
        follow=True,
    )
    assert "Select two or more people to merge." in response.content.decode()


def test_without_merge_permission_the_action_is_neither_offered_nor_done(client, duplicates):
    survivor, loser, _ = duplicates
    archivist = staff_with_permissions("view_person", "change_person", "delete_person")
    client.force_login(archivist)
    url = reverse("admin:people_person_changelist")

    listing = client.get(url)
    assert listing.status_code == 200
    choices = [name for name, _ in listing.context["action_form"].fields["action"].choices]
    assert "delete_selected" in choices and "merge_selected" not in choices

    client.post(
        url,
        {
            "action": "merge_selected",
            "_selected_action": [survivor.pk, loser.pk],
            "post": "yes",
            "survivor": survivor.pk,
        },
    )
    assert Person.objects.filter(pk__in=[survivor.pk, loser.pk]).count() == 2
    assert DocumentPerson.objects.filter(person=loser).count() == 3
    assert not FormerSlug.objects.exists()

    # Nor can they undo someone else's merge.
    result = merge_entities(survivor, [loser])
    undo_url = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])
    assert client.post(undo_url).status_code == 403
    assert not Person.objects.filter(pk=loser.pk).exists()


def test_undo_restores_the_losers_and_their_links(client, editor, duplicates):
    survivor, loser, (d1, d2, d3) = duplicates
    before_survivor, before_loser = _links(survivor), _links(loser)
    result = merge_entities(survivor, [loser], user=editor)
    client.force_login(editor)
    undo_url = reverse("admin:people_person_merge_undo", args=[result.undo_revision.pk])

    page = client.get(undo_url)
    assert page.status_code == 200
    assert "Ma Chung-ying" in page.content.decode()

    done = client.post(undo_url, follow=True)

    assert "Merge undone: “Ma Chung-ying” restored" in done.content.decode()
    restored = Person.objects.get(pk=loser.pk)
    assert (restored.name, restored.slug, restored.variants, restored.birth) == (
        "Ma Chung-ying",
        "ma-chung-ying",
        "Big Horse\n马仲英",
        "1910",
    )
    survivor.refresh_from_db()
    assert survivor.variants == "马仲英" and survivor.description == "Hui warlord."
    assert survivor.birth == ""
    # Every link is back where it was, including the one collapsed as a duplicate.
    assert _links(survivor) == before_survivor
    assert _links(restored) == before_loser
    assert resolve_former_slug(Person, "ma-chung-ying") is None
    assert Revision.objects.filter(comment="Undid merge: Ma Chung-ying into Ma Zhongying").exists()
    assert set(Document.objects.search("zhongying")) == {d1}

    again = client.post(undo_url, follow=True)
    assert "already been undone" in again.content.decode()
    assert Person.objects.filter(name="Ma Chung-ying").count() == 1


def test_undo_is_found_from_the_merge_revision(duplicates):
    from people.merge import find_undo_point

    survivor, loser, _ = duplicates
    result = merge_entities(survivor, [loser])
    merge_revision = Revision.objects.get(comment="Merged Ma Chung-ying into Ma Zhongying")
    assert find_undo_point(merge_revision) == result.undo_revision
    undo_merge(find_undo_point(merge_revision))
    assert Person.objects.filter(pk=loser.pk).exists()


def test_losers_former_slugs_follow_them_to_the_survivor(duplicates):
    survivor, loser, _ = duplicates
    loser.slug = "ma-chung-ying-1910"
    loser.save()  # "ma-chung-ying" becomes a former slug of the loser
    merge_entities(survivor, [loser])
    assert resolve_former_slug(Person, "ma-chung-ying") == survivor
    assert resolve_former_slug(Person, "ma-chung-ying-1910") == survivor


def test_three_way_merge_collapses_links_shared_by_two_losers(db):
    survivor, first, second = PersonFactory.create_batch(3)
    document = DocumentFactory()
    DocumentPersonFactory(document=document, person=first, role="recipient")
    DocumentPersonFactory(document=document, person=second, role="recipient")
    DocumentPersonFactory(document=document, person=second, role="author")

    result = merge_entities(survivor, [first, second])

    assert _links(survivor) == [(document.pk, "author", ""), (document.pk, "recipient", "")]
    assert sum(result.collapsed.values()) == 1
    assert survivor.__class__.objects.count() == 1


def test_merging_organizations_moves_their_children(db):
    central = OrganizationFactory(name="Central Committee")
    duplicate = OrganizationFactory(name="CC VKP(b)", abbreviation="CC")
    politburo = OrganizationFactory(name="Politburo", parent=duplicate)
    central.parent = duplicate  # the survivor sits under the duplicate: it must climb out
    central.save()

    merge_entities(central, [duplicate])

    central.refresh_from_db()
    politburo.refresh_from_db()
    assert politburo.parent == central
    assert central.parent is None
    assert central.abbreviation == "CC"
    assert "CC VKP(b)" in central.variant_list


def test_a_merge_that_would_make_a_cycle_is_refused(db):
    loser = OrganizationFactory(name="NKVD (duplicate)")
    middle = OrganizationFactory(name="Foreign Department", parent=loser)
    survivor = OrganizationFactory(name="NKVD", parent=middle)
    with pytest.raises(MergeError, match="Foreign Department"):
        merge_entities(survivor, [loser])
    assert Organization.objects.filter(pk=loser.pk).exists()


def test_merging_subjects_moves_taggings(db):
    survivor = SubjectFactory(name="Soviet–Xinjiang relations")
    loser = SubjectFactory(name="Soviet-Xinjiang relations", description="Trade and arms.")
    both, only_loser = DocumentFactory.create_batch(2)
    both.subjects.add(survivor, loser)
    only_loser.subjects.add(loser)

    merge_entities(survivor, [loser])

    assert not Subject.objects.filter(pk=loser.pk).exists()
    assert sorted(
        TaggedDocument.objects.filter(tag=survivor).values_list("content_object_id", flat=True)
    ) == sorted([both.pk, only_loser.pk])
    survivor.refresh_from_db()
    assert survivor.description == "Trade and arms."
    assert resolve_former_slug(Subject, loser.slug) == survivor


def _bulk_corpus(survivor, loser, count, shared):
    """`count` undated drafts linked to the loser, the first `shared` also to the survivor."""
    documents = Document.objects.bulk_create(
        Document(title=f"Report {i}", date_precision="undated") for i in range(count)
    )
    assert all(d.record_number for d in documents)  # the sequence default came back
    DocumentPerson.objects.bulk_create(
        [DocumentPerson(document=d, person=loser, role="mentioned") for d in documents]
        + [
            DocumentPerson(document=d, person=survivor, role="mentioned")
            for d in documents[:shared]
        ]
    )


def _merge_queries(count, shared):
    survivor, loser = PersonFactory.create_batch(2)
    _bulk_corpus(survivor, loser, count, shared)
    with CaptureQueriesContext(connection) as queries:
        merge_entities(survivor, [loser])
    return survivor, len(queries)


def test_merging_ten_thousand_links_takes_a_fixed_number_of_queries(
    db, django_assert_max_num_queries
):
    _, small = _merge_queries(10, 2)
    survivor, loser = PersonFactory.create_batch(2, name="Sheng Shicai")
    _bulk_corpus(survivor, loser, 10_000, 100)

    with django_assert_max_num_queries(small):
        merge_entities(survivor, [loser])

    assert DocumentPerson.objects.filter(person=survivor).count() == 10_000
    assert not DocumentPerson.objects.filter(person_id=loser.pk).exists()
    assert not Person.objects.filter(pk=loser.pk).exists()
    assert small < 40


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:people_person_changelist",
        "admin:people_organization_changelist",
        "admin:people_place_changelist",
        "admin:documents_subject_changelist",
    ],
)
def test_every_entity_changelist_offers_the_merge(client, superuser, changelist):
    client.force_login(superuser)
    response = client.get(reverse(changelist))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert choices["merge_selected"].startswith("Merge selected ")


def test_subject_merge_through_the_admin(client, db):
    editor = staff_with_permissions("view_subject", "change_subject", "merge_subject")
    keep, drop = SubjectFactory(name="Arms supplies"), SubjectFactory(name="Arms deliveries")
    document = DocumentFactory()
    document.subjects.add(drop)
    client.force_login(editor)
    url = reverse("admin:documents_subject_changelist")
    selection = {"action": "merge_selected", "_selected_action": [keep.pk, drop.pk]}

    assert "Tagged documents: <strong>1</strong>" in client.post(url, selection).content.decode()
    client.post(url, {**selection, "post": "yes", "survivor": keep.pk})

    assert list(document.subjects.all()) == [keep]
    assert set(Document.objects.search("deliveries")) == set()
    assert set(Document.objects.search("supplies")) == {document}


def test_undo_address_of_something_else_is_not_found(client, editor, duplicates):
    survivor, _, _ = duplicates
    client.force_login(editor)
    revision = Revision.objects.create(date_created=timezone.now(), comment="Changed the name.")
    url = reverse("admin:people_person_merge_undo", args=[revision.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("admin:people_person_merge_undo", args=[10**9])).status_code == 404
