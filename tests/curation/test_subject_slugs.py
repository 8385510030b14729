"""Renamed subjects keep their old address."""

from documents.models import Subject
from people.merge import resolve_former_slug
from tests.factories import SubjectFactory


def test_renaming_a_subject_slug_keeps_the_old_one_resolvable(db):
    subject = SubjectFactory(name="Oil", slug="oil")
    subject.slug = "oil-industry"
    subject.save()
    assert resolve_former_slug(Subject, "oil") == subject
