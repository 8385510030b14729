"""Load on the production server: `python bench/load_bench.py [--users 64] [--seconds 60]`.

Creates a throwaway database next to DATABASE_URL's (dropped afterwards) and loads the
demo collection, or with `--database-url` uses a corpus made by bench/corpus.py (and
`--index-dir` its search index); starts `manage.py serve` (gunicorn, production settings,
Redis cache from BENCH_REDIS_URL, default redis://127.0.0.1:6379/4) on --port, and runs
locust's headless client with the reading room's mix (bench/locustfile.py: lists, searches,
facets, documents, entity pages, API) for --seconds with --users concurrent readers. Prints
requests per second, failures and p50/p95/p99 per kind of page. The load generator shares the
server, so the numbers are a floor. With `--warm-up N` the same load runs N seconds first,
unmeasured: the numbers are then those of a server whose page cache holds what readers ask
for often, as after hours of service, rather than of one just started.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (  # noqa: E402
    REDIS_URL,
    AppServer,
    add_corpus_arguments,
    cache_prefix,
    corpus_env,
    corpus_or_demo,
    forget_cache,
    log,
    production_env,
    run_locust,
    scratch_directory,
    targets,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: 2 per CPU)")
    parser.add_argument("--threads", type=int, help="threads per worker (default 4)")
    parser.add_argument("--no-cache", action="store_true", help="no Redis: per-process cache")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=0,
        help="first run the same load for this many seconds, unmeasured: a server that has "
        "been serving, whose caches hold what readers ask for (default 0: from cold caches, "
        "after a 5 s trickle of 8 readers)",
    )
    add_corpus_arguments(parser)
    args = parser.parse_args()

    prefix = cache_prefix("loadbench")
    try:
        run(args, prefix)
    finally:
        if not args.no_cache:
            forget_cache(prefix)


def run(args, prefix: str) -> None:
    with corpus_or_demo(args.database_url, "loadbench") as database_url, \
            scratch_directory("load-") as tmp:  # fmt: skip
        extra = corpus_env(args)
        if not args.no_cache:
            extra.update(CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
        if args.workers:
            extra["WEB_CONCURRENCY"] = str(args.workers)
        if args.threads:
            extra["GUNICORN_THREADS"] = str(args.threads)
        env = production_env(args.port, database_url, **extra)
        with AppServer(args.port, env, tmp / "server.log") as server:
            found = targets(server.url)
            (tmp / "targets.json").write_text(json.dumps(found))
            log(f"warming up, then {args.users} readers for {args.seconds} s on {server.url}")
            run_locust(server.url, 8, 5, tmp, tmp / "targets.json")
            if args.warm_up > 0:
                log(f"warm-up: {args.users} readers for {args.warm_up} s, not measured")
                run_locust(server.url, args.users, args.warm_up, tmp, tmp / "targets.json")
            stats = run_locust(server.url, args.users, args.seconds, tmp, tmp / "targets.json")
        report(stats, args, env)


def report(stats: dict, args, env: dict) -> None:
    workers = env.get("WEB_CONCURRENCY") or f"{2 * (os.cpu_count() or 1)} (default)"
    print(f"\n{args.users} clients, {args.seconds} s, gunicorn workers {workers}, "
          f"threads {env.get('GUNICORN_THREADS', '4 (default)')}, "
          f"cache {'Redis' if 'CACHE_URL' in env else 'per process'}, "
          f"warm-up {args.warm_up} s")  # fmt: skip
    print(f"{'page':<14}{'requests':>10}{'failures':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, (count, failures, p50, p99) in sorted(stats["by_name"].items()):
        print(f"{name:<14}{count:>10}{failures:>10}{p50:>9.0f}{p99:>9.0f}")
    print(
        f"\nTOTAL {stats['requests']} requests, {stats['failures']} failed, "
        f"{stats['rps']:.0f} requests/s, p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, "
        f"p99 {stats['p99']:.0f} ms"
    )
    if stats["page_cache"]:
        print(f"page cache: {stats['page_cache']} (hit: served from the cache, miss: built "
              "and kept, none: not cacheable or not kept)")  # fmt: skip


if __name__ == "__main__":
    main()
