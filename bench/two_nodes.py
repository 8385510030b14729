"""Two app nodes on one machine, with a streaming replica: `python bench/two_nodes.py`.

Builds, all of its own and all removed afterwards:

- a primary PostgreSQL cluster (initdb, port --primary-port, default 5434) with the demo,
- a streaming replica of it made with `pg_basebackup -R` (port --replica-port, default 5433),
- node A (`manage.py serve`, port 8106): reads and writes the primary,
- node B (port 8107): writes to the primary, reads from the replica (DATABASE_REPLICA_URLS),
  both sharing one Redis cache (BENCH_REDIS_URL, default db 4).

Each node also runs its own search-index follower (`search_index --follow`) on its own
index directory (built first with `--rebuild`).

Then shows: node B's reads are served by the replica; a document withdrawn and published
again through node A's admin disappears from and reappears on node B, and node B's own
index (applied by node B's follower from the outbox) drops it and finds it again
(`search_index --find`, after node B's /health/ reports nothing pending); node B keeps
serving, with /health/ saying "degraded", when its replica is stopped. Exits non-zero if any
of that does not hold.
"""

import argparse
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (  # noqa: E402
    PYTHON,
    REDIS_URL,
    ROOT,
    AppServer,
    Cluster,
    cache_prefix,
    forget_cache,
    get,
    load_demo,
    log,
    manage,
    port_is_free,
    production_env,
    scratch_directory,
)

RECORD = 7  # a demo document to withdraw and publish again
EDITOR, PASSWORD = "bench-editor", "two-nodes-" + uuid.uuid4().hex


def start_search_follower(node: str, env: dict, tmp: Path) -> subprocess.Popen:
    """The node's own search-index follower (`search_index --follow`) on its own index
    directory, after building that index from the primary (`--rebuild`)."""
    manage_as(env, "search_index", "--rebuild")
    follower = subprocess.Popen(
        [PYTHON, "manage.py", "search_index", "--follow", "--poll", "0.1"], cwd=ROOT, env=env,
        stdout=open(tmp / f"follower-{node.lower()}.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    log(f"node {node}: search-index follower running on {env['SEARCH_INDEX_DIR']}")
    return follower


def manage_as(env: dict, *argv: str) -> str:
    """`manage.py ARGV` as the node configured by `env` would run it."""
    result = subprocess.run(
        [PYTHON, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(argv)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def index_finds(env: dict, word: str, pk: str) -> bool:
    """Whether the node's own index finds document `pk` for `word`."""
    out = manage_as(env, "search_index", "--find", word)
    return pk in out.rsplit(":", 1)[-1].split()


def index_caught_up(node: AppServer, seconds: float = 20) -> float:
    """Seconds until the node's /health/ reports no outbox rows left for its index."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        status, body = get(node.url + "/health/")
        if status == 200 and json.loads(body)["search"]["pending"] == 0:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{node.url}'s index did not catch up within {seconds} s")


class Admin:
    """A signed-in admin session over plain HTTP, presenting itself as HTTPS the way a TLS
    proxy would (X-Forwarded-Proto), since the production settings only send secure cookies."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        origin = self.base.replace("http://", "https://")
        headers = {"X-Forwarded-Proto": "https", "Referer": origin + path, "Origin": origin,
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}  # fmt: skip
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode()

    def token(self, path: str) -> str:
        status, html = self.request(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def sign_in(self) -> None:
        token = self.token("/admin/login/")
        status, _ = self.request(
            "/admin/login/?next=/admin/",
            {"username": EDITOR, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise RuntimeError(f"sign-in on node A answered {status}")

    def action(self, name: str, pk: str) -> None:
        path = "/admin/documents/document/"
        data = {"action": name, "_selected_action": [pk], "index": "0",
                "csrfmiddlewaretoken": self.token(path)}  # fmt: skip
        status, _ = self.request(path, data)
        if status != 302:
            raise RuntimeError(f"{name} on node A answered {status}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(url: str, status: int, seconds: float = 10) -> float:
    """Seconds until `url` answers `status` (anonymous reader)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if get(url)[0] == status:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")


def connections_from(cluster: Cluster, application: str) -> int:
    sql = f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}'"
    return int(cluster.psql(sql))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primary-port", type=int, default=5434)
    parser.add_argument("--replica-port", type=int, default=5433)
    parser.add_argument("--ports", type=int, nargs=2, default=[8106, 8107])
    args = parser.parse_args()
    for port in (args.primary_port, args.replica_port, *args.ports):
        if not port_is_free(port):
            raise SystemExit(f"port {port} is in use")

    with scratch_directory("two-nodes-") as tmp:
        primary = Cluster(args.primary_port, tmp).init(durable=False)
        replica = Cluster(args.replica_port, tmp)
        running = []  # app servers and followers, stopped in reverse order
        prefix = cache_prefix("twonodes")
        try:
            primary.start()
            primary.psql("CREATE DATABASE archive")
            log("primary up; loading the demo collection")
            load_demo(primary.url())
            manage("create_archivist", EDITOR, "--role", "Editor", "--noinput",
                   database_url=primary.url(), ARCHIVIST_PASSWORD=PASSWORD)  # fmt: skip
            log("making the replica (pg_basebackup)")
            replica.base_backup_from(primary)
            replica.start()
            log(f"replica streaming: {primary.psql('SELECT count(*) FROM pg_stat_replication')}")
            node_a, node_b, env_b = start_nodes(args, primary, replica, tmp, prefix, running)
            demonstrate(primary, replica, node_a, node_b, env_b)
        finally:
            for process in reversed(running):
                stop(process)
            replica.stop()
            primary.stop()
            forget_cache(prefix)
    print("\nAll checks passed.")


def stop(process) -> None:
    if isinstance(process, AppServer):
        process.stop()
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def start_nodes(args, primary, replica, tmp: Path, prefix: str, running: list):
    shared = {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    env_a = production_env(
        args.ports[0], primary.url(application_name="archive-node-a"),
        SEARCH_INDEX_DIR=str(tmp / "index-a"), SEARCH_INDEX_NAME="node-a", **shared,
    )  # fmt: skip
    env_b = production_env(
        args.ports[1], primary.url(application_name="archive-node-b"),
        DATABASE_REPLICA_URLS=replica.url(application_name="archive-node-b-replica"),
        SEARCH_INDEX_DIR=str(tmp / "index-b"), SEARCH_INDEX_NAME="node-b",
        REPLICA_RETRY_SECONDS="5", **shared,
    )  # fmt: skip
    running.append(start_search_follower("A", env_a, tmp))
    running.append(start_search_follower("B", env_b, tmp))
    node_a = AppServer(args.ports[0], env_a, tmp / "node-a.log").start()
    running.append(node_a)
    node_b = AppServer(args.ports[1], env_b, tmp / "node-b.log").start()
    running.append(node_b)
    log(f"node A on {node_a.url} (primary), node B on {node_b.url} (reads from the replica)")
    return node_a, node_b, env_b


def demonstrate(primary, replica, node_a: AppServer, node_b: AppServer, env_b: dict):
    # 1. Node B reads from the replica.
    for path in ["/", "/documents/", "/documents/?q=NKVD", "/people/", f"/documents/{RECORD}/"]:
        assert get(node_b.url + path)[0] == 200, path
    on_replica = connections_from(replica, "archive-node-b-replica")
    node_a_on_replica = connections_from(replica, "archive-node-a")
    print(f"1. node B has {on_replica} connection(s) open on the replica, node A "
          f"{node_a_on_replica}: node B's pages were read from the replica")  # fmt: skip
    assert on_replica >= 1 and node_a_on_replica == 0

    # 2. Withdraw and publish again through node A; watch node B's pages and its own index.
    row = primary.psql(
        f"SELECT id || '|' || title FROM documents_document WHERE record_number = {RECORD}",
        "archive",
    )
    pk, title = row.split("|", 1)
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len)
    assert index_finds(env_b, word, pk), "node B's index should hold the demo document"
    admin = Admin(node_a.url)
    admin.sign_in()
    admin.action("workflow_withdraw", pk)
    gone = wait_for(f"{node_b.url}/documents/{RECORD}/", 404)
    unindexed = index_caught_up(node_b)
    assert not index_finds(env_b, word, pk), "node B's index still finds the withdrawn document"
    print(f"2. withdrawn through node A: gone from node B's pages after {gone * 1000:.0f} ms, "
          f"from node B's own index (its follower) after {unindexed * 1000:.0f} ms")  # fmt: skip
    admin.action("workflow_publish", pk)
    back = wait_for(f"{node_b.url}/documents/{RECORD}/", 200)
    indexed = index_caught_up(node_b)
    in_index = index_finds(env_b, word, pk)
    found = title.replace("'", "&#x27;") in get(f"{node_b.url}/documents/?q={word}")[1].decode()
    print(f"   published through node A: back on node B after {back * 1000:.0f} ms; node B's "
          f"own index finds it for “{word}” after {indexed * 1000:.0f} ms: {in_index}; "
          f"node B's search page lists it: {found}")  # fmt: skip
    assert in_index and found

    # 3. Node B keeps serving without its replica.
    replica.stop()
    log("replica stopped")
    statuses = [get(node_b.url + path)[0] for path in ["/documents/", "/people/"] * 10]
    health = get(node_b.url + "/health/")
    print(f"3. replica stopped: node B answered {statuses.count(200)}/{len(statuses)} pages "
          f"with 200; /health/ {health[0]} {health[1].decode()}")  # fmt: skip
    assert statuses.count(200) == len(statuses) and health[0] == 200
    assert b'"degraded"' in health[1]


if __name__ == "__main__":
    main()
