"""Edits saved while an import runs are kept; record numbers and newlines."""

import json

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from documents.interchange.formats import parse
from documents.interchange.importing import Importer, import_file
from documents.interchange.importing.existing import load_existing
from documents.models import (
    Document,
)
from people.models import Person
from tests.factories import (
    DocumentFactory,
    PersonFactory,
    RepositoryFactory,
)
from tests.interchange.helpers import (
    _actions,
    _csv,
)

# --- edits made while an import runs, record numbers, newlines ------------------------------


def _plan_edit_apply(content, fmt, edit):
    """Plan a real import, let `edit` save a change as another user would, then write."""
    importer = Importer(parse(content, fmt), dry_run=False)
    with transaction.atomic():
        plans = importer.plan()
        assert importer.report.ok
        edit()
        importer.write(plans)
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
    parsed = parse(content, "csv")

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        load_existing(parsed.rows, lock=True)
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
