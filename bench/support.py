"""Shared pieces of the service benchmarks: throwaway PostgreSQL clusters, production app
servers (`manage.py serve`), the demo data and a locust run.

Nothing here touches a server it did not start: clusters are made with `initdb` in a
temporary directory on their own port (as the `postgres` user when run as root, since
PostgreSQL refuses to run as root) and removed afterwards.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_BIN = Path(
    subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
    or "/usr/lib/postgresql/15/bin"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- PostgreSQL clusters ---------------------------------------------------------------------


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Cluster:
    """A PostgreSQL cluster of our own: `initdb` (or `pg_basebackup` from a primary)."""

    def __init__(self, port: int, directory: Path):
        self.port = port
        self.data = directory / f"pg{port}"

    @property
    def url_base(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def url(self, database: str = "archive", **options) -> str:
        query = "&".join(f"{k}={v}" for k, v in options.items())
        return f"{self.url_base}/{database}" + (f"?{query}" if query else "")

    def pg(self, *argv: str, check=True, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            _as_postgres([str(PG_BIN / argv[0]), *argv[1:]]),
            check=check,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def init(self, durable: bool = True) -> "Cluster":
        """A new cluster; `durable=False` skips fsync (faster set-up, for throwaway data)."""
        self.data.parent.mkdir(parents=True, exist_ok=True)
        _chown(self.data.parent)
        self.pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._configure(
            "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nmax_connections = 200\n"
            + ("" if durable else "fsync = off\nsynchronous_commit = off\n")
        )
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return self

    def base_backup_from(self, primary: "Cluster") -> "Cluster":
        """A streaming replica of `primary` (pg_basebackup -R writes standby.signal)."""
        self.data.parent.mkdir(parents=True, exist_ok=True)
        _chown(self.data.parent)
        self.pg(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        self._configure("")
        return self

    def _configure(self, extra: str) -> None:
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.data}'\n" + extra
            )

    def start(self) -> None:
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self, down_seconds: float = 0) -> float:
        """Fast shutdown (every connection ends), `down_seconds` with no server, start again;
        returns the seconds the server was unavailable."""
        started = time.monotonic()
        self.stop()
        time.sleep(down_seconds)
        self.start()
        return time.monotonic() - started

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-tAc", sql],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@contextmanager
def scratch_directory(prefix: str):
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(directory, 0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def cache_prefix(name: str) -> str:
    """A fresh key prefix in the benchmark Redis database, for one run."""
    return f"{name}-{secrets.token_hex(4)}"


def forget_cache(prefix: str) -> None:
    """Delete a run's keys (and only those) from the benchmark Redis database."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


# --- The application ---------------------------------------------------------------------------


def manage(*argv: str, database_url: str, settings="archive.settings.dev", **env) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url,
                   "DJANGO_SETTINGS_MODULE": settings, **env}  # fmt: skip
    environment.pop("DATABASE_REPLICA_URLS", None)
    result = subprocess.run(
        [PYTHON, "manage.py", *argv], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(argv)} failed:\n{result.stderr}")
    return result.stdout


def load_demo(database_url: str) -> None:
    """Migrate and load the 19-document demo collection (idempotent)."""
    manage("migrate", "--noinput", database_url=database_url)
    manage("loaddata", "demo", database_url=database_url)


@contextmanager
def corpus_or_demo(corpus_url: str | None, suffix: str):
    """The corpus database named (from bench/corpus.py: used as it is, and kept), else a
    throwaway database next to DATABASE_URL's with the demo loaded (dropped afterwards)."""
    if corpus_url:
        yield corpus_url
        return
    from throwaway import throwaway_database

    with throwaway_database(suffix) as url:
        log("loading the demo collection")
        load_demo(url)
        yield url


def add_corpus_arguments(parser) -> None:
    parser.add_argument(
        "--database-url", help="a corpus from bench/corpus.py (default: the demo, throwaway)"
    )
    parser.add_argument(
        "--index-dir", help="its search index (SEARCH_INDEX_DIR), built with --rebuild"
    )


def corpus_env(args) -> dict:
    return {"SEARCH_INDEX_DIR": args.index_dir} if args.index_dir else {}


def production_env(port: int, database_url: str, **extra) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
        "DJANGO_SETTINGS_MODULE": "archive.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The benchmarks speak plain HTTP on the loopback; TLS is the proxy's job.
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "ERROR",
        **extra,
    }


class AppServer:
    """`manage.py serve` (gunicorn, production settings) in the background."""

    def __init__(self, port: int, env: dict, log_path: Path):
        self.port = port
        self.env = env
        self.log_path = log_path
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> "AppServer":
        if not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} is in use")
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "serve"], cwd=ROOT, env=self.env,
            stdout=self.log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if get(self.url + "/health/")[0] in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not come up")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process:
            self.log_file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(url: str, headers: dict | None = None, timeout: float = 10):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def targets(base_url: str, pages: int = 8) -> dict:
    """Addresses for the load mix, from the server's own API: documents, entities, words,
    drawn from the first page of 100 documents and up to `pages` more spread over the whole
    list (on a large corpus, readers go everywhere, not only to the newest hundred)."""
    status, body = get(base_url + "/api/documents/?page_size=100", timeout=120)
    if status != 200:
        raise RuntimeError(f"/api/documents/ answered {status}")
    first = json.loads(body)
    documents = first["results"]
    last_page = -(-first["count"] // 100)
    for number in sorted({1 + i * (last_page - 1) // pages for i in range(1, pages + 1)} - {1}):
        status, body = get(f"{base_url}/api/documents/?page_size=100&page={number}", timeout=120)
        if status == 200:
            documents += json.loads(body)["results"]
    found = {
        "documents": [d["record_number"] for d in documents],
        # Readers arrive by links, which carry the slug (the short form redirects).
        "document_paths": [urlsplit(d["url"]).path for d in documents],
    }
    for kind in ("people", "places", "organizations", "subjects"):
        found[kind] = sorted({e["slug"] for d in documents for e in d.get(kind, [])})
    words = {w.strip(".,;:()\"'").lower() for d in documents for w in d["title"].split()}
    found["words"] = sorted(w for w in words if len(w) > 4 and w.isalpha())[:200]
    return found


# --- Load (locust) ------------------------------------------------------------------------------


def locust_command(host: str, users: int, seconds: int, out_dir: Path) -> list[str]:
    return [
        PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "-H", host,
        "--csv", str(out_dir / "locust"), "--only-summary", "--loglevel", "ERROR",
        "--stop-timeout", "5",
    ]  # fmt: skip


def locust_env(targets_file: Path, request_log: Path | None = None) -> dict:
    env = {**os.environ, "LOAD_TARGETS": str(targets_file),
           "LOAD_CACHE_STATS": str(targets_file.parent / "page_cache.json")}  # fmt: skip
    if request_log:
        env["LOAD_REQUEST_LOG"] = str(request_log)
    return env


def run_locust(host: str, users: int, seconds: int, out_dir: Path, targets_file: Path) -> dict:
    """Run bench/locustfile.py headless; return its aggregated statistics."""
    subprocess.run(
        locust_command(host, users, seconds, out_dir),
        env=locust_env(targets_file), check=False, capture_output=True, text=True,
    )  # fmt: skip
    return read_locust_stats(out_dir / "locust_stats.csv")


def read_locust_stats(path: Path) -> dict:
    import csv

    rows = {row["Name"]: row for row in csv.DictReader(open(path))}
    total = rows["Aggregated"]
    counts = path.parent / "page_cache.json"
    return {
        "page_cache": json.loads(counts.read_text()) if counts.exists() else {},
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"] or 0),
        "p95": float(total["95%"] or 0),
        "p99": float(total["99%"] or 0),
        "by_name": {
            name: (
                int(row["Request Count"]),
                int(row["Failure Count"]),
                float(row["50%"] or 0),
                float(row["99%"] or 0),
            )
            for name, row in rows.items()
            if name != "Aggregated"
        },  # fmt: skip
    }
