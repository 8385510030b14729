"""Reading-room benchmark: `python bench/search_bench.py [--documents 50000] [--runs 5]`.

Loads a corpus with `bench/corpus.py` (its distribution is documented there; through COPY, a
million documents in minutes, plus the PostgreSQL search vector these pages still use) into a
throwaway database beside `DATABASE_URL`'s (`<name>_search_bench`, dropped afterwards), then
times the public pages with Django's test client and prints the median and p95 per page and
its number of SQL queries. `--explain` also prints EXPLAIN (ANALYZE, BUFFERS) of the main
search query; `--keepdb` keeps (and reuses) the database between runs; `--index` also builds
the search engine's index (`manage.py search_index --rebuild`) for pages that read it.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

COMMON_WORD = corpus.EVERY_WORD  # in every document
RARE_WORD = corpus.RARE_WORD
PHRASE = corpus.PHRASE


def bench_url() -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: the benchmark makes its own "
                         "database beside that one.")  # fmt: skip
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_search_bench"))


def pages() -> list[tuple[str, str]]:
    """(label, address) of the public pages that matter, with realistic parameters."""
    from django.db.models import Count

    from documents.selectors import published_documents
    from people.models import Person, Place

    top_person = (
        Person.objects.annotate(n=Count("document_links")).order_by("-n").values("slug", "n")[0]
    )
    top_place = Place.objects.annotate(n=Count("document_links")).order_by("-n").values("slug")[0]
    second_person = (
        Person.objects.annotate(n=Count("document_links")).order_by("-n").values("slug")[1]
    )
    doc = published_documents().order_by("record_number")[100]
    return [
        ("home", "/"),
        ("list, no query", "/documents/"),
        (f"q={COMMON_WORD} (common)", f"/documents/?q={COMMON_WORD}"),
        (f"q={RARE_WORD} (rare)", f"/documents/?q={RARE_WORD}"),
        ('q="phrase"', f'/documents/?q="{PHRASE}"'),
        (
            "q + two facets",
            f"/documents/?q={COMMON_WORD}&place={top_place['slug']}&person={second_person['slug']}",
        ),
        ("date range 1936–1938", "/documents/?date_from=1936&date_to=1938-06"),
        ("page 200, no query", "/documents/?page=200"),
        (f"page 200, q={COMMON_WORD}", f"/documents/?q={COMMON_WORD}&page=200"),
        (f"person page ({top_person['n']:,} links)", f"/people/{top_person['slug']}/"),
        ("document page", doc.get_absolute_url()),
        ("/people/ A–Z", "/people/"),
        ("/people/?letter=B", "/people/?letter=B"),
    ]


def time_pages(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 404s stay quiet
    client = Client()
    print(f"\n{'page':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
    for label, url in pages():
        client.get(url)  # warm caches and the plan cache once
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:<36} {statistics.median(times):>10.0f} {p95:>8.0f} {len(queries):>8}  "
            f"{response.status_code}"
        )


def explain() -> None:
    from django.db import connection

    from documents.reading_room.listing import DEFAULT_PAGE_SIZE
    from documents.search.filters import DocumentFilter
    from documents.selectors import published_documents

    filterset = DocumentFilter({"q": COMMON_WORD}, queryset=published_documents())
    filterset.is_valid()
    queryset = filterset.ordered(filterset.qs)[:DEFAULT_PAGE_SIZE]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for q in (COMMON_WORD, RARE_WORD):
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + sql, [q if p == COMMON_WORD else p for p in params]
            )
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the search page query, q={q}:")
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the search query plan")
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the database; reuse it if it has a corpus"
    )
    parser.add_argument("--index", action="store_true", help="also build the search index")
    args = parser.parse_args()

    url = bench_url()
    print(f"Throwaway database {urlsplit(url).path.lstrip('/')}...")
    corpus.create_or_drop(url, drop=False)
    corpus.migrate(url)  # sets up Django on that database
    from django.db import connection

    from documents.models import Document
    from documents.selectors import published_documents

    try:
        existing = Document.objects.count()
        if existing and args.keepdb and corpus.has_computed_search_vector(url):
            print(f"Reusing its corpus of {existing:,} documents.")
        else:
            if not corpus.has_computed_search_vector(url):
                connection.close()
                corpus.create_or_drop(url, drop=True)
                corpus.create_or_drop(url, drop=False)
                corpus.migrate(url)
            corpus.load(url, args.documents, corpus.SEED, search_vector="compute")
        if args.index:
            from documents.search.engine import indexer

            indexer.rebuild(print)
        print(
            f"{Document.objects.count():,} documents, {published_documents().count():,} "
            f"published; {os.cpu_count()} CPUs; {args.runs} timed runs per page after one warm-up"
        )
        if args.explain:
            explain()
        time_pages(args.runs)
    finally:
        connection.close()
        if not args.keepdb:
            corpus.create_or_drop(url, drop=True)


if __name__ == "__main__":
    main()
