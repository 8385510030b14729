"""Reading-room pages at scale: `python bench/pages_bench.py --database-url URL [--runs 20]`.

Times every public page of issue 8's table on a corpus made by `bench/corpus.py` (same URL;
build its index first with `manage.py search_index --rebuild`, or pass `--rebuild`), through
Django's test client in this one process, as a web worker runs them: server-side (the whole
request: middleware, views, SQL, templates), warm (one request first), median and p95 of
`--runs` requests. In the same run it times the engine's own calls for the same request (the
`search()`/`related()` calls the page made, replayed alone), and prints app time over engine
time, the page's SQL statements, and the process's memory at the end.

Settings: the development settings with DEBUG off and SEARCH_INLINE off (the index is read
as production reads it; no indexer is needed since nothing is written); the cache is the
process-local one.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(url: str, index_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_INDEX_DIR"] = index_dir
    os.environ["SEARCH_INLINE"] = "0"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class Recorder:
    """Wraps the engine functions the pages call, to replay the same calls alone."""

    TARGETS = [
        ("documents.reading_room.listing", "search"),
        ("documents.reading_room.home", "search"),
        ("documents.reading_room.related", "related"),
        ("documents.reading_room.feeds", "search"),
        ("documents.api.views", "search"),
    ]

    def __init__(self):
        import importlib

        self.calls: list[tuple] = []
        self.recording = False
        for module_name, name in self.TARGETS:
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            setattr(module, name, self._wrap(original))

    def _wrap(self, original):
        def wrapper(*args, **kwargs):
            if self.recording:
                self.calls.append((original, args, kwargs))
            return original(*args, **kwargs)

        return wrapper

    def record(self, make_request):
        self.calls, self.recording = [], True
        try:
            return make_request()
        finally:
            self.recording = False

    def replay(self) -> float:
        started = time.perf_counter()
        for function, args, kwargs in self.calls:
            function(*args, **kwargs)
        return (time.perf_counter() - started) * 1000


def pages() -> list[tuple[str, str, bool]]:
    """(label, address, clear the shared cache before each request)."""
    from bench.corpus import EVERY_WORD, PHRASE, RARE_WORD, TENTH_WORD
    from documents.search.engine import SearchRequest, search
    from documents.selectors import published_documents
    from people.models import Organization, Person, Place

    top = search(SearchRequest(facet_limit=1, page_size=1)).facet_counts
    place = Place.objects.get(pk=top["place"][0][0]).slug
    organization = Organization.objects.get(pk=top["organization"][0][0]).slug
    person = Person.objects.get(pk=top["person"][0][0]).slug
    document = published_documents().order_by("record_number")[1000]
    return [
        (f"search, a word in ~10% ({TENTH_WORD})", f"/documents/?q={TENTH_WORD}", False),
        (f"search, a word in every document ({EVERY_WORD})", f"/documents/?q={EVERY_WORD}", False),
        (f"search, a rare word ({RARE_WORD})", f"/documents/?q={RARE_WORD}", False),
        ("search, a quoted phrase (~3%)", f'/documents/?q="{PHRASE.replace(" ", "+")}"', False),
        ("/documents/, no query", "/documents/", False),
        (
            "two facets + date range 1936–1938-06",
            f"/documents/?place={place}&organization={organization}&date_from=1936&date_to=1938-06",
            False,
        ),
        ("page 5,000, no query", "/documents/?page=5000", False),
        ("page 5,000 of the ~10% word (relevance)", f"/documents/?q={TENTH_WORD}&page=5000", False),
        ("document page with related documents", document.get_absolute_url(), False),
        ("entity page, person-1 (4% of documents)", "/people/person-1/", False),
        (f"entity page, the most named person ({person})", f"/people/{person}/", False),
        ("home (shared cache warm)", "/", False),
        ("home, built (shared cache emptied before each)", "/", True),
        ("feed of the ~10% word", f"/documents/feed/?q={TENTH_WORD}", False),
        ("API list of the ~10% word", f"/api/documents/?q={TENTH_WORD}", False),
    ]


def results_of(response) -> str:
    import re

    found = re.search(rb'results-count__range">[^<]* of ([\d,]+)<', response.content)
    if found:
        return f"{int(found.group(1).replace(b',', b'')):,}"
    return ""


class StatementCounter:
    """Counts SQL statements through a connection wrapper (Django resets its own query log at
    the start of every request, so CaptureQueriesContext would miss them)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def statements_of(client, url: str) -> int:
    from django.db import connection

    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        client.get(url)
    return counter.count


def time_pages(runs: int) -> None:
    from django.core.cache import cache
    from django.test import Client

    recorder = Recorder()
    client = Client()
    header = (
        f"{'page':<52} {'results':>9} {'app ms':>15} {'engine ms':>15} "
        f"{'app/engine':>10} {'SQL':>4}"
    )
    print(header)
    print(f"{'':<52} {'':>9} {'median':>7} {'p95':>7} {'median':>7} {'p95':>7}")
    for label, url, cold_cache in pages():
        if cold_cache:
            cache.clear()
        response = recorder.record(lambda url=url: client.get(url))  # warm-up, and the calls
        if response.status_code == 404:  # page 5,000 of a small corpus
            print(f"{label:<52} (no such page in this corpus)")
            continue
        assert response.status_code == 200, (url, response.status_code)
        if cold_cache:
            cache.clear()
        statements = statements_of(client, url)
        app, engine = [], []
        for _ in range(runs):
            if cold_cache:
                cache.clear()
            started = time.perf_counter()
            client.get(url)
            app.append((time.perf_counter() - started) * 1000)
            engine.append(recorder.replay())
        ratio = statistics.median(app) / max(statistics.median(engine), 1e-6)
        engine_text = (
            f"{statistics.median(engine):>7.1f} {percentile(engine, 0.95):>7.1f}"
            if recorder.calls
            else f"{'(cached)':>15}"
        )
        print(
            f"{label:<52} {results_of(response):>9} {statistics.median(app):>7.1f} "
            f"{percentile(app, 0.95):>7.1f} {engine_text} "
            f"{(f'{ratio:.2f}x' if recorder.calls else '—'):>10} {statements:>4}",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nWeb worker memory after all of the above: {rss_mb():,.0f} MB RSS (peak {peak:,.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a corpus from bench/corpus.py")
    parser.add_argument("--index-dir", default=str(ROOT / "var" / "bench-search-index"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="build the index first")
    args = parser.parse_args()
    setup(args.database_url, args.index_dir)
    if args.rebuild:
        from documents.search.engine import indexer

        report = indexer.rebuild(lambda line: print(line, flush=True))
        print(f"Rebuild: {report.documents:,} documents in {report.seconds:.0f} s; "
              f"index {report.bytes / 1e6:,.0f} MB\n")  # fmt: skip
    print(f"{os.cpu_count()} CPUs; {args.runs} timed requests per page after one warm-up\n")
    time_pages(args.runs)


if __name__ == "__main__":
    main()
