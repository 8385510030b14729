"""The import and export management commands."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

from documents.models import (
    Document,
)
from documents.selectors import published_documents
from tests.factories import DocumentFactory, DocumentPersonFactory
from tests.interchange.helpers import (
    SEED,
    _csv,
)

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


def test_import_command_dry_run_shows_before_after_and_warnings(db, tmp_path):
    doc = DocumentFactory(title="Public report", summary="Old summary.")
    DocumentPersonFactory(document=doc, person__name="Lavrentiy Beria", role="author")
    path = tmp_path / "edit.csv"
    path.write_text(
        f"record_number,summary,status,people\n{doc.record_number},New summary.,draft,-\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command("import_documents", str(path), "--dry-run", stdout=out, stderr=io.StringIO())

    output = out.getvalue()
    assert "summary: Old summary. → New summary." in output
    assert "status: Published → Draft" in output
    assert "WARNING: This row would unpublish the document" in output
    assert "WARNING: This row would remove people: Lavrentiy Beria (author)." in output
    assert "Warnings on 1 row" in output
    assert published_documents().filter(pk=doc.pk).exists()
