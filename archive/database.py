"""Database settings: `DATABASE_URL` when set, else an embedded PostgreSQL under `var/`.

The embedded server (the `pgserver` package) lets a fresh clone run with no setup. It ships
no contrib extensions, so nothing here may depend on `pg_trgm` or `unaccent`.
"""

from pathlib import Path

import dj_database_url

from archive.env import env_str

EMBEDDED_DB_NAME = "archive"


def database_config(base_dir: Path) -> dict:
    url = env_str("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return embedded_database(base_dir / "var" / "pgdata")


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
    }
