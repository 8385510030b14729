"""A PostgreSQL restart under load: `python bench/restart_bench.py [--users 64]`.

Makes a throwaway PostgreSQL cluster of its own (initdb, port --pg-port, default 5434: the
shared server is never touched), loads the demo, serves it with `manage.py serve`
(production settings) and runs the reading room's load mix (bench/locustfile.py) against it.
--restart-at seconds in, the cluster is restarted: stopped (`pg_ctl stop -m fast`, which
ends every connection), kept down --down-seconds (default 3: a busy server's restart takes
seconds), then started. Every request is logged with its start
time, so the report counts failures before, during (overlapping the restart) and after it.
Target: at most 5% failed during the restart and none after.

On the million-document corpus: `--cluster-dir DIR` uses the benchmarks' own cluster made by
bench/cluster.py (and restarts it: never point it at a server something else runs), and
`--database NAME` the corpus in it (bench/corpus.py); `--index-dir` its search index.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (  # noqa: E402
    REDIS_URL,
    AppServer,
    Cluster,
    cache_prefix,
    corpus_env,
    forget_cache,
    load_demo,
    locust_command,
    locust_env,
    log,
    port_is_free,
    production_env,
    read_locust_stats,
    scratch_directory,
    targets,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--restart-at", type=float, default=15)
    parser.add_argument("--down-seconds", type=float, default=3)
    parser.add_argument("--pg-port", type=int, default=5434)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--cluster-dir", type=Path, help="bench/cluster.py's cluster to use")
    parser.add_argument("--database", default="archive", help="with --cluster-dir: the corpus")
    parser.add_argument("--index-dir", help="the corpus's search index (SEARCH_INDEX_DIR)")
    args = parser.parse_args()
    if args.cluster_dir is None and not port_is_free(args.pg_port):
        raise SystemExit(f"port {args.pg_port} is in use: choose another with --pg-port")

    with scratch_directory("restart-") as tmp:
        if args.cluster_dir is not None:
            from cluster import existing

            cluster, database = existing(args.cluster_dir.resolve()), args.database
        else:
            cluster, database = Cluster(args.pg_port, tmp).init(), "archive"
            cluster.start()
        try:
            if args.cluster_dir is None:
                cluster.psql("CREATE DATABASE archive")
                log(f"cluster on {args.pg_port}; loading the demo collection")
                load_demo(cluster.url())
            prefix = cache_prefix("restartbench")
            env = production_env(
                args.port, cluster.url(database), CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix,
                **corpus_env(args),
            )  # fmt: skip
            try:
                with AppServer(args.port, env, tmp / "server.log") as server:
                    run(args, cluster, server, tmp)
            finally:
                forget_cache(prefix)
        finally:
            if args.cluster_dir is None:
                cluster.stop()


def run(args, cluster: Cluster, server: AppServer, tmp: Path) -> None:
    (tmp / "targets.json").write_text(json.dumps(targets(server.url)))
    requests_log = tmp / "requests.log"
    load = subprocess.Popen(
        locust_command(server.url, args.users, args.seconds, tmp),
        env=locust_env(tmp / "targets.json", requests_log),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    window = {}

    def restart():
        time.sleep(args.restart_at)
        window["start"] = time.time()
        log("restarting PostgreSQL")
        window["seconds"] = cluster.restart(down_seconds=args.down_seconds)
        window["end"] = time.time()
        log(f"PostgreSQL back after {window['seconds']:.1f} s")

    log(f"{args.users} readers for {args.seconds} s; restart at {args.restart_at:.0f} s")
    restarter = threading.Thread(target=restart)
    restarter.start()
    load.wait()
    restarter.join()
    report(requests_log, window, read_locust_stats(tmp / "locust_stats.csv"))


def report(requests_log: Path, window: dict, stats: dict) -> None:
    phases = {"before": [0, 0], "during": [0, 0], "after": [0, 0]}
    for line in requests_log.read_text().splitlines():
        start, millis, status, _name = line.split(" ", 3)
        start, end = float(start), float(start) + float(millis) / 1000
        failed = status == "ERR" or int(status) >= 500 or int(status) == 0
        if end < window["start"]:
            phase = "before"
        elif start <= window["end"]:
            phase = "during"
        else:
            phase = "after"
        phases[phase][0] += 1
        phases[phase][1] += failed
    print(f"\nPostgreSQL restart took {window['seconds']:.1f} s "
          f"({stats['requests']} requests, {stats['rps']:.0f}/s overall, "
          f"p50 {stats['p50']:.0f} ms, p99 {stats['p99']:.0f} ms)")  # fmt: skip
    for phase, (total, failed) in phases.items():
        share = 100 * failed / total if total else 0
        print(f"  {phase:<7} {total:>6} requests, {failed:>4} failed ({share:.1f}%)")


if __name__ == "__main__":
    main()
