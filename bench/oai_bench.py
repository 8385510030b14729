"""Harvesting and bulk-download benchmark: `python bench/oai_bench.py [--documents 100000]`.

Builds a throwaway database on the configured server (DATABASE_URL, or the embedded one) with
N documents (90% published, one in three in a collection, 1% withdrawn with tombstones, dated
changes spread over five years), then times with Django's test client: Identify, the first
ListIdentifiers and ListRecords pages (which count the list), a page taken from a resumption
token deep in the list, an incremental harvest (`from` = last month), a full harvest of the
identifiers through every token, and building each bulk download. Prints the median of
`--runs` runs, SQL statements per request, and drops the database (`--keepdb` keeps it).
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")

BATCH = 5_000
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")


def build_corpus(count: int) -> None:
    from django.db import connection

    from documents.models import Collection, Document, DocumentTombstone, Repository

    rng = random.Random(1935)
    repository = Repository.objects.create(name="Bench archive", abbreviation="BA")
    collection = Collection.objects.create(title="Bench collection", slug="bench")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    statuses = ["published"] * 90 + ["draft"] * 5 + ["review"] * 4 + ["withdrawn"]
    for first in range(0, count, BATCH):
        docs = [
            Document(
                title=f"Bench report {n}",
                summary="A report on the situation in the province.",
                date_precision="undated",
                status=rng.choice(statuses),
                published_at=start,
                repository=repository,
            )
            for n in range(first, min(count, first + BATCH))
        ]
        Document.objects.bulk_create(docs)
        print(f"  {first + len(docs):,} / {count:,} documents", flush=True)
    through = Document.collections.through
    ids = list(Document.objects.values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(document_id=pk, collection_id=collection.pk) for pk in ids if pk % 3 == 0],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:  # changes spread over five years, one per second max
        cursor.execute(
            "UPDATE documents_document SET updated_at = %s + (random() * interval '1826 days')",
            [start],
        )
    withdrawn = Document.objects.filter(status="withdrawn").values_list("record_number", "title")
    DocumentTombstone.objects.bulk_create(
        [
            DocumentTombstone(
                record_number=n,
                title=t,
                reason="withdrawn",
                removed_at=start + timedelta(days=rng.randrange(1826)),
            )
            for n, t in withdrawn
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client, params, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, body, queries = [], b"", 0
    for _ in range(runs + 1):  # one warm-up
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/oai/", params)
            times.append(time.perf_counter() - started)
        body, queries = response.content, len(captured.captured_queries)
    return statistics.median(times[1:]), queries, body


def harvest_all(client) -> tuple[float, int, int]:
    started, pages, records = time.perf_counter(), 0, 0
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        body = client.get("/oai/", params).content
        pages += 1
        records += body.count(b"<header")
        match = TOKEN.search(body)
        if not match:
            return time.perf_counter() - started, pages, records
        params = {"verb": "ListIdentifiers", "resumptionToken": match.group(1).decode()}


def report(label: str, seconds: float, queries: int | None = None) -> None:
    extra = f", {queries} SQL statements" if queries is not None else ""
    print(f"{label:<58} {seconds * 1000:8.0f} ms{extra}")


def run(runs: int) -> None:
    from django.conf import settings
    from django.test import Client

    from documents.interchange import bulk

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    records = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    for label, params in [
        ("Identify", {"verb": "Identify"}),
        (
            "ListIdentifiers, first page (counts the list)",
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        ),
        ("ListRecords, first page", records),
        ("ListRecords, set=collection:bench", {**records, "set": "collection:bench"}),
        ("ListRecords, from = last month", {**records, "from": "2024-12-01"}),
    ]:
        seconds, queries, _ = timed(client, params, runs)
        report(label, seconds, queries)

    total, pages, records = harvest_all(client)
    print(
        f"{'full ListIdentifiers harvest':<58} {total:8.1f} s, {pages:,} pages, {records:,} "
        f"headers ({total / pages * 1000:.0f} ms a page)"
    )
    deep = _deep_token(client, pages // 2)
    seconds, queries, _ = timed(client, {"verb": "ListIdentifiers", "resumptionToken": deep}, runs)
    report(f"ListIdentifiers, page {pages // 2:,} from its token", seconds, queries)
    for fmt in bulk.FORMATS:
        started = time.perf_counter()
        export = bulk.build(fmt)
        print(
            f"{'build ' + bulk.FORMATS[fmt].filename:<58} {time.perf_counter() - started:8.1f} s, "
            f"{export.documents:,} documents, {export.size / 1e6:.1f} MB"
        )


def _deep_token(client, page: int) -> str:
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    for _ in range(page):
        token = TOKEN.search(client.get("/oai/", params).content).group(1).decode()
        params = {"verb": "ListIdentifiers", "resumptionToken": token}
    return params["resumptionToken"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keepdb", action="store_true", help="keep (and reuse) the database")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from documents.models import Document

    connection.settings_dict.setdefault("TEST", {})
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_oai_bench"
    old_name = connection.settings_dict["NAME"]
    print(f"Throwaway database {connection.settings_dict['TEST']['NAME']}...")
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.keepdb
    )
    try:
        if not (args.keepdb and Document.objects.exists()):
            build_corpus(args.documents)
        print(f"{Document.objects.count():,} documents; OAI_PAGE_SIZE 100; {os.cpu_count()} CPUs")
        run(args.runs)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
