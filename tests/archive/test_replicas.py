"""Reads from a replica, writes to the primary, read-your-writes after a write, and a page
still served when its replica is gone.

The "replica" here is a second connection to the test database: it sees only committed rows,
so a document created inside the test's transaction exists on the primary alone -- exactly
what replication lag looks like to the reader.
"""

import socket

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections

from archive import health, replicas
from documents.models import Document
from tests.factories import DocumentFactory

REPLICA = "test_replica"


@pytest.fixture(scope="module", autouse=True)
def _close_replica_connection():
    """Leave no connection open on the test database, or it could not be dropped."""
    yield
    connections[REPLICA].close()


@pytest.fixture
def replica(settings):
    """Route reads to the test settings' replica alias; yields its connection settings."""
    settings.DATABASE_REPLICAS = [REPLICA]
    replicas.mark_all_replicas_up()
    config = connections[REPLICA].settings_dict
    port = config["PORT"]
    yield config
    config["PORT"] = port
    replicas.mark_all_replicas_up()


def stop(replica):
    """Point the replica alias at a port nothing listens on, as if its server had stopped."""
    connections[REPLICA].close()
    replica["PORT"] = _closed_port()


with_replica = pytest.mark.django_db(databases=["default", REPLICA])
# Tests that stop the replica run outside a test transaction, so its connection can close.
with_stopped_replica = pytest.mark.django_db(databases=["default", REPLICA], transaction=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_routing_rules(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    router = replicas.ReplicaRouter()
    assert router.db_for_write(Document) == "default"
    assert router.allow_migrate("default", "documents")
    assert not router.allow_migrate(REPLICA, "documents")
    assert router.db_for_read(Session) == "default"
    # Outside a request marked by the middleware (commands, the index follower): primary.
    assert router.db_for_read(Document) == "default"


@with_replica
def test_anonymous_reads_go_to_the_replica(client, replica):
    doc = DocumentFactory(title="Just published")
    # Committed nowhere yet: the replica has not "received" it.
    assert client.get(doc.get_absolute_url()).status_code == 404
    assert client.get("/health/").json()["status"] == "ok"


@with_replica
def test_after_a_write_that_browser_reads_the_primary(client, replica):
    doc = DocumentFactory(title="Just published")
    response = client.post("/admin/login/", {"username": "nobody", "password": "x"})
    cookie = response.cookies[settings.REPLICA_PIN_COOKIE]
    assert int(cookie["max-age"]) == settings.REPLICA_PIN_SECONDS
    assert cookie["httponly"]
    page = client.get(doc.get_absolute_url())
    assert page.status_code == 200
    assert "Just published" in page.content.decode()
    # Another reader, without the cookie, still reads the replica.
    assert client.__class__().get(doc.get_absolute_url()).status_code == 404


@with_replica
def test_the_admin_always_reads_the_primary(admin_client, replica):
    doc = DocumentFactory(title="Draft in progress", status=Document.Status.DRAFT)
    response = admin_client.get(f"/admin/documents/document/{doc.pk}/change/")
    assert response.status_code == 200
    assert "Draft in progress" in response.content.decode()


@with_stopped_replica
def test_a_page_is_served_when_its_replica_is_down(client, replica):
    stop(replica)
    doc = DocumentFactory(title="Served from the primary")
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert "Served from the primary" in response.content.decode()
    assert replicas.healthy_replicas() == []
    # Later requests skip the failed replica without trying it.
    assert client.get("/documents/").status_code == 200


@with_stopped_replica
def test_health_reports_a_lost_replica_as_degraded(client, replica):
    stop(replica)
    health.register_health_check(REPLICA, health.database_check(REPLICA), critical=False)
    try:
        response = client.get("/health/")
    finally:
        health._CHECKS.pop(REPLICA)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body[REPLICA]) == ("degraded", "ok", "unreachable")


def test_no_pin_cookie_without_replicas(client, db):
    response = client.post("/admin/login/", {"username": "nobody", "password": "x"})
    assert settings.REPLICA_PIN_COOKIE not in response.cookies


@with_replica
def test_shared_cache_entries_are_built_from_the_primary(client, replica):
    """A replica a moment behind must not store old content under the new version."""
    DocumentFactory(title="Published a moment ago")  # on the primary only, version bumped
    assert "Published a moment ago" in client.get("/").content.decode()
