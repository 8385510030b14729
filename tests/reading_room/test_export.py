"""Exporting a whole result set from the document list: RIS, BibTeX, CSV and JSON, read back
by the tools readers use (rispy, pybtex) and by the archive's own importer."""

import csv
import datetime
import io
import json

import pytest
import rispy
from pybtex.database import parse_string

from documents.interchange.formats import parse
from documents.models import Document
from documents.reading_room import result_set
from tests.factories import DocumentFactory, DocumentPlaceFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs():
    xinjiang = PlaceFactory(name="Xinjiang", slug="xinjiang")
    made = []
    for day, title in [(3, "Report on oil"), (1, "Telegram on oil"), (2, "Letter on wool")]:
        doc = DocumentFactory(
            title=title,
            date_earliest=datetime.date(1937, 5, day),
            date_latest=datetime.date(1937, 5, day),
            source_citation="RGASPI, f. 17",
            internal_notes="Archivists only: check the copy.",
        )
        DocumentPlaceFactory(document=doc, place=xinjiang)
        made.append(doc)
    hidden = DocumentFactory(title="Draft on oil", status=Document.Status.DRAFT)
    DocumentPlaceFactory(document=hidden, place=xinjiang)
    return made


def export(client, fmt: str, query: str = "", status: int = 200):
    response = client.get(f"/documents/export.{fmt}" + (f"?{query}" if query else ""))
    assert response.status_code == status, response.content[:300]
    return response


def test_ris_round_trips_through_rispy_in_the_lists_order(client, docs):
    response = export(client, "ris", "q=oil&place=xinjiang&sort=date")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="documents-')
    entries = rispy.loads(response.content.decode())
    assert [e["title"] for e in entries] == ["Telegram on oil", "Report on oil"]
    assert all(e["type_of_reference"] == "MANSCPT" for e in entries)
    assert entries[0]["urls"] == [f"http://testserver{docs[1].get_absolute_url()}"]
    assert response["X-Total-Count"] == "2" and response["X-Exported-Count"] == "2"


def test_bibtex_round_trips_through_pybtex(client, docs):
    text = export(client, "bib", "place=xinjiang&sort=-date").content.decode()
    entries = parse_string(text, "bibtex").entries
    assert list(entries) == [f"record{d.record_number}_1937" for d in (docs[0], docs[2], docs[1])]
    first = entries[f"record{docs[0].record_number}_1937"]
    assert first.fields["title"].strip("{}") == "Report on oil"
    assert first.fields["year"] == "1937"
    assert "Draft on oil" not in text


def test_csv_is_the_public_import_layout(client, docs):
    text = export(client, "csv", "place=xinjiang&sort=title").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["Letter on wool", "Report on oil", "Telegram on oil"]
    assert "internal_notes" not in rows[0] and "Archivists only" not in text
    parsed = parse(text, "csv")
    assert [row.data["title"] for row in parsed.rows] == [row["title"] for row in rows]


def test_json_is_the_public_import_layout_with_what_was_asked(client, docs):
    response = export(client, "json", "q=oil")
    data = json.loads(response.content)
    assert data["total"] == data["count"] == 2
    assert data["list"] == "http://testserver/documents/?q=oil"
    assert {d["title"] for d in data["documents"]} == {"Report on oil", "Telegram on oil"}
    assert all("internal_notes" not in d for d in data["documents"])
    parsed = parse(response.content.decode(), "json")
    assert len(parsed.rows) == 2


def test_at_most_the_limit_is_exported_and_the_total_is_said(client, docs, monkeypatch):
    monkeypatch.setattr(result_set, "EXPORT_LIMIT", 2)
    response = export(client, "json", "sort=date")
    data = json.loads(response.content)
    assert data["count"] == 2 and data["total"] == 3
    assert response["X-Total-Count"] == "3" and response["X-Exported-Count"] == "2"
    assert [d["title"] for d in data["documents"]] == ["Telegram on oil", "Letter on wool"]


def test_an_empty_result_is_an_empty_file(client, docs):
    assert export(client, "ris", "q=nothingmatches").content == b""
    text = export(client, "csv", "q=nothingmatches").content.decode()
    assert text.count("\n") == 1  # the header row


@pytest.mark.parametrize(
    ("address", "status"),
    [
        ("/documents/export.ris?date_from=1945-13", 400),
        ("/documents/export.csv?q=a%00b", 400),
        ("/documents/export.json?q=" + "x" * 501, 400),
        ("/documents/export.pdf", 404),
        ("/documents/export.", 404),
        ("/documents/export.ris?page=banana&sort=banana&place=nowhere", 200),
    ],
)
def test_bad_input_is_a_clear_answer_never_a_500(client, docs, address, status):
    assert client.get(address).status_code == status


def test_queries_do_not_grow_with_the_result_set(client, docs, django_assert_max_num_queries):
    for _ in range(20):
        DocumentPlaceFactory(document=DocumentFactory(title="More on oil"))
    for fmt in ("ris", "bib", "csv", "json"):
        with django_assert_max_num_queries(14):
            export(client, fmt, "q=oil")


def test_the_list_offers_its_export_with_its_own_choices(client, docs):
    html = client.get("/documents/?q=oil&place=xinjiang&page_size=20").content.decode()
    assert "Export these 2 results" in html
    for fmt in ("ris", "bib", "csv", "json"):
        assert f'href="/documents/export.{fmt}?q=oil&amp;place=xinjiang"' in html
