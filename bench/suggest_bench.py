"""Did-you-mean benchmark: `python bench/suggest_bench.py --database-url URL --index DIR`.

On a corpus made by `bench/corpus.py` (same URL) whose index was built with
`manage.py search_index --rebuild` (same `SEARCH_INDEX_DIR`): the time to derive the
vocabulary once (what each process pays once per index build, then in the background every
15 minutes), its size, and the median and p95 of `--runs` calls of `suggest()` after one
warm-up, for searches spelled right (the cost every search pays) and misspelled ones.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORRECT = ["telegram", "Beria", "consignment", "border trade agreement", "Kashgar uprising"]
MISSPELLED = ["telegramm", "Berya", "Molotof", "consignmnet", "Kashgar uprisng", "Voroshilof"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index", required=True, help="the corpus's SEARCH_INDEX_DIR")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["SEARCH_INDEX_DIR"] = args.index
    os.environ["SEARCH_INLINE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")
    import django

    django.setup()
    from documents.search import suggestions
    from documents.search.engine.vocabulary import build_name

    started = time.perf_counter()
    stored = suggestions._derive_and_store(build_name())  # what the background thread does
    seconds = time.perf_counter() - started
    print(f"Vocabulary: {len(stored[1]):,} words derived in {seconds:.1f} s (once per build)")
    assert suggestions.vocabulary() is not None  # from the shared cache from here on

    print(f"{'search':<28} {'suggestion':<28} {'median ms':>10} {'p95 ms':>8}")
    for q in CORRECT + MISSPELLED:
        found = suggestions.suggest(q)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            suggestions.suggest(q)
            times.append((time.perf_counter() - started) * 1000)
        shown = found.best if found else "-"
        print(
            f"{q:<28} {shown:<28} {statistics.median(times):>10.1f} "
            f"{percentile(times, 0.95):>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
