"""The rich archive the import and export tests share."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from archive.partialdates import PartialDate
from documents.models import Document, TaggedDocument
from people.models import Place
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    DocumentOrganizationFactory,
    DocumentPersonFactory,
    DocumentPlaceFactory,
    FunderFactory,
    LanguageFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    RepositoryFactory,
    SubjectFactory,
)


def _date(text: str) -> dict:
    value = PartialDate.parse(text)
    return {
        "date_precision": value.precision,
        "date_earliest": value.earliest,
        "date_latest": value.latest,
        "date_circa": value.circa,
    }


@pytest.fixture
def rich_archive(db):
    """Documents using every field and every kind of link, including the awkward cases:
    undated, circa and range dates, HTML text, entity names with parentheses and semicolons,
    uncertain links with notes, embargoes, parents and coordinates."""
    russian = LanguageFactory()
    chinese = LanguageFactory(code="zh", name="Chinese")
    macarthur = FunderFactory()
    rgaspi = RepositoryFactory(location="Moscow, Russia", url="https://rgaspi.org/")
    garf = RepositoryFactory(
        name="State Archive of the Russian Federation", abbreviation="GARF", slug="garf"
    )
    collection = CollectionFactory(title="Xinjiang and the NKVD", description="Core set.")
    party = OrganizationFactory(
        name="All-Union Communist Party (Bolsheviks)", abbreviation="VKP(b)"
    )
    politburo = OrganizationFactory(
        name="Politburo of the Central Committee (Bolsheviks)", parent=party, founded="1919"
    )
    xinjiang = PlaceFactory(
        name="Xinjiang",
        variants="Sinkiang\nEast Turkestan",
        kind=Place.Kind.REGION,
        latitude=Decimal("41.10000"),
        longitude=Decimal("85.20000"),
    )
    urumqi = PlaceFactory(name="Urumqi", variants="Ürümqi\nDihua", parent=xinjiang)
    beria = PersonFactory(
        name="Lavrentiy Beria",
        sort_name="Beria, Lavrentiy",
        variants="L. Beria\nЛаврентий Берия",
        birth="1899",
        death="1953-12-23",
        description="NKVD chief.",
        certainty_note="",
        notes="Internal: check the spelling.",
    )
    odd = PersonFactory(name="Sud'in; an official", certainty_note="Not identified.")
    subject = SubjectFactory(name="Soviet policy in Xinjiang", description="Scope.")

    first = DocumentFactory(
        title="Politburo Decision (point 137)",
        summary="Transfers NKVD members.",
        full_text="<p>Text with <em>emphasis</em>.</p>",
        original_text="<p>Текст</p>",
        source_citation="RGASPI, f. 17, op. 162, d. 17, l. 151",
        repository=rgaspi,
        obtained_by="Jamil Hasanli",
        translated_by="Gary Goldberg",
        source_url="https://digitalarchive.wilsoncenter.org/document/121852",
        original_classification="Top Secret",
        rights="Reproduced with permission.",
        internal_notes="Check the point number.",
    )
    first.original_languages.set([russian, chinese])
    first.funders.set([macarthur])
    first.collections.set([collection])
    TaggedDocument.objects.create(content_object=first, tag=subject)
    DocumentPersonFactory(document=first, person=beria, role="recipient")
    DocumentPersonFactory(
        document=first, person=odd, role="mentioned", uncertain=True, note="[sic]"
    )
    DocumentOrganizationFactory(document=first, organization=politburo, role="author")
    DocumentPlaceFactory(document=first, place=xinjiang, role="mentioned")
    DocumentPlaceFactory(document=first, place=urumqi, role="destination", uncertain=True)

    second = DocumentFactory(
        title="Undated note",
        repository=None,
        status=Document.Status.REVIEW,
        date_precision="undated",
        date_earliest=None,
        date_latest=None,
    )
    DocumentPersonFactory(document=second, person=beria, role="author")
    third = DocumentFactory(
        title="Embargoed report",
        repository=garf,
        document_type=None,
        publish_on=timezone.now() + datetime.timedelta(days=30),
        **_date("c. 1935/1936"),
    )
    fourth = DocumentFactory(title="Month report", status=Document.Status.DRAFT, **_date("1945-07"))
    return [first, second, third, fourth]
