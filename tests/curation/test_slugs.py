"""Changing an entity's slug keeps its old address: a FormerSlug that the entity pages
resolve with `people.merge.resolve_former_slug`."""

import pytest

from people.merge import resolve_former_slug
from people.models import FormerSlug, Organization, Person, Place
from tests.factories import OrganizationFactory, PersonFactory, PlaceFactory


def _former(obj):
    return sorted(FormerSlug.objects.filter(object_id=obj.pk).values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("factory", "model"),
    [(PersonFactory, Person), (OrganizationFactory, Organization), (PlaceFactory, Place)],
)
def test_changing_a_slug_keeps_the_old_address(db, factory, model):
    obj = factory(slug="urumchi")
    obj.slug = "urumqi"
    obj.save()

    assert _former(obj) == ["urumchi"]
    assert resolve_former_slug(model, "urumchi") == obj
    assert resolve_former_slug(model, "urumqi") is None  # a current slug is not "former"


def test_saving_without_changing_the_slug_records_nothing(db):
    person = PersonFactory(slug="sheng-shicai")
    person.description = "Governor of Xinjiang."
    person.save()
    person.save(update_fields=["description"])
    assert not FormerSlug.objects.exists()


def test_every_earlier_slug_resolves_and_going_back_retires_the_newer(db):
    person = PersonFactory(slug="a")
    for slug in ("b", "c"):
        person.slug = slug
        person.save()
    assert _former(person) == ["a", "b"]
    assert resolve_former_slug(Person, "a") == resolve_former_slug(Person, "b") == person

    person.slug = "a"
    person.save()

    assert _former(person) == ["b", "c"]
    assert resolve_former_slug(Person, "a") is None


def test_a_new_record_taking_a_retired_slug_owns_it(db):
    old = PersonFactory(slug="ma-hushan")
    old.slug = "ma-hu-shan"
    old.save()
    newcomer = PersonFactory(slug="ma-hushan")

    assert not FormerSlug.objects.filter(slug="ma-hushan").exists()
    assert resolve_former_slug(Person, "ma-hushan") is None
    assert newcomer.slug == "ma-hushan"


def test_former_slugs_are_per_model(db):
    person = PersonFactory(slug="kashgar")
    person.slug = "kashgari"
    person.save()
    assert resolve_former_slug(Person, "kashgar") == person
    assert resolve_former_slug(Place, "kashgar") is None
    assert resolve_former_slug(Organization, "kashgar") is None


@pytest.mark.parametrize("slug", ["", "no-such-slug", "\x00", "&|!():*"])
def test_unknown_or_odd_slugs_resolve_to_nothing(db, slug):
    assert resolve_former_slug(Person, slug) is None


def test_reverting_to_an_older_slug_keeps_the_newer_address(db):
    """A history revert saves raw (as loaddata does); the slug it replaces is still kept."""
    from django.core import serializers

    person = PersonFactory(slug="ma-buqing")
    stored = serializers.serialize("json", [person])
    person.slug = "ma-pu-ching"
    person.save()

    (old,) = serializers.deserialize("json", stored)
    old.save()

    person.refresh_from_db()
    assert person.slug == "ma-buqing"
    assert resolve_former_slug(Person, "ma-pu-ching") == person
    assert resolve_former_slug(Person, "ma-buqing") is None
