"""Search engine benchmark: `python bench/engine_bench.py --database-url URL [--rebuild]`.

Times the engine's answers for the reading room's hardest lists on a corpus made by
`bench/corpus.py` (same URL): median and p95 of `--runs` runs after one warm-up, in this one
process, as a web worker would run them. "engine" is `search()` alone (ids of the page, exact
count, every facet's counts, the year histogram); "+ rows" adds loading the ten rows from
PostgreSQL by id and highlighting their titles and snippets. `--rebuild` first builds the
index from the database (time and size reported); `--latency` starts a `search_index --follow`
process and measures how long a publish takes to become searchable.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(url: str, index_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_INDEX_DIR"] = index_dir
    os.environ["SEARCH_INLINE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")
    import django

    django.setup()


def rebuild() -> None:
    from documents.search.engine import indexer

    report = indexer.rebuild(lambda line: print(line, flush=True))
    print(
        f"Rebuild: {report.documents:,} documents in {report.seconds:.0f} s "
        f"({report.documents / report.seconds:,.0f}/s); index {report.bytes / 1e6:,.0f} MB\n"
    )


def with_rows(request):
    """What a page needs from the engine and the database: the result, then the ten rows
    from PostgreSQL by id with highlighted titles and snippets."""
    from documents.models import Document
    from documents.search.engine import document_snippet, highlight, search

    result = search(request)
    rows = Document.objects.filter(pk__in=result.ids).only("title", "summary", "full_text")
    for row in rows:
        highlight(result.query, row.title)
        document_snippet(result.query, row.summary, row.full_text)
    return result


def cases():
    from bench.corpus import EVERY_WORD, PHRASE, RARE_WORD, TENTH_WORD
    from documents.search.engine import SearchRequest, search

    top = search(SearchRequest(facet_limit=1)).facet_counts
    place, organization = top["place"][0][0], top["organization"][0][0]
    return [
        (f"word in ~10% ({TENTH_WORD})", SearchRequest(q=TENTH_WORD)),
        (f"word in every document ({EVERY_WORD})", SearchRequest(q=EVERY_WORD)),
        (f"rare word ({RARE_WORD})", SearchRequest(q=RARE_WORD)),
        (f'quoted phrase "{PHRASE}"', SearchRequest(q=f'"{PHRASE}"')),
        ("no query (date order)", SearchRequest()),
        (
            "two facets + date range 1936–1938-06",
            SearchRequest(
                facets={"place": [place], "organization": [organization]},
                date_from=date(1936, 1, 1),
                date_to=date(1938, 6, 30),
            ),
        ),
        ("page 5,000, no query", SearchRequest(page=5000)),
        (f"page 5,000, {TENTH_WORD} (relevance)", SearchRequest(q=TENTH_WORD, page=5000)),
        ("entity with ~40,000 documents (person-1)", SearchRequest(within=("person", 1))),
        ("home: counts, top 8 per facet", SearchRequest(facet_limit=8, page_size=6)),
    ]


REBUILT = False


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_cases(runs: int) -> None:
    from documents.search.engine import search

    print(f"{'list':<44} {'results':>9}  {'engine ms':>17}  {'+ rows ms':>17}")
    print(f"{'':<44} {'':>9}  {'median':>8} {'p95':>8}  {'median':>8} {'p95':>8}")
    for label, request in cases():
        result = with_rows(request)  # warm-up
        engine, total = [], []
        for _ in range(runs):
            started = time.perf_counter()
            search(request)
            engine.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with_rows(request)
            total.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:<44} {result.total:>9,}  {statistics.median(engine):>8.1f} "
            f"{percentile(engine, 0.95):>8.1f}  {statistics.median(total):>8.1f} "
            f"{percentile(total, 0.95):>8.1f}",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nMemory of this process with the index open, after all of the above: {rss_mb():,.0f} MB "
        f"RSS (peak {peak:,.0f} MB{', including the rebuild' if REBUILT else ''})"
    )


def latency(samples: int = 10) -> None:
    """Publish drafts one by one while a follower runs; time until each is found."""
    from django.db import transaction
    from django.utils import timezone

    from documents.models import Document
    from documents.search.engine import SearchRequest, search

    follower = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "search_index", "--follow"],
        stdout=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        time.sleep(3)
        drafts = list(Document.objects.filter(status="draft").order_by("pk")[:samples])
        waits = []
        for doc in drafts:
            marker = f"publishmarker{doc.pk}"
            with transaction.atomic():
                Document.objects.filter(pk=doc.pk).update(
                    status="published", published_at=timezone.now(), title=f"{doc.title} {marker}"
                )
            started = time.perf_counter()
            while not search(SearchRequest(q=marker, with_facets=False, with_histogram=False)).ids:
                time.sleep(0.01)
            waits.append(time.perf_counter() - started)
        print(
            f"\nPublish to searchable ({len(waits)} publishes, follower polling every 0.5 s): "
            f"median {statistics.median(waits):.2f} s, max {max(waits):.2f} s"
        )
    finally:
        follower.terminate()
        follower.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a corpus from bench/corpus.py")
    parser.add_argument("--index-dir", default=str(ROOT / "var" / "bench-search-index"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="build the index first")
    parser.add_argument("--latency", action="store_true", help="time publish to searchable")
    args = parser.parse_args()
    setup(args.database_url, args.index_dir)
    if args.rebuild:
        global REBUILT
        REBUILT = True
        rebuild()
    print(f"{os.cpu_count()} CPUs; {args.runs} timed runs per list after one warm-up\n")
    time_cases(args.runs)
    if args.latency:
        latency()


if __name__ == "__main__":
    main()
