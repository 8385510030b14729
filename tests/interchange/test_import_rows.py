"""Importing rows: dry-run reports, all-or-nothing writes, keys and idempotent re-imports,
entity matching, and input the importer must refuse politely."""

import csv
import io
import json

import pytest
from reversion.models import Version

from documents.interchange import exporting
from documents.interchange.importing import import_file
from documents.models import (
    Document,
    DocumentPerson,
    Repository,
    Subject,
)
from documents.selectors import published_documents
from people.models import Organization, Person, Place
from tests.factories import (
    DocumentFactory,
    OrganizationFactory,
    PersonFactory,
    RepositoryFactory,
)
from tests.interchange.helpers import (
    SEED,
    _actions,
    _csv,
    canonical_dump,
)

# --- dry run and all-or-nothing ------------------------------------------------------------


def test_dry_run_reports_every_row_and_writes_nothing(db):
    existing = DocumentFactory(title="Old title")
    RepositoryFactory()
    before = canonical_dump()
    content = _csv(
        f"{existing.record_number},New title,1935-09-29,RGASPI,,",
        ",A new document,1945-07,RGASPI,Lavrentiy Beria (author),NKVD",
        ",Bad date,1945-13-40,RGASPI,,",
        ",Unknown archive,1936,Archive of Atlantis,,",
        ",,1936,RGASPI,,",
        ",Bad role,1936,RGASPI,Beria (autor),",
    )

    report = import_file(content, "csv", dry_run=True)

    assert _actions(report) == [
        "updated",
        "created",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    messages = [" ".join(row.messages) for row in report.rows]
    assert "title" in messages[0]
    assert "New person: Lavrentiy Beria." in messages[1]
    assert "New subject: NKVD." in messages[1]
    assert "Bad date" in messages[2] and "not a real date" in messages[2]
    assert "Unknown archive “Archive of Atlantis”" in messages[3]
    assert "Missing title." in messages[4]
    assert "unknown role “autor”" in messages[5]
    assert report.created["person"] == ["Lavrentiy Beria"]
    assert not report.written
    assert canonical_dump() == before


def test_one_bad_row_means_nothing_is_written(db):
    RepositoryFactory()
    content = _csv(
        ",First good row,1935,RGASPI,Genrikh Yagoda (recipient),Oil",
        ",Second good row,1936,RGASPI,,",
        ",Third row has a bad date,1936-02-30,RGASPI,,",
    )

    report = import_file(content, "csv", dry_run=False)

    assert not report.written
    assert _actions(report) == ["created", "created", "rejected"]
    assert report.rows[2].number == 3
    assert "not a real date" in " ".join(report.rows[2].messages)
    assert "Nothing was written" in report.summary()
    assert Document.objects.count() == 0
    assert not Person.objects.exists() and not Subject.objects.exists()


def test_unknown_archive_is_created_only_when_allowed(db):
    content = _csv(",A telegram,1945-11-03,State Archive of the Russian Federation (GARF),,")

    refused = import_file(content, "csv", dry_run=False)
    allowed = import_file(content, "csv", dry_run=False, create_repositories=True)

    assert _actions(refused) == ["rejected"]
    assert allowed.written and _actions(allowed) == ["created"]
    archive = Repository.objects.get()
    assert (archive.name, archive.abbreviation) == (
        "State Archive of the Russian Federation",
        "GARF",
    )
    assert allowed.created["repository"] == ["State Archive of the Russian Federation"]


# --- keys, idempotence, updates ------------------------------------------------------------


def test_seed_json_imports_19_documents_and_reimport_changes_nothing(db):
    content = SEED.read_bytes()

    first = import_file(content, "json", dry_run=False, create_repositories=True)
    after_first = canonical_dump()
    second = import_file(content, "json", dry_run=False, create_repositories=True)

    assert first.written and first.counts["created"] == 19
    assert Document.objects.count() == 19
    assert second.counts["unchanged"] == 19 and not second.created and not second.updated
    assert canonical_dump() == after_first
    july = Document.objects.get(title__startswith="Telegram from Cde. Yegnarov for Cde. Beria")
    assert july.date_display == "July 1945"
    beria = Person.objects.get(name="Lavrentiy Beria")
    assert "L. P. Beria" in beria.variant_list and beria.birth == "1899"
    nkvd = Organization.objects.get(abbreviation="NKVD")
    assert nkvd.parent.name == "Council of People's Commissars"
    assert nkvd.document_links.exists()
    assert Place.objects.get(name="Torgustay").kind == Place.Kind.OTHER
    assert Document.objects.filter(status=Document.Status.DRAFT).count() == 19


def test_rows_without_record_number_match_by_title_and_date(db):
    RepositoryFactory()
    content = _csv(",Report on Xinjiang,1935-09-29,RGASPI,,")
    import_file(content, "csv", dry_run=False)
    number = Document.objects.get().record_number

    again = import_file(content, "csv", dry_run=False)
    other_date = import_file(_csv(",Report on Xinjiang,1936,RGASPI,,"), "csv", dry_run=True)

    assert _actions(again) == ["unchanged"] and again.rows[0].record_number == number
    assert _actions(other_date) == ["created"]


def test_edited_file_updates_only_what_changed(rich_archive):
    stream = io.StringIO()
    exporting.write_csv(Document.objects.all(), stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    first = rich_archive[0]
    version = Document.objects.get(pk=first.pk).version
    rows[0]["summary"] = "A corrected summary."
    rows[0]["people"] = rows[0]["people"] + "; Yakov Agranov (recipient?)"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    report = import_file(edited.getvalue(), "csv", dry_run=False)

    assert _actions(report) == ["updated", "unchanged", "unchanged", "unchanged"]
    versions = Version.objects.get_for_object(first).order_by("pk")
    assert [v.revision.comment for v in versions] == [
        "As it was before its first recorded change.",
        "Updated by an import.",
    ]
    assert versions[0].field_dict["summary"] == "Transfers NKVD members."
    assert versions[1].field_dict["summary"] == "A corrected summary."
    assert report.rows[0].messages[0] == "Changes: summary, people."
    first.refresh_from_db()
    assert first.summary == "A corrected summary."
    assert first.version == version + 1
    agranov = first.person_links.get(person__name="Yakov Agranov")
    assert (agranov.role, agranov.uncertain) == ("recipient", True)
    assert first.person_links.count() == 3
    assert published_documents().search("agranov").get() == first


def test_new_entities_reported_and_entity_matched_by_variant(db):
    RepositoryFactory()
    ma = PersonFactory(name="Ma Zhongying", variants="Ma Chung-ying\n马仲英")
    nkvd = OrganizationFactory(
        name="People's Commissariat for Internal Affairs", abbreviation="NKVD"
    )
    content = _csv(
        ",On the 36th Division,1935-10-03,RGASPI,"
        "Ma Chung-ying (mentioned); Nobody Known (author),NKVD (recipient)",
        header="record_number,title,date,original_archive,people,organizations\n",
    )

    report = import_file(content, "csv", dry_run=False)

    assert report.written
    assert report.created["person"] == ["Nobody Known"]
    assert "organization" not in report.created
    assert report.rows[0].messages == ["New person: Nobody Known."]
    doc = Document.objects.get()
    assert doc.person_links.get(role="mentioned").person == ma
    assert doc.organization_links.get().organization == nkvd
    assert Person.objects.count() == 2


def test_ambiguous_entity_name_rejects_the_row(db):
    RepositoryFactory()
    PersonFactory(name="Ivan Petrov", variants="Petrov")
    PersonFactory(name="Pyotr Petrov", variants="Petrov")

    report = import_file(_csv(",A letter,1936,RGASPI,Petrov (author),"), "csv", dry_run=True)

    assert _actions(report) == ["rejected"]
    assert "matches several people" in report.rows[0].messages[0]


def test_import_uses_a_bounded_number_of_queries(db, django_assert_max_num_queries):
    RepositoryFactory()
    rows = [
        f",Document {n},1935-01-{n % 28 + 1:02d},RGASPI,Person {n % 7} (author); "
        f"Person {n % 5} (recipient),Topic {n % 3}"
        for n in range(60)
    ]
    with django_assert_max_num_queries(80):
        report = import_file(_csv(*rows), "csv", dry_run=False)
    assert report.counts["created"] == 60
    assert DocumentPerson.objects.count() == 120


# --- input the importer must refuse politely -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "fmt", "expected"),
    [
        (b"\xff\xfe\x00bad", "csv", "not UTF-8"),
        ("title\nA\x00B\n", "csv", "NUL"),
        ("{not json", "json", "not valid JSON"),
        ('{"records": []}', "json", "“documents” list"),
        ("name,date\nA,1935\n", "csv", "neither a “title” nor"),
    ],
)
def test_unreadable_files_are_reported_not_raised(db, content, fmt, expected):
    report = import_file(content, fmt, dry_run=False)
    assert expected in report.errors[0]
    assert not report.written and Document.objects.count() == 0


def test_json_rows_with_wrong_types_are_rejected(db):
    data = {"documents": [{"title": ["a list"]}, "not an object", {"title": "Fine", "people": 3}]}
    report = import_file(json.dumps(data), "json", dry_run=True)
    assert _actions(report) == ["rejected", "rejected", "rejected"]


def test_publishing_needs_the_publish_permission(db):
    RepositoryFactory()
    content = _csv(
        ",A published document,1935,RGASPI,published,Complete enough to publish.",
        header="record_number,title,date,original_archive,status,summary\n",
    )

    refused = import_file(content, "csv", dry_run=True, allow_publish=False)
    allowed = import_file(content, "csv", dry_run=False, allow_publish=True)

    assert _actions(refused) == ["rejected"]
    assert refused.rows[0].messages[0] == "Only editors may create a published document."
    assert allowed.written and published_documents().count() == 1
