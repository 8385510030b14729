"""The demo collection: the 19 Xinjiang/NKVD documents, loadable, reloadable and searchable."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from documents.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
from documents.models import (
    RECORD_NUMBER_SEQUENCE,
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    Repository,
    Subject,
    TaggedDocument,
)
from documents.selectors import published_documents
from people.models import Organization, Person, Place
from tests.demo_data import restore
from tests.factories import DocumentFactory

FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"
URUMQI_DOCUMENTS = {5, 6, 8, 14, 17}

MODELS = [
    Language,
    DocumentType,
    Repository,
    Funder,
    Collection,
    Subject,
    Organization,
    Person,
    Place,
    Document,
    Document.original_languages.through,
    Document.funders.through,
    Document.collections.through,
    DocumentPerson,
    DocumentOrganization,
    DocumentPlace,
    TaggedDocument,
]


def _numbers(queryset) -> set[int]:
    return set(queryset.values_list("record_number", flat=True))


def _linked(model, field: str, slug: str, **filters) -> set[int]:
    links = model.objects.filter(**{f"{field}__slug": slug}, **filters)
    return set(links.values_list("document__record_number", flat=True))


def _dump() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def test_fixture_file_uses_natural_keys_only():
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert all("pk" not in record for record in records)
    documents = [r["fields"] for r in records if r["model"] == "documents.document"]
    assert [d["record_number"] for d in documents] == list(range(1, 20))
    assert {d["status"] for d in documents} == {"published"}
    assert len({d["published_at"] for d in documents}) == 1
    # Full texts are not in the seed, so none are invented.
    assert {d["full_text"] for d in documents} == {""}
    # entity_text is derived (signals fill it), never stored in the fixture.
    assert all("entity_text" not in d and "search_vector" not in d for d in documents)


def test_fixture_is_what_the_generator_writes_from_the_seed(tmp_path):
    output = tmp_path / "demo.json"
    call_command("build_demo_fixture", "--output", str(output), stdout=StringIO())
    assert output.read_text(encoding="utf-8") == FIXTURE.read_text(encoding="utf-8")


def test_demo_loads_19_published_documents_in_date_order(demo):
    assert Document.objects.count() == 19
    assert published_documents().count() == 19
    dates = list(Document.objects.order_by("record_number").values_list("date_earliest", flat=True))
    assert dates == sorted(dates)
    first = Document.objects.get(record_number=1)
    assert first.title == "Politburo Decision of 19 March 1935 concerning Xinjiang"
    assert first.date_display == "March 19, 1935"
    assert first.source_citation == "RGASPI, f. 17, op. 162, d. 17, l. 151"
    assert first.obtained_by == "Jamil Hasanli"
    assert first.translated_by == "Gary Goldberg"
    assert [f.name for f in first.funders.all()] == ["MacArthur Foundation"]
    assert first.published_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert {c.title for c in Collection.objects.all()} == {"Xinjiang and the NKVD, 1935–1945"}
    assert Collection.objects.get().documents.count() == 19
    assert Language.objects.get(code="ru").documents.count() == 19


def test_demo_keeps_unknown_facts_empty_and_notes_internal(demo):
    document = Document.objects.get(record_number=3)
    assert document.title == (
        "Concerning Relations with the 36th Division (National Revolutionary Army)"
    )
    assert document.source_citation == ""
    assert document.source_url == ""
    assert document.full_text == ""
    assert document.obtained_by == document.translated_by == ""
    assert document.funders.count() == 0
    assert document.repository.abbreviation == "RGASPI"
    assert "Document page not found" in document.internal_notes
    assert "Summary: as listed by the archive." in document.internal_notes
    assert "original archive" in document.internal_notes
    assert {s.name for s in document.subjects.all()} == {
        "36th Division (NRA)",
        "Soviet-Xinjiang trade",
        "NKVD operations in Xinjiang",
    }
    typo = Document.objects.get(title__startswith="Exceprt on Xinjiang")
    assert typo.source_url.endswith("/exceprt-xinjiang-minutes-no-46-vkpb-cc-politburo-meetings")


def test_demo_month_precision_document(demo):
    telegram = Document.objects.get(title="Telegram from Cde. Yegnarov for Cde. Beria")
    assert telegram.record_number == 15
    assert telegram.date_precision == "month"
    assert (telegram.date_earliest, telegram.date_latest) == (date(1945, 7, 1), date(1945, 7, 31))
    assert telegram.date_display == "July 1945"
    assert telegram.repository.name == "State Archive of the Russian Federation"
    assert telegram.source_citation == "GARF, Fond 9401ss, Opis' 2, Delo 100, ll. 354-357"
    assert telegram.source_url == "https://digitalarchive.wilsoncenter.org/document/121731"


def test_demo_repositories(demo):
    rgaspi = Repository.objects.get(abbreviation="RGASPI")
    garf = Repository.objects.get(abbreviation="GARF")
    assert rgaspi.name == "Russian State Archive of Socio-Political History"
    assert garf.name == "State Archive of the Russian Federation"
    assert rgaspi.location == garf.location == "Moscow, Russia"
    assert rgaspi.documents.count() == 11
    assert garf.documents.count() == 8


def test_demo_people_are_linked_to_the_right_documents(demo):
    beria = Person.objects.get(name="Lavrentiy Beria")
    assert beria.life_dates == "1899–1953"
    assert "Лаврентий Берия" in beria.variant_list
    assert _numbers(beria.documents.distinct()) == {7, 11, 12, 13, 15, 16, 17, 18, 19}
    assert _linked(DocumentPerson, "person", beria.slug, role="author") == {12, 13, 16, 17, 18}
    assert _linked(DocumentPerson, "person", beria.slug, role="recipient") == {7, 11, 15, 19}

    stalin = Person.objects.get(name="Joseph Stalin")
    assert _numbers(stalin.documents.distinct()) == {9, 11, 12, 13, 16, 17, 19}
    assert _linked(DocumentPerson, "person", stalin.slug, role="author") == {9}

    ma = Person.objects.get(name="Ma Zhongying")
    assert _numbers(ma.documents.all()) == {3}
    assert _linked(DocumentPerson, "person", ma.slug, role="mentioned") == {3}
    assert "Ma Chung-ying" in ma.variant_list
    assert "disputed" in ma.certainty_note
    assert ma.sort_name == "Ma Zhongying"
    assert beria.sort_name == "Beria, Lavrentiy"


def test_demo_organizations_and_their_hierarchy(demo):
    nkvd = Organization.objects.get(abbreviation="NKVD")
    assert nkvd.name == "People's Commissariat for Internal Affairs"
    assert _numbers(nkvd.documents.distinct()) == set(range(1, 20))
    assert nkvd.parent.abbreviation == "SNK"
    assert nkvd.children.get().name == "NKVD Department of Special Tasks"
    assert "Soviet Union. People's Commissariat for Internal Affairs (NKVD)" in nkvd.variant_list

    nkid = Organization.objects.get(abbreviation="NKID")
    assert _numbers(nkid.documents.distinct()) == {3, 5, 12, 13}
    assert _linked(DocumentOrganization, "organization", nkid.slug, role="author") == {12}

    politburo = Organization.objects.get(abbreviation="VKP(b) CC Politburo")
    assert politburo.parent.abbreviation == "VKP(b) CC"
    assert politburo.parent.parent.name == "All-Union Communist Party (Bolsheviks)"
    assert politburo.parent.parent.parent is None

    # The seed marks NKVD authorship of the 5 October 1945 letter as inferred.
    uncertain = DocumentOrganization.objects.get(uncertain=True)
    assert (uncertain.document.record_number, uncertain.organization, uncertain.role) == (
        18,
        nkvd,
        "author",
    )


def test_demo_places(demo):
    xinjiang = Place.objects.get(name="Xinjiang")
    assert xinjiang.kind == "region"
    assert _numbers(xinjiang.documents.all()) == set(range(1, 20)) - {10}
    urumqi = Place.objects.get(name="Urumqi")
    assert (urumqi.kind, urumqi.latitude, urumqi.longitude) == (
        "city",
        Decimal("43.83000"),
        Decimal("87.62000"),
    )
    assert {"Ürümqi", "Urumchi", "Dihua"} <= set(urumqi.variant_list)
    assert _numbers(urumqi.documents.all()) == URUMQI_DOCUMENTS
    kashgar = Place.objects.get(name="Kashgar")
    assert _numbers(kashgar.documents.all()) == {5, 14, 15, 17}
    assert kashgar.description == "Also the seat of Kashgar District."
    torgustay = Place.objects.get(name="Torgustay")
    assert not torgustay.has_coordinates
    assert "not identified" in torgustay.certainty_note
    # The seed gives no place hierarchy, so none is invented.
    assert not Place.objects.filter(parent__isnull=False).exists()
    assert set(DocumentPlace.objects.values_list("role", flat=True)) == {"mentioned"}


def test_raw_fixture_saves_refresh_entity_text(demo):
    document = Document.objects.get(record_number=3)
    for name in ["Ma Zhongying", "Ma Chung-ying", "NKID", "36th Division (NRA)", "RGASPI"]:
        assert name in document.entity_text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ma Chung-ying", {3}),
        ("马仲英", {3}),
        ("Urumchi", URUMQI_DOCUMENTS),
        ("Ürümqi", URUMQI_DOCUMENTS),
        ("Dihua", URUMQI_DOCUMENTS),
        ("Sinkiang", set(range(1, 20)) - {10}),
        ("Лаврентий Берия", {7, 11, 12, 13, 15, 16, 17, 18, 19}),
        ("Soviet Union. People's Commissariat for Internal Affairs", set(range(1, 20))),
        ("Spiritual Directorate", {10}),
    ],
)
def test_search_through_variants_on_the_demo_data(demo, query, expected):
    assert _numbers(published_documents().search(query)) == expected


def test_loading_twice_changes_nothing(demo):
    before = _dump()
    assert len(before["Document"]) == 19
    call_command("loaddata", "demo", verbosity=0)
    assert _dump() == before


def test_the_session_copy_of_the_demo_moves_the_record_numbers_on_too(db, demo_snapshot):
    """The `demo` fixture restores what `loaddata` wrote (tests/demo_data.py), and moves the
    sequences on as `loaddata` does: in a fresh database, the next document is number 20."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval('{RECORD_NUMBER_SEQUENCE}', 1, false)")
    restore(demo_snapshot)
    assert Document.objects.count() == 19
    assert DocumentFactory().record_number == 20


def test_new_documents_continue_after_the_fixture_numbers(db):
    # Rewind the sequence as in a fresh database: loading explicit numbers must move it on.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval('{RECORD_NUMBER_SEQUENCE}', 1, false)")
    call_command("loaddata", "demo", verbosity=0)
    assert DocumentFactory().record_number == 20


def test_demo_command_without_serving(db):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "Applying migrations" in text
    assert "19 published documents" in text
    assert "http://127.0.0.1:8000/" in text
    # Test settings run with DEBUG off: no demo login is made or shown.
    assert DEMO_PASSWORD not in text
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()
    assert published_documents().count() == 19


def test_demo_command_makes_an_editor_login_in_debug(db, settings):
    settings.DEBUG = True
    get_user_model().objects.create_user(DEMO_USERNAME, password="something-else-entirely")
    out = StringIO()
    call_command("demo", "--no-serve", "--addrport", "0.0.0.0:8123", stdout=out)
    text = out.getvalue()
    assert DEMO_USERNAME in text and DEMO_PASSWORD in text
    assert "http://0.0.0.0:8123/admin/" in text
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert user.is_staff and not user.is_superuser
    assert user.check_password(DEMO_PASSWORD)
    assert [g.name for g in user.groups.all()] == ["Editor"]
    assert user.has_perm("documents.publish_document")
    assert Document.objects.count() == 19


def test_demo_command_never_overwrites_edits_to_the_demo_documents(db):
    call_command("demo", "--no-serve", stdout=StringIO())
    doc = Document.objects.get(record_number=1)
    doc.title = "Edited by an archivist"
    doc.save()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "demo not reloaded" in out.getvalue()
    assert Document.objects.get(record_number=1).title == "Edited by an archivist"
