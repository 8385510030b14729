"""Role-qualified links in the index: the engine's role filter and counts, and a changed
role reaching the index through the outbox like any other change."""

import pytest

from documents.models import DocumentPerson, Role
from documents.search.engine import SearchRequest, role_counts, search
from documents.search.engine import schema as f
from tests.factories import DocumentPersonFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_index_knows_every_role_the_models_allow():
    assert set(f.ROLES) == set(Role.values)
    assert f.role_key(5, "author") != f.role_key(5, "mentioned") != f.role_key(6, "author")
    with pytest.raises(ValueError):
        f.role_key(5, "emperor")


def test_role_filter_and_counts_within_a_person():
    person = PersonFactory()
    author = DocumentPersonFactory(person=person, role="author").document
    DocumentPersonFactory(person=person, role="recipient")
    within = ("person", person.pk)
    found = search(SearchRequest(within=within, roles=("author",)))
    assert found.ids == [author.pk]
    counts = role_counts(SearchRequest(within=within, roles=("author",)))
    assert counts == {"author": 1, "signatory": 0, "recipient": 1, "mentioned": 0}


def test_roles_qualify_chosen_people_on_the_whole_list():
    person = PersonFactory()
    DocumentPersonFactory(person=person, role="author")
    received = DocumentPersonFactory(person=person, role="recipient").document
    found = search(SearchRequest(facets={"person": [person.pk]}, roles=("recipient",)))
    assert found.ids == [received.pk]


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        search(SearchRequest(roles=("emperor",)))


def test_a_changed_role_is_indexed_again():
    person = PersonFactory()
    link = DocumentPersonFactory(person=person, role="mentioned")
    DocumentPerson.objects.filter(pk=link.pk).update(role="author")  # triggers fill the outbox
    found = search(SearchRequest(within=("person", person.pk), roles=("author",)))
    assert found.ids == [link.document_id]
