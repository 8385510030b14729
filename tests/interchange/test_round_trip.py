"""Export then import: JSON reproduces everything in an empty database, CSV the documents and
their links, and an edited export changes exactly what was edited."""

import csv
import io
import json

import pytest

from documents.interchange import exporting
from documents.interchange.importing import import_file
from documents.models import (
    Document,
)
from people.models import Person
from tests.interchange.helpers import (
    _actions,
    canonical_dump,
    documents_by_name,
    empty_the_archive,
)

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


def test_csv_export_then_import_reproduces_documents_and_links(rich_archive):
    before = documents_by_name()
    stream = io.StringIO()
    exporting.write_csv(Document.objects.all(), stream)

    empty_the_archive()
    report = import_file(stream.getvalue(), "csv", dry_run=False, create_repositories=True)

    assert report.written
    assert sorted(report.created["person"]) == ["Lavrentiy Beria", "Sud'in; an official"]
    after = documents_by_name()
    for old, new in zip(before, after, strict=True):
        old.pop("entity_text"), new.pop("entity_text")  # variants are not in CSV
    assert after == before


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_edit_one_cell_import_changes_exactly_that_cell(rich_archive, fmt):
    before = canonical_dump()
    first = rich_archive[0]
    if fmt == "csv":
        stream = io.StringIO()
        exporting.write_csv(Document.objects.all(), stream)
        rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
        rows[0]["summary"] = "One corrected cell."
        edited = io.StringIO()
        writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        content = edited.getvalue()
    else:
        data = exporting.export_data(Document.objects.all())
        data["documents"][0]["summary"] = "One corrected cell."
        content = json.dumps(data)

    report = import_file(content, fmt, dry_run=False)

    assert report.written, [r.messages for r in report.rows]
    assert _actions(report) == ["updated", "unchanged", "unchanged", "unchanged"]
    assert [(c.field, c.after) for c in report.rows[0].changes] == [
        ("summary", "One corrected cell.")
    ]
    after = canonical_dump()
    assert after["documents"][0]["summary"] == "One corrected cell."
    after["documents"][0]["summary"] = before["documents"][0]["summary"]
    assert after == before
    assert Document.objects.get(pk=first.pk).summary == "One corrected cell."
