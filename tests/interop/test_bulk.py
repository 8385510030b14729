"""Bulk downloads of the published collection (JSON Lines, CSV): listed in the API index with
checksum, size and time; published documents only, without internal notes; rebuilt when the
collection changes; importable again."""

import base64
import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents.interchange.bulk import PUBLIC_CSV_COLUMNS
from documents.interchange.formats import parse
from documents.models import CollectionExport, Document
from tests.factories import DocumentFactory, DocumentPersonFactory, PersonFactory

Status = Document.Status


@pytest.fixture
def collection(db):
    public = DocumentFactory.create_batch(3, internal_notes="Ask the donor first")
    DocumentPersonFactory(document=public[0], person=PersonFactory(name="Sheng Shicai"))
    hidden = [
        DocumentFactory(status=Status.DRAFT, title="Draft telegram"),
        DocumentFactory(status=Status.WITHDRAWN, title="Withdrawn report"),
        DocumentFactory(
            title="Embargoed decision", publish_on=timezone.now() + datetime.timedelta(days=9)
        ),
    ]
    return public, hidden


def listing(client) -> dict:
    response = client.get("/api/")
    assert response.status_code == 200
    return {entry["format"]: entry for entry in response.json()["downloads"]}


def fetch(client, url: str):
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_api_index_lists_each_download_with_checksum_size_and_time(client, collection):
    entries = listing(client)
    assert set(entries) == {"jsonl", "csv"}
    for entry in entries.values():
        response, body = fetch(client, entry["url"])
        assert entry["size"] == len(body) == int(response["Content-Length"])
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert entry["documents"] == 3
        assert datetime.datetime.fromisoformat(entry["generated_at"]) <= timezone.now()
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{digest}:"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Expose-Headers"] == "ETag, Repr-Digest"
        checksum = client.get(entry["sha256_url"].removeprefix("http://testserver"))
        assert checksum.content.decode() == f"{entry['sha256']}  {entry['url'].rsplit('/')[-1]}\n"


def test_csv_holds_published_documents_in_the_export_layout_and_imports_again(client, collection):
    public, hidden = collection
    _, body = fetch(client, listing(client)["csv"]["url"])
    text = body.decode()

    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == PUBLIC_CSV_COLUMNS
    assert sorted(int(r["record_number"]) for r in rows) == sorted(d.record_number for d in public)
    assert "internal_notes" not in rows[0]
    assert "Ask the donor first" not in text
    for doc in hidden:
        assert doc.title not in text
    assert "Sheng Shicai" in rows[0]["people"]
    assert not parse(body, "csv").errors


def test_jsonl_holds_one_published_document_per_line(client, collection):
    public, hidden = collection
    response, body = fetch(client, listing(client)["jsonl"]["url"])
    records = [json.loads(line) for line in body.decode().splitlines()]

    assert response["Content-Disposition"] == 'attachment; filename="documents.jsonl"'
    assert sorted(r["record_number"] for r in records) == sorted(d.record_number for d in public)
    assert all("internal_notes" not in r for r in records)
    assert {r["title"] for r in records} == {d.title for d in public}
    assert all(r["status"] == "published" for r in records)


def test_files_are_rebuilt_when_the_collection_changes_and_only_then(client, collection):
    before = listing(client)
    assert listing(client) == before  # nothing changed: the same files

    DocumentFactory(title="Newly published")
    after = listing(client)
    assert after["csv"]["sha256"] != before["csv"]["sha256"]
    assert after["csv"]["documents"] == 4
    assert "Newly published" in fetch(client, after["csv"]["url"])[1].decode()

    person = PersonFactory._meta.model.objects.get(name="Sheng Shicai")
    person.name = "Sheng Shih-ts'ai"
    person.save()
    renamed = listing(client)
    assert "Sheng Shih-ts'ai" in fetch(client, renamed["csv"]["url"])[1].decode()
    assert CollectionExport.objects.count() == 2


def test_withdrawing_a_document_takes_it_out_of_the_files(client, collection):
    public, _ = collection
    listing(client)
    Document.objects.filter(pk=public[0].pk).update(status=Status.WITHDRAWN)
    _, body = fetch(client, listing(client)["jsonl"]["url"])
    numbers = [json.loads(line)["record_number"] for line in body.decode().splitlines()]
    assert public[0].record_number not in numbers


def test_old_files_are_rebuilt_after_the_maximum_age(client, collection, settings):
    first = listing(client)["csv"]["generated_at"]
    CollectionExport.objects.update(generated_at=timezone.now() - datetime.timedelta(days=2))
    settings.BULK_EXPORT_MAX_AGE = 24 * 3600
    assert listing(client)["csv"]["generated_at"] > first


def test_conditional_requests(client, collection):
    entry = listing(client)["csv"]
    path = entry["url"].removeprefix("http://testserver")
    unchanged = client.get(path, HTTP_IF_NONE_MATCH=f'"{entry["sha256"]}"')
    assert unchanged.status_code == 304


def test_large_collections_are_served_from_the_last_file_and_rebuilt_by_the_command(
    client, collection, settings
):
    settings.BULK_EXPORT_INLINE_LIMIT = 2  # the collection (3 documents) counts as large
    before = listing(client)  # no file yet: built once, whatever the size
    DocumentFactory(title="Published after the last build")
    assert listing(client) == before  # served as it was, not rebuilt in the request

    with pytest.raises(CommandError):
        call_command("export_collection", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_collection", stdout=out)

    assert "documents.csv: writing 4 documents" in out.getvalue()
    assert listing(client)["csv"]["documents"] == 4
    call_command("export_collection", "--check", stdout=io.StringIO())  # now current


def test_errors_are_json(client, db):
    missing = client.get("/api/downloads/everything.zip")
    assert missing.status_code == 404
    assert "documents.csv" in missing.json()["error"]
    refused = client.post("/api/downloads/documents.csv")
    assert refused.status_code == 405
    assert refused.json()["error"]
    preflight = client.options("/api/downloads/documents.csv")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
