"""Styled 400, 403, 404, 500 and 503 pages with DEBUG off; none of them needs the database.
The 503 is checked for real: the production settings with no database to connect to."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from archive import errors

ROOT = Path(__file__).resolve().parents[2]
STYLESHEET = "/static/archive/css/site.css"


def assert_styled(response, status: int, title: str):
    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="alert__title">{title}</h1>' in html
    assert STYLESHEET in html, "the page uses the site's stylesheet"
    assert settings.ARCHIVE_NAME in html
    assert 'href="/documents/"' in html, "the page offers a way on"
    assert '<meta name="robots" content="noindex">' in html


@pytest.fixture(autouse=True)
def _production_like():
    assert settings.DEBUG is False


# These tests have no database at all (no `db` fixture): any query would raise.


def test_404_is_styled_and_needs_no_database(client):
    assert_styled(client.get("/no-such-page/"), 404, "Page not found")


def test_400_for_a_forged_host_is_styled(client):
    assert_styled(client.get("/", HTTP_HOST="evil.example"), 400, "Bad request")


@pytest.mark.urls("tests.archive.error_urls")
def test_403_and_500_are_styled():
    client = Client(raise_request_exception=False)
    assert_styled(client.get("/test-errors/403/"), 403, "Not allowed")
    assert_styled(client.get("/test-errors/500/"), 500, "Something went wrong")


@pytest.mark.urls("tests.archive.error_urls")
def test_a_database_error_is_a_styled_503_not_a_500(rf):
    # In a view (a write: answered at once, not retried)...
    response = Client(raise_request_exception=False).post("/test-errors/database/")
    assert_styled(response, 503, "Temporarily unavailable")
    assert response["Retry-After"] == "5"
    # ...and anywhere else, through handler500.
    try:
        raise OperationalError("the connection is closed")
    except OperationalError:
        response = errors.server_error(rf.get("/"))
    assert_styled(response, 503, "Temporarily unavailable")
    assert response["Retry-After"] == "5"


def test_csrf_failure_is_a_styled_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert_styled(response, 403, "Not allowed")
    assert "security token" in response.content.decode()


def test_favicon_is_served_at_the_root_and_linked_from_pages(client, db):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'href="/static/archive/favicon.svg" type="image/svg+xml"' in html


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROBE = """
import json
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
login = {"username": "archivist", "password": "not-this-one"}
for method, path in [("get", "/"), ("get", "/documents/?q=nkvd"), ("get", "/people/"),
                     ("post", "/admin/login/"), ("get", "/health/")]:
    data = login if method == "post" else None
    response = getattr(client, method)(path, data, secure=True)
    out[method + " " + path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "html": response.content.decode(),
    }
print("RESULT" + json.dumps(out))
"""


def test_a_request_that_cannot_reach_the_database_gets_a_styled_503():
    """Production settings, PostgreSQL unreachable: every page is a 503 with Retry-After
    (after one wait for the database), never a 500; /health/ says so too. (Whether the page
    has its styles depends on collected static files, which this checkout may not have; the
    styled 503 is checked above.)"""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="archive.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-for-tests-" + "x" * 20,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{_free_port()}/archive",
        DATABASE_RETRY_WAIT_SECONDS="0.3",
        LOG_LEVEL="CRITICAL",
    )
    env.pop("DATABASE_REPLICA_URLS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.split("RESULT", 1)[1])
    for name, page in pages.items():
        if name == "get /health/":
            assert page["status"] == 503
            assert json.loads(page["html"]) == {
                "status": "error", "database": "unreachable", "search": "unreachable"
            }  # fmt: skip
            continue
        assert page["status"] == 503, name
        assert page["retry_after"] == "5", name
        assert "<h1" in page["html"] and "Temporarily unavailable" in page["html"], name
