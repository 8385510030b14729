"""Role-aware entity pages, “often appears with”, timeline and map at scale:
`python bench/atlas_bench.py --database-url URL [--rebuild] [--runs 20]`.

On a corpus made by `bench/corpus.py` (same URL; a throwaway database). The corpus's places
have no coordinates, so this first gives 80% of them deterministic ones (a box over Xinjiang)
in that database. Times, in this one process, the engine calls alone and whole pages through
Django's test client (rendering included): median and p95 of `--runs` runs after a warm-up.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine_bench import percentile, rebuild, setup  # noqa: E402


def place_coordinates() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_place SET latitude = 36 + (id * 7919 % 1000) / 100.0, "
            "longitude = 74 + (id * 104729 % 2000) / 100.0 WHERE id % 5 <> 0 "
            "AND latitude IS NULL"
        )


def timed(label: str, call, runs: int) -> None:
    call()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<58} {statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", default=str(ROOT / "var" / "bench-atlas-index"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup(args.database_url, args.index_dir)
    place_coordinates()
    if args.rebuild:
        rebuild()

    from django.core.cache import cache
    from django.test import Client

    from documents.search.engine import SearchRequest, appears_with, role_counts, search

    person = ("person", 1)  # the most named person: ~4% of documents
    client = Client()

    def page(path: str):
        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return get

    print(f"{'':<58} {'median':>8} {'p95':>8}  (ms)")
    total = search(SearchRequest(within=person, page_size=1, with_facets=False)).total
    print(f"person-1 is named in {total:,} public documents")
    timed("engine: person-1's list", lambda: search(SearchRequest(within=person)), args.runs)
    timed(
        "engine: person-1's list, role=author",
        lambda: search(SearchRequest(within=person, roles=("author",))),
        args.runs,
    )
    timed(
        "engine: person-1's counts per role",
        lambda: role_counts(SearchRequest(within=person)),
        args.runs,
    )  # noqa: E501
    timed("engine: often appears with person-1", lambda: appears_with("person", 1), args.runs)
    timed(
        "engine: /documents/?person=person-1&role=recipient",
        lambda: search(SearchRequest(facets={"person": [1]}, roles=("recipient",))),
        args.runs,
    )
    timed("page: /people/person-1/", page("/people/person-1/"), args.runs)
    timed("page: /people/person-1/?role=author", page("/people/person-1/?role=author"), args.runs)
    timed("page: /places/place-1/", page("/places/place-1/"), args.runs)
    timed("page: /timeline/", page("/timeline/"), args.runs)
    timed("page: /timeline/?person=person-1", page("/timeline/?person=person-1"), args.runs)

    def cold_map():
        cache.clear()
        page("/map/")()

    timed("page: /map/ (cache cleared each time)", cold_map, args.runs)
    timed("page: /map/ (kept until a change)", page("/map/"), args.runs)
    timed("page: /map/?person=person-1", page("/map/?person=person-1"), args.runs)


if __name__ == "__main__":
    main()
