"""A PostgreSQL cluster of the benchmarks' own that outlives one script, for the
million-document runs: `python bench/cluster.py init|start|stop|status|remove --dir DIR`.

    python bench/cluster.py init --dir DIR --port 5435
    python bench/corpus.py --documents 1000000 --database-url postgres://postgres@127.0.0.1:5435/archive_corpus
    python bench/cluster.py stop --dir DIR

`init` makes the cluster (`initdb`, trust authentication on 127.0.0.1 only, settings for a
2-core machine with a few GB to spare: `shared_buffers` 1 GB...) and starts it; the
restart-under-load script can then restart it (`restart_bench.py --cluster-dir DIR`), which
it may do because this cluster is ours. Never point it at a server something else runs.
"""

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import Cluster, log  # noqa: E402

# A small production-like configuration: the corpus's hot tables stay in memory.
SETTINGS = """
shared_buffers = 1GB
effective_cache_size = 6GB
work_mem = 16MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
checkpoint_timeout = 15min
random_page_cost = 1.1
"""


def existing(directory: Path) -> Cluster:
    """The cluster made by `init` in `directory` (its port is read from its settings)."""
    conf = next(directory.glob("pg*/postgresql.auto.conf"), None)
    if conf is None:
        raise SystemExit(f"no cluster in {directory}: run `init` first")
    port = next(
        int(line.split("=", 1)[1]) for line in conf.read_text().splitlines()
        if line.startswith("port")
    )  # fmt: skip
    return Cluster(port, directory)


def is_running(cluster: Cluster) -> bool:
    return cluster.pg("pg_ctl", "-D", str(cluster.data), "status", check=False).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["init", "start", "stop", "status", "remove"])
    parser.add_argument("--dir", required=True, type=Path, help="where the cluster lives")
    parser.add_argument("--port", type=int, default=5435, help="init: the port (5435)")
    args = parser.parse_args()
    directory = args.dir.resolve()
    if args.action == "init":
        if directory.exists() and any(directory.iterdir()):
            raise SystemExit(f"{directory} is not empty")
        cluster = Cluster(args.port, directory).init(durable=True)
        with open(cluster.data / "postgresql.auto.conf", "a") as conf:
            conf.write(SETTINGS)
        cluster.start()
        log(f"cluster up: {cluster.url_base}")
        return
    cluster = existing(directory)
    if args.action == "start":
        if not is_running(cluster):
            cluster.start()
        log(f"cluster up: {cluster.url_base}")
    elif args.action == "stop":
        cluster.stop()
        log("cluster stopped")
    elif args.action == "status":
        print(f"{cluster.url_base}: {'running' if is_running(cluster) else 'stopped'}")
    else:
        cluster.stop()
        shutil.rmtree(directory)
        log(f"removed {directory}")


if __name__ == "__main__":
    main()
