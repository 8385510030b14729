"""Import and export of documents: dry-run reports, all-or-nothing writes, idempotent
re-imports, entity matching, the export → import round trip, the admin pages and the
management commands."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from documents.interchange import exporting
from documents.interchange.formats import parse
from documents.interchange.importing import Importer, import_file
from documents.models import (
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
    UserFactory,
)

SEED = Path(__file__).resolve().parents[2] / "fixtures/seed/xinjiang-nkvd.json"
HEADER = "record_number,title,date,original_archive,people,subjects\n"


# --- a canonical dump of everything an import or export touches ---------------------------

_SKIP = {"id", "created_at", "updated_at", "version", "search_vector"}


def _natural(obj):
    if obj is None:
        return None
    for attr in ("slug", "code", "record_number"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return str(obj)


def _rows(model, order):
    rows = []
    for obj in model.objects.order_by(*order):
        row = {}
        for f in model._meta.concrete_fields:
            if f.name in _SKIP:
                continue
            row[f.name] = _natural(getattr(obj, f.name)) if f.is_relation else getattr(obj, f.name)
        rows.append(row)
    return rows


def canonical_dump() -> dict:
    """Every field and link that import/export covers, with database ids replaced by keys."""
    documents = _rows(Document, ["record_number"])
    for row, doc in zip(documents, Document.objects.order_by("record_number"), strict=True):
        row["funders"] = sorted(f.slug for f in doc.funders.all())
        row["languages"] = sorted(lang.code for lang in doc.original_languages.all())
        row["collections"] = sorted(c.slug for c in doc.collections.all())
    return {
        "documents": documents,
        "people": _rows(Person, ["slug"]),
        "organizations": _rows(Organization, ["slug"]),
        "places": _rows(Place, ["slug"]),
        "repositories": _rows(Repository, ["slug"]),
        "types": _rows(DocumentType, ["slug"]),
        "funders": _rows(Funder, ["slug"]),
        "languages": _rows(Language, ["code"]),
        "collections": _rows(Collection, ["slug"]),
        "subjects": _rows(Subject, ["slug"]),
        "person_links": sorted(
            (link.document.record_number, link.person.slug, link.role, link.uncertain, link.note)
            for link in DocumentPerson.objects.select_related("document", "person")
        ),
        "organization_links": sorted(
            (link.document.record_number, link.organization.slug, link.role, link.uncertain)
            + (link.note,)
            for link in DocumentOrganization.objects.select_related("document", "organization")
        ),
        "place_links": sorted(
            (link.document.record_number, link.place.slug, link.role, link.uncertain, link.note)
            for link in DocumentPlace.objects.select_related("document", "place")
        ),
        "subject_links": sorted(
            (link.content_object.record_number, link.tag.slug)
            for link in TaggedDocument.objects.select_related("content_object", "tag")
        ),
    }


def empty_the_archive():
    """Delete every document, entity and vocabulary entry: an empty database to import into."""
    Document.objects.all().delete()
    for model in (Person, Organization, Place):
        model.objects.update(**({} if model is Person else {"parent": None}))
        model.objects.all().delete()
    for model in (Repository, DocumentType, Funder, Language, Collection, Subject):
        model.objects.all().delete()


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
        repository=garf,
        status=Document.Status.REVIEW,
        date_precision="undated",
        date_earliest=None,
        date_latest=None,
    )
    DocumentPersonFactory(document=second, person=beria, role="author")
    third = DocumentFactory(title="Embargoed report", repository=None, document_type=None)
    third.set_date("c. 1935/1936")
    third.publish_on = timezone.now() + datetime.timedelta(days=30)
    third.save()
    fourth = DocumentFactory(title="Month report", status=Document.Status.DRAFT)
    fourth.set_date("1945-07")
    fourth.save()
    return [first, second, third, fourth]


def _csv(*rows: str, header: str = HEADER) -> str:
    return header + "".join(row + "\n" for row in rows)


def _actions(report):
    return [row.action for row in report.rows]


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
    assert published_documents().filter(search_vector="agranov").get() == first


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


# --- round trip ------------------------------------------------------------------------------


def test_json_export_then_import_into_empty_database_reproduces_everything(rich_archive):
    before = canonical_dump()
    data = json.dumps(exporting.export_data(Document.objects.all()))

    empty_the_archive()
    assert not Person.objects.exists() and not Document.objects.exists()
    report = import_file(data, "json", dry_run=False)

    assert report.written, report.errors + [m for r in report.rows for m in r.messages]
    assert report.counts["created"] == 4
    assert canonical_dump() == before


def documents_by_name() -> list[dict]:
    """Documents with every field, vocabularies and links named (CSV carries no slugs)."""
    rows = []
    for doc in exporting.with_related(Document.objects.all()):
        row = {f.name: getattr(doc, f.name) for f in Document._meta.concrete_fields}
        for key in ("id", "created_at", "updated_at", "version", "search_vector"):
            row.pop(key)
        row["document_type"] = str(doc.document_type or "")
        row["repository"] = str(doc.repository or "")
        row["languages"] = sorted(lang.code for lang in doc.original_languages.all())
        row["funders"] = sorted(f.name for f in doc.funders.all())
        row["collections"] = sorted(c.title for c in doc.collections.all())
        row["subjects"] = sorted(link.tag.name for link in doc.subject_links.all())
        for relation, entity in (
            ("person_links", "person"),
            ("organization_links", "organization"),
            ("place_links", "place"),
        ):
            row[relation] = sorted(
                (getattr(link, entity).name, link.role, link.uncertain, link.note)
                for link in getattr(doc, relation).all()
            )
        rows.append(row)
    return rows


def test_csv_export_then_import_reproduces_documents_and_links(rich_archive):
    before = documents_by_name()
    stream = io.StringIO()
    exporting.write_csv(Document.objects.all(), stream)

    empty_the_archive()
    report = import_file(stream.getvalue(), "csv", dry_run=False, create_repositories=True)

    assert report.written
    assert report.created["person"] == ["Lavrentiy Beria", "Sud'in; an official"]
    after = documents_by_name()
    for old, new in zip(before, after, strict=True):
        old.pop("entity_text"), new.pop("entity_text")  # variants are not in CSV
    assert after == before


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
        ("name,date\nA,1935\n", "csv", "no “title” column"),
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
        ",A published document,1935,RGASPI,published",
        header="record_number,title,date,original_archive,status\n",
    )

    refused = import_file(content, "csv", dry_run=True, allow_publish=False)
    allowed = import_file(content, "csv", dry_run=False, allow_publish=True)

    assert _actions(refused) == ["rejected"]
    assert "may not publish" in refused.rows[0].messages[0]
    assert allowed.written and published_documents().count() == 1


# --- management commands -------------------------------------------------------------------


def test_import_command_dry_run_prints_rows_progress_and_summary(db, tmp_path):
    path = tmp_path / "seed.json"
    path.write_bytes(SEED.read_bytes())
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_documents", str(path), "--dry-run", "--create-repositories", stdout=out, stderr=err
    )

    output = out.getvalue()
    assert len(re.findall(r"^row +\d+ +#new +created ", output, re.MULTILINE)) == 19
    assert "Dry run: 19 rows: 19 created, 0 updated, 0 unchanged, 0 rejected." in output
    assert "New people: Lavrentiy Beria" in output
    assert "100% 19/19 rows" in err.getvalue()
    assert Document.objects.count() == 0


def test_import_command_fails_on_rejected_rows_and_export_command_filters(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv(",Somewhere,1935,Nowhere Archive,,"), encoding="utf-8")
    with pytest.raises(CommandError, match="1 rejected"):
        call_command("import_documents", str(bad), stdout=io.StringIO(), stderr=io.StringIO())

    DocumentFactory(title="Public one")
    DocumentFactory(title="Draft one", status=Document.Status.DRAFT)
    target = tmp_path / "out.csv"
    call_command("export_documents", str(target), "--status", "draft", stderr=io.StringIO())
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["title"] for r in rows] == ["Draft one"]

    call_command("import_documents", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert Document.objects.count() == 2


# --- admin -----------------------------------------------------------------------------------


def test_admin_import_page_upload_dry_run_then_confirm(archivist_client, client):
    RepositoryFactory()
    changelist = client.get(reverse("admin:documents_document_changelist"))
    import_url = reverse("admin:documents_document_import")
    assert import_url in changelist.content.decode()

    upload = io.BytesIO(
        _csv(",Telegram to Beria,1945-11-03,RGASPI,Lavrentiy Beria (recipient),").encode()
    )
    upload.name = "telegrams.csv"
    page = client.post(import_url, {"file": upload})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Telegram to Beria" in html and "created" in html
    assert "New person: Lavrentiy Beria." in html
    assert Document.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    done = client.post(import_url, {"token": token, "confirm": "1"})

    assert done.status_code == 302
    doc = Document.objects.get()
    assert doc.person_links.get().person.name == "Lavrentiy Beria"
    assert doc.status == Document.Status.DRAFT
    replay = client.post(import_url, {"token": token, "confirm": "1"}, follow=True)
    assert "expired" in replay.content.decode()
    assert Document.objects.count() == 1


def test_admin_import_shows_rejections_without_confirm_button(archivist_client, client):
    upload = io.BytesIO(_csv(",No such archive,1945,Atlantis,,").encode())
    upload.name = "bad.csv"
    page = client.post(reverse("admin:documents_document_import"), {"file": upload})
    html = page.content.decode()
    assert "rejected" in html and "Unknown archive" in html
    assert 'name="token"' not in html


def test_admin_import_refuses_users_without_add_permission(db, client):
    user = UserFactory(username="reader", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(user)
    assert client.get(reverse("admin:documents_document_import")).status_code == 403


def test_admin_import_needs_the_change_permission_too(db, client):
    """An import updates existing documents, so adding alone is not enough."""
    user = UserFactory(username="adder", is_staff=True)
    for codename in ("add_document", "view_document"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    import_url = reverse("admin:documents_document_import")

    assert client.get(import_url).status_code == 403
    changelist = client.get(reverse("admin:documents_document_changelist"))
    assert changelist.status_code == 200 and import_url not in changelist.content.decode()


def test_admin_export_action_and_filtered_changelist_export(archivist_client, client):
    DocumentFactory(title="Published report")
    draft = DocumentFactory(title="Draft memo", status=Document.Status.DRAFT)
    changelist = reverse("admin:documents_document_changelist")

    action = client.post(
        changelist,
        {"action": "export_selected_json", "_selected_action": [draft.pk], "index": 0},
    )
    assert action.status_code == 200
    assert action["Content-Disposition"].startswith("attachment;")
    assert [d["title"] for d in json.loads(action.content)["documents"]] == ["Draft memo"]

    page = client.get(changelist, {"status__exact": "published"}).content.decode()
    link = re.search(r'href="([^"]*/export/\?[^"]*format=csv[^"]*)"', page).group(1)
    exported = client.get(link.replace("&amp;", "&"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [r["title"] for r in rows] == ["Published report"]
    assert (
        client.get(reverse("admin:documents_document_export"), {"format": "xml"}).status_code == 400
    )


def test_admin_offers_no_confirm_when_nothing_would_change(archivist_client, client):
    doc = DocumentFactory(title="Already here")
    stream = io.StringIO()
    exporting.write_csv(Document.objects.filter(pk=doc.pk), stream)
    upload = io.BytesIO(stream.getvalue().encode())
    upload.name = "same.csv"

    html = client.post(reverse("admin:documents_document_import"), {"file": upload}).content
    html = html.decode()

    assert "unchanged" in html and "nothing to import" in html
    assert 'name="token"' not in html


# --- edits made while an import runs, record numbers, newlines ------------------------------


def _plan_edit_apply(content, fmt, edit):
    """Plan a real import, let `edit` save a change as another user would, then write."""
    importer = Importer(parse(content, fmt), dry_run=False)
    with transaction.atomic():
        importer._plan()
        assert importer.report.ok
        edit()
        importer._apply()
    return importer.report


def test_import_keeps_an_edit_saved_while_it_runs(db):
    RepositoryFactory()
    doc = DocumentFactory(title="Old title", summary="Old summary")
    version = Document.objects.get(pk=doc.pk).version
    content = _csv(
        f"{doc.record_number},New title", header="record_number,title\n"
    )  # no summary column: the import must not write the summary

    def edit():
        Document.objects.filter(pk=doc.pk).update(
            summary="Edited meanwhile", version=F("version") + 1
        )

    _plan_edit_apply(content, "csv", edit)

    saved = Document.objects.get(pk=doc.pk)
    assert saved.title == "New title"
    assert saved.summary == "Edited meanwhile"
    assert saved.version == version + 2


def test_real_import_locks_the_documents_it_updates(db):
    doc = DocumentFactory(title="Old title")
    content = _csv(f"{doc.record_number},New title", header="record_number,title\n")
    importer = Importer(parse(content, "csv"), dry_run=False)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        importer._load_documents()
    assert any(
        'FROM "documents_document"' in q["sql"] and "FOR UPDATE" in q["sql"]
        for q in queries.captured_queries
    )


def test_entity_completion_keeps_an_edit_saved_while_the_import_runs(db):
    beria = PersonFactory(name="Lavrentiy Beria", birth="", notes="")
    version = Person.objects.get(pk=beria.pk).version
    content = json.dumps(
        {
            "people": [{"name": "Lavrentiy Beria", "birth": "1899"}],
            "documents": [{"title": "A note", "date": "1945"}],
        }
    )

    def edit():
        Person.objects.filter(pk=beria.pk).update(
            notes="Edited meanwhile", version=F("version") + 1
        )

    _plan_edit_apply(content, "json", edit)

    saved = Person.objects.get(pk=beria.pk)
    assert saved.birth == "1899"
    assert saved.notes == "Edited meanwhile"
    assert saved.version == version + 2


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_rows_with_and_without_record_numbers_mix(db, fmt):
    """The sequence must not hand an unnumbered row a number another row of the file uses."""
    taken = DocumentFactory(title="Already here").record_number
    rows = [{"title": "No number"}, {"record_number": taken + 1, "title": "Numbered"}]
    if fmt == "csv":
        content = _csv(",No number", f"{taken + 1},Numbered", header="record_number,title\n")
    else:
        content = json.dumps({"documents": rows})

    dry = import_file(content, fmt, dry_run=True)
    real = import_file(content, fmt, dry_run=False)

    assert dry.ok and _actions(dry) == ["created", "created"]
    assert real.written, real.errors
    numbers = dict(Document.objects.values_list("title", "record_number"))
    assert numbers["Numbered"] == taken + 1
    assert numbers["No number"] > taken + 1
    assert DocumentFactory(title="Made later").record_number > numbers["No number"]


def test_imported_text_gets_unix_newlines(db):
    csv_content = b'title,summary\r\n"From CSV","First line\r\nsecond line\rthird line"\r\n'
    json_content = json.dumps(
        {"documents": [{"title": "From JSON", "summary": "One\r\ntwo\rthree"}]}
    )

    assert import_file(csv_content, "csv", dry_run=False).written
    assert import_file(json_content, "json", dry_run=False).written

    summaries = dict(Document.objects.values_list("title", "summary"))
    assert summaries == {
        "From CSV": "First line\nsecond line\nthird line",
        "From JSON": "One\ntwo\nthree",
    }
