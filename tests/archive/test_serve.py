"""`manage.py serve`: gunicorn with the production settings, an access log on stdout, styled
errors, and a graceful reload on HUP."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(settings_dict: dict) -> str:
    """The test database as a DATABASE_URL (a socket directory host percent-encoded)."""
    host = settings_dict["HOST"] or "localhost"
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{settings_dict['USER']}{password}@{host}{port}/{settings_dict['NAME']}"


def _get(url: str, timeout: float = 10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_until_up(base: str, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            if _get(base + "/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("the server did not come up")


@pytest.fixture
def server(db, tmp_path):
    settings_dict = connection.settings_dict
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        SECRET_KEY="k" * 20 + "-production-secret-for-tests-" + "x" * 20,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=_database_url(settings_dict),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            process.stdout = open(log)  # noqa: SIM115 - read by _wait_until_up on failure
            _wait_until_up(base, process)
            yield base, process, log
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            process.stdout.close()


def test_serve_runs_gunicorn_with_production_settings(server):
    base, process, log = server
    status, headers, body = _get(base + "/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "gunicorn"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"

    status, _, body = _get(base + "/no-such-page/")
    assert status == 404 and b"Page not found" in body
    assert _get(base + "/favicon.ico")[0] == 200

    text = log.read_text()
    assert "archive.settings.production" in text
    assert '"GET / HTTP/1.1" 200' in text, "access log on stdout"

    booted = text.count("Booting worker")
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while log.read_text().count("Booting worker") == booted and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Handling signal: hup" in log.read_text()
    assert log.read_text().count("Booting worker") > booted, "new workers after the reload"
    # A fresh worker's first page loads templates and code: slow on a busy shared machine.
    assert _get(base + "/", timeout=60)[0] == 200
