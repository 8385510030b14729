"""A dropped database connection costs a reader nothing on a read (one retry, on a fresh
connection) and gets a styled 503, never a 500, on a write; /health/ reports every part."""

import pytest
from django.db import connection, connections

from archive import health
from tests.factories import DocumentFactory


def drop_current_connection():
    """Have PostgreSQL end this thread's connection, as a server restart would."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_read_survives_a_dropped_connection(client):
    DocumentFactory(title="Report that outlives a restart")
    assert client.get("/documents/").status_code == 200
    drop_current_connection()

    response = client.get("/documents/")
    assert response.status_code == 200
    assert "Report that outlives a restart" in response.content.decode()
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_write_is_not_replayed_but_answered_with_a_styled_503(client):
    assert client.get("/documents/").status_code == 200
    drop_current_connection()

    response = client.post("/admin/login/", {"username": "curator", "password": "pw"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Temporarily unavailable" in response.content.decode()
    # The next request finds a working connection again.
    assert client.get("/documents/").status_code == 200


@pytest.mark.django_db
def test_health_reports_each_registered_check(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["search"]["status"].startswith("ok")  # the search app's own check
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def extra_checks():
    before = dict(health._CHECKS)
    yield
    health._CHECKS.clear()
    health._CHECKS.update(before)


@pytest.mark.django_db
def test_apps_add_their_own_health_checks(client, extra_checks):
    def search_index():
        return "ok, 12 documents behind"

    def broken():
        raise ConnectionError("index directory missing")

    def slow():
        raise health.Unhealthy({"status": "behind", "lag_seconds": 90})

    health.register_health_check("search", search_index)
    health.register_health_check("thumbnails", broken, critical=False)
    health.register_health_check("queue", slow, critical=False)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "search": "ok, 12 documents behind",
        "thumbnails": "unreachable",
        "queue": {"status": "behind", "lag_seconds": 90},
    }
    health.register_health_check("search", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
