"""Whole pages for anonymous readers from the shared cache: served without a query, replaced
by any write to what they show, never kept for staff, cookies, nonces, errors or anything
that varies by reader, and never past an embargo's end."""

import datetime
import socket

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive import cache as shared
from archive import replicas
from archive.pagecache import HEADER
from documents.models import Document
from documents.services import workflow
from tests.factories import CollectionFactory, DocumentFactory

pytestmark = pytest.mark.django_db
REPLICA = "test_replica"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module", autouse=True)
def _close_replica_connection():
    yield
    connections[REPLICA].close()


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, django_assert_num_queries):
    doc = DocumentFactory(title="Consulate report")
    first = client.get(doc.get_absolute_url())
    assert first.status_code == 200 and first[HEADER] == "miss"
    with django_assert_num_queries(0):
        again = client.get(doc.get_absolute_url())
    assert again[HEADER] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The security headers are added to every answer, cached or not, and need no nonce.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "nonce-" not in again["Content-Security-Policy"]
    assert b"nonce=" not in again.content
    assert "Permissions-Policy" in again


def test_the_api_is_cached_too_and_head_is_answered_from_a_kept_get(client):
    DocumentFactory(title="Telegram")
    assert client.get("/api/documents/")[HEADER] == "miss"
    assert client.get("/api/documents/")[HEADER] == "hit"
    head = client.head("/api/documents/")
    assert head.status_code == 200 and head[HEADER] == "hit" and head.content == b""


def test_withdrawing_a_document_removes_it_from_every_cached_page_at_once(client, editor):
    doc = DocumentFactory(title="To be withdrawn")
    pages = [doc.get_absolute_url(), "/documents/", "/", "/api/documents/"]
    for page in pages:
        assert "To be withdrawn" in client.get(page).content.decode()
    workflow.withdraw(doc, editor)
    assert client.get(doc.get_absolute_url()).status_code == 404
    for page in pages[1:]:
        answer = client.get(page)
        assert answer[HEADER] == "miss" and "To be withdrawn" not in answer.content.decode()


def test_a_write_no_search_upkeep_sees_still_replaces_the_pages(client):
    collection = CollectionFactory(title="Oil", slug="oil", description="Old words.")
    DocumentFactory().collections.add(collection)
    assert "Old words." in client.get("/collections/oil/").content.decode()
    collection.description = "New words."
    collection.save()
    assert "New words." in client.get("/collections/oil/").content.decode()


def test_staff_neither_read_nor_fill_the_cache(editor_client):
    client = Client()  # an anonymous reader beside the signed-in editor
    doc = DocumentFactory(title="Published report")
    draft = DocumentFactory(title="Draft report", status=Document.Status.DRAFT)
    for _ in range(2):
        preview = editor_client.get(draft.get_absolute_url())
        assert preview.status_code == 200 and HEADER not in preview
        assert "Edit in the admin" in preview.content.decode()
        assert HEADER not in editor_client.get(doc.get_absolute_url())
    assert client.get(doc.get_absolute_url())[HEADER] == "miss"  # staff filled nothing
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_reader_who_just_wrote_reads_fresh_pages(client, settings):
    doc = DocumentFactory()
    client.get(doc.get_absolute_url())
    client.cookies[settings.REPLICA_PIN_COOKIE] = "1"
    assert HEADER not in client.get(doc.get_absolute_url())


@pytest.mark.urls("tests.archive.pagecache_urls")
@pytest.mark.parametrize(
    "path", ["cookie", "form", "nonce", "vary", "private", "missing", "plain/?n=%ff%00"]
)
def test_only_plain_answers_the_same_for_everyone_are_kept(client, path):
    for _ in range(2):
        answer = client.get(f"/test-cache/{path}", follow=False)
        if path.startswith("plain"):
            break
        assert answer.get(HEADER) is None, path
    if path.startswith("plain"):
        assert client.get(f"/test-cache/{path}")[HEADER] == "hit"


@pytest.mark.urls("tests.archive.pagecache_urls")
def test_the_key_is_the_whole_address(client):
    assert client.get("/test-cache/plain/?n=1").content == b"plain 1"
    assert client.get("/test-cache/plain/?n=2").content == b"plain 2"
    assert client.get("/test-cache/plain/?n=1")[HEADER] == "hit"
    other_host = client.get("/test-cache/plain/?n=1", HTTP_HOST="localhost")
    assert other_host[HEADER] == "miss"
    bad_host = client.get("/test-cache/plain/?n=1", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400


def test_errors_are_not_kept(client):
    for _ in range(2):
        answer = client.get("/documents/999999/")
        assert answer.status_code == 404 and HEADER not in answer
        assert HEADER not in client.get("/documents/?page=%C2%B2")


def test_nothing_is_kept_past_the_next_embargo(client):
    assert shared.content_lifetime(300) == 300
    DocumentFactory(publish_on=timezone.now() + datetime.timedelta(seconds=42))
    assert 40 <= shared.content_lifetime(300) <= 42
    soon = timezone.now() + datetime.timedelta(milliseconds=900)
    DocumentFactory(title="Almost public", publish_on=soon)
    assert shared.content_lifetime(300) == 0  # lifting within the second: keep nothing
    response = client.get("/documents/")
    # On a loaded machine the embargo may have lifted before the page was built: only an
    # answer built before it lifts must not be kept.
    if timezone.now() < soon:
        assert HEADER not in response


@pytest.mark.django_db(databases=["default", REPLICA])
def test_pages_are_built_on_a_replica_only_once_it_has_the_versions_writes(client, settings):
    """The test's replica is a second connection that sees only committed rows, and has no
    WAL position to compare: a page is built on the primary rather than from its old copy."""
    settings.DATABASE_REPLICAS = [REPLICA]
    replicas.mark_all_replicas_up()
    doc = DocumentFactory(title="Just published")  # uncommitted: not on the "replica" yet
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        answer = client.get(doc.get_absolute_url())
    assert answer.status_code == 200 and answer[HEADER] == "miss"
    assert [q for q in on_replica.captured_queries if "documents_document" in q["sql"]] == []
    assert shared._lsn("1/2A") == (1 << 32) + 0x2A
    assert shared._lsn("0/FF") < shared._lsn("1/0")


def test_an_unreachable_cache_only_costs_speed(client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    doc = DocumentFactory(title="Still readable")
    with override_settings(CACHES=down):
        for _ in range(2):
            answer = client.get(doc.get_absolute_url())
            assert "Still readable" in answer.content.decode() and HEADER not in answer


def test_a_publish_replaces_the_cached_lists_and_its_page_was_never_kept(client, editor):
    draft = DocumentFactory(title="Newly released telegram", status=Document.Status.DRAFT)
    pages = ["/documents/", "/", "/api/documents/"]
    for page in pages:
        assert "Newly released telegram" not in client.get(page).content.decode()
        assert client.get(page)[HEADER] == "hit"
    assert client.get(draft.get_absolute_url()).status_code == 404
    workflow.publish(draft, editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    for page in pages:
        answer = client.get(page)
        assert answer[HEADER] == "miss" and "Newly released telegram" in answer.content.decode()


def test_an_embargoed_document_is_never_served_from_the_cache(client, editor):
    doc = DocumentFactory(title="Report under embargo", status=Document.Status.DRAFT)
    workflow.publish(doc, editor, publish_on=timezone.now() + datetime.timedelta(days=365))
    for _ in range(2):
        assert client.get(doc.get_absolute_url()).status_code == 404
        for page in ["/documents/", "/", "/api/documents/"]:
            assert "Report under embargo" not in client.get(page).content.decode()
    assert client.get("/documents/")[HEADER] == "hit"  # the list is kept, without it


def test_a_withdrawn_page_is_served_to_no_one_staff_included(editor, editor_client):
    reader = Client()
    doc = DocumentFactory(title="Withdrawn for review")
    assert reader.get(doc.get_absolute_url())[HEADER] == "miss"
    assert reader.get(doc.get_absolute_url())[HEADER] == "hit"
    workflow.withdraw(doc, editor)
    assert reader.get(doc.get_absolute_url()).status_code == 404
    preview = editor_client.get(doc.get_absolute_url())  # staff see the live record, not a copy
    assert preview.status_code == 200 and HEADER not in preview
    assert "Edit in the admin" in preview.content.decode()
