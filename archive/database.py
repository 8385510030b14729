"""Database settings: `DATABASE_URL` when set, else an embedded PostgreSQL under `var/`.

The embedded server (the `pgserver` package) lets a fresh clone run with no setup. It ships
no contrib extensions, so nothing here may depend on `pg_trgm` or `unaccent`.
"""

from pathlib import Path

import dj_database_url

from archive.env import env_str

EMBEDDED_DB_NAME = "archive"


def _server(url: str) -> dict:
    """A server from its URL, with persistent connections that are checked before reuse
    (a connection left over from before a database restart is replaced, not used and failed)
    and a connect timeout, so an unreachable server fails fast instead of hanging a worker."""
    config = dj_database_url.parse(
        url,
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    config.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env_str("DATABASE_CONNECT_TIMEOUT", "5"))
    )
    return config


def database_config(base_dir: Path) -> dict:
    url = env_str("DATABASE_URL")
    if url:
        return _server(url)
    return embedded_database(base_dir / "var" / "pgdata")


def replica_configs() -> dict[str, dict]:
    """Read replicas from `DATABASE_REPLICA_URLS` (comma-separated), as aliases `replica1`,
    `replica2`... Tests read the primary's test database through them (TEST.MIRROR)."""
    urls = [url.strip() for url in (env_str("DATABASE_REPLICA_URLS") or "").split(",")]
    replicas = {}
    for number, url in enumerate([url for url in urls if url], start=1):
        config = _server(url)
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def embedded_database(data_dir: Path) -> dict:
    import os
    import warnings

    # pgserver asks platformdirs for a runtime dir it does not need; keep the console quiet.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent))
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver  # imported lazily: only needed when no DATABASE_URL is given

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # "stop": the server stops when the last process using it exits (runserver, pytest...).
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(data_dir),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
