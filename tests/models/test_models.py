"""Model rules hold twice: in validation (what the admin shows) and in the database itself."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import Document, DocumentPerson
from documents.selectors import published_documents
from documents.services.documents import document_update
from tests.factories import (
    DocumentFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    DocumentTypeFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    RepositoryFactory,
    SubjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _document(**dates) -> Document:
    return Document(
        title="Concerning Xinjiang",
        repository=RepositoryFactory(),
        document_type=DocumentTypeFactory(),
        **dates,
    )


def _db_rejects(instance, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        instance.save()


def _editor():
    return UserFactory(username="editor", is_staff=True, groups=["Editor"])


def _search(text: str) -> list[Document]:
    return list(published_documents().search(text))


# Dates: each precision rule, first as validation, then as the database's check constraint.

BAD_DATES = [
    # (fields, the database constraint that rejects them)
    (dict(date_precision="undated", date_earliest=date(1945, 7, 1)), "document_date_bounds"),
    (dict(date_precision="undated", date_circa=True), "document_date_bounds"),
    (dict(date_precision="day", date_earliest=None, date_latest=None), "document_date_bounds"),
    (
        dict(date_precision="day", date_earliest=date(1945, 7, 3), date_latest=date(1945, 7, 4)),
        "document_date_day",
    ),
    (
        dict(date_precision="month", date_earliest=date(1945, 7, 3), date_latest=date(1945, 7, 31)),
        "document_date_month",
    ),
    (
        dict(date_precision="month", date_earliest=date(1945, 7, 1), date_latest=date(1945, 7, 30)),
        "document_date_month",
    ),
    (
        dict(date_precision="month", date_earliest=date(1945, 7, 1), date_latest=date(1945, 8, 31)),
        "document_date_month",
    ),
    (
        dict(date_precision="year", date_earliest=date(1936, 2, 1), date_latest=date(1936, 12, 31)),
        "document_date_year",
    ),
    (
        dict(date_precision="year", date_earliest=date(1936, 1, 1), date_latest=date(1937, 12, 31)),
        "document_date_year",
    ),
    (
        dict(date_precision="range", date_earliest=date(1945, 7, 3), date_latest=date(1945, 7, 3)),
        "document_date_range",
    ),
    (
        dict(date_precision="range", date_earliest=date(1945, 7, 3), date_latest=date(1945, 7, 1)),
        "document_date_bounds",
    ),
    (dict(date_precision="range", date_earliest=date(1945, 7, 3)), "document_date_bounds"),
]


@pytest.mark.parametrize(("fields", "constraint"), BAD_DATES)
def test_database_rejects_inconsistent_dates(fields, constraint):
    document = _document(**fields)
    with pytest.raises(ValidationError):
        document.validate_constraints()
    _db_rejects(document, constraint)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            dict(date_precision="undated", date_earliest=date(1945, 7, 1), date_circa=True),
            (None, None, False, "Undated"),
        ),
        (
            dict(
                date_precision="day", date_earliest=date(1945, 7, 3), date_latest=date(1946, 1, 1)
            ),
            (date(1945, 7, 3), date(1945, 7, 3), False, "July 3, 1945"),
        ),
        (
            dict(date_precision="month", date_earliest=date(1945, 7, 17)),
            (date(1945, 7, 1), date(1945, 7, 31), False, "July 1945"),
        ),
        (
            dict(date_precision="month", date_earliest=date(1944, 2, 10), date_circa=True),
            (date(1944, 2, 1), date(1944, 2, 29), True, "c. February 1944"),
        ),
        (
            dict(date_precision="year", date_earliest=date(1936, 6, 5)),
            (date(1936, 1, 1), date(1936, 12, 31), False, "1936"),
        ),
        (
            dict(
                date_precision="range",
                date_earliest=date(1935, 1, 1),
                date_latest=date(1936, 12, 31),
            ),
            (date(1935, 1, 1), date(1936, 12, 31), False, "1935–1936"),
        ),
    ],
)
def test_full_clean_normalizes_each_precision_and_the_database_accepts_it(fields, expected):
    document = _document(**fields)
    document.full_clean()
    document.save()
    document.refresh_from_db()
    got = (document.date_earliest, document.date_latest, document.date_circa)
    assert (*got, document.date_display) == expected


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (dict(date_precision="day", date_earliest=None), "date_earliest", "Give the date"),
        (dict(date_precision="month", date_earliest=None), "date_earliest", "Give the date"),
        (dict(date_precision="year", date_earliest=None), "date_earliest", "Give the date"),
        (dict(date_precision="range", date_earliest=date(1945, 7, 3)), "date_latest", "last day"),
        (
            dict(
                date_precision="range",
                date_earliest=date(1945, 7, 3),
                date_latest=date(1945, 7, 3),
            ),
            "date_latest",
            "must end after it starts",
        ),
        (
            dict(
                date_precision="range",
                date_earliest=date(1945, 7, 3),
                date_latest=date(1945, 6, 1),
            ),
            "date_latest",
            "must end after it starts",
        ),
    ],
)
def test_full_clean_reports_impossible_dates_on_the_field(fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _document(**fields).full_clean()
    assert message in " ".join(excinfo.value.message_dict[field])


def test_a_document_needs_a_title():
    document = Document(title="", date_precision="undated")
    with pytest.raises(ValidationError) as excinfo:
        document.full_clean()
    assert "title" in excinfo.value.message_dict
    _db_rejects(document, "document_title_not_empty")


def test_published_document_always_records_when():
    document = DocumentFactory()
    assert document.published_at is not None
    with pytest.raises(IntegrityError, match="document_published_has_timestamp"):
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(published_at=None)


# Places: coordinates.


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("43.83000", None, "both latitude and longitude"),
        (None, "87.62000", "both latitude and longitude"),
        ("90.00001", "87.62000", "Latitude must lie between -90 and 90"),
        ("-91", "87.62000", "Latitude must lie between -90 and 90"),
        ("43.83000", "180.5", "Longitude must lie between -180 and 180"),
        ("43.83000", "-181", "Longitude must lie between -180 and 180"),
    ],
)
def test_place_coordinates_both_or_neither_and_in_range(latitude, longitude, message):
    place = PlaceFactory.build(latitude=latitude, longitude=longitude)
    with pytest.raises(ValidationError, match=message):
        place.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        place.save()


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, None), ("43.83", "87.62"), ("-90", "-180"), ("90", "180")],
)
def test_place_coordinates_accepted(latitude, longitude):
    place = PlaceFactory.build(latitude=latitude, longitude=longitude)
    place.full_clean()
    place.save()
    place.refresh_from_db()
    assert place.has_coordinates == (latitude is not None)


# Hierarchies: nothing is its own parent.


@pytest.mark.parametrize("factory", [OrganizationFactory, PlaceFactory])
def test_entity_cannot_be_its_own_parent(factory):
    entity = factory()
    entity.parent = entity
    with pytest.raises(ValidationError):
        entity.full_clean()
    with pytest.raises(IntegrityError, match="not_own_parent"), transaction.atomic():
        entity.save()
    entity.refresh_from_db()
    assert entity.parent is None


def test_entity_can_have_another_parent():
    parent = OrganizationFactory(name="Council of People's Commissars")
    child = OrganizationFactory(name="People's Commissariat for Internal Affairs", parent=parent)
    child.full_clean()
    assert list(parent.children.all()) == [child]


# Typed links: one link per document, entity and role.


def test_link_is_unique_per_role():
    link = DocumentPersonFactory(role="author")
    duplicate = DocumentPerson(document=link.document, person=link.person, role="author")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError, match="document_person_role_unique"):
        with transaction.atomic():
            duplicate.save()
    other_role = DocumentPerson(document=link.document, person=link.person, role="recipient")
    other_role.full_clean()
    other_role.save()
    assert link.document.person_links.count() == 2


# Record numbers: assigned by the database, never handed out twice.


def test_record_numbers_are_never_reused_after_a_delete():
    first = DocumentFactory()
    second = DocumentFactory()
    assert second.record_number > first.record_number
    deleted_number = second.record_number
    second.delete()
    third = DocumentFactory()
    assert third.record_number > deleted_number
    assert Document.objects.filter(record_number=deleted_number).count() == 0


def test_record_number_is_the_natural_key():
    document = DocumentFactory()
    assert document.natural_key() == (document.record_number,)
    assert Document.objects.get_by_natural_key(document.record_number) == document


# Search: entity_text follows the entities a document links to.


def test_search_finds_a_document_by_a_variant_added_to_a_linked_person():
    person = PersonFactory(name="Ma Zhongying")
    link = DocumentPersonFactory(person=person, document__title="Concerning the 36th Division")
    assert _search("Chung-ying") == []

    person.variants = "Ma Chung-ying\n马仲英"
    person.save()

    assert _search("Ma Chung-ying") == [link.document]
    assert _search("马仲英") == [link.document]


def test_search_drops_a_document_when_its_variant_is_removed():
    person = PersonFactory(name="Lavrentiy Beria", variants="L. P. Beria\nЛаврентий Берия")
    link = DocumentPersonFactory(person=person)
    assert _search("Берия") == [link.document]
    person.variants = "L. P. Beria"
    person.save()
    assert _search("Берия") == []


def test_search_drops_a_document_when_the_link_is_removed():
    place = PlaceFactory(name="Urumqi", variants="Ürümqi\nUrumchi\nDihua")
    link = DocumentPlaceFactory(place=place)
    assert _search("Urumchi") == [link.document]
    assert _search("Ürümqi") == [link.document]
    document_update(document=link.document, data={"places": []}, user=_editor())
    assert _search("Urumchi") == []
    link.document.refresh_from_db()
    assert "Urumqi" not in link.document.entity_text


def test_search_follows_an_organization_abbreviation_and_a_subject():
    organization = OrganizationFactory(
        name="People's Commissariat of Foreign Affairs", abbreviation="NKID"
    )
    document = DocumentFactory(title="Concerning Travel of the Civil Air Fleet")
    aviation = SubjectFactory(name="Aviation")
    data = {"organizations": [(organization, "mentioned")], "subjects": [aviation]}
    document_update(document=document, data=data, user=_editor())
    assert _search("NKID") == [document]
    assert _search("aviation") == [document]
    document_update(document=document, data={"subjects": []}, user=_editor())
    assert _search("aviation") == []


def test_search_never_returns_drafts():
    person = PersonFactory(name="Sheng Shicai", variants="Sheng Shih-ts'ai")
    DocumentPersonFactory(person=person, document__status=Document.Status.DRAFT)
    assert _search("Shicai") == []
    assert Document.objects.search("Shicai").count() == 1
