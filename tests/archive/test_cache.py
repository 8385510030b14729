"""The shared cache: the home page is built once per content version (and state of the
search index), rebuilt after any publication-relevant write, never kept past an embargo's
end, and a cache that cannot be reached costs nothing but speed."""

import datetime
import os
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.cache import bump_cache_version, cache_version, cached
from documents.reading_room.cached import public_timeout
from documents.services import workflow
from tests.factories import DocumentFactory, DocumentPlaceFactory, PlaceFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def redis_available() -> bool:
    host, port = "127.0.0.1", 6379
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_home_is_built_once_per_content_version(client, django_assert_max_num_queries):
    DocumentFactory(title="First report")
    first = client.get("/")
    assert "First report" in first.content.decode()
    with django_assert_max_num_queries(1):  # the embargo look-up is cached with the page
        again = client.get("/")
    assert again.content == first.content

    DocumentFactory(title="Second report")  # a save bumps the version
    assert "Second report" in client.get("/").content.decode()


def test_list_counts_come_from_the_search_engine_not_from_sql(client, django_assert_num_queries):
    """Counts, facets and the histogram are the engine's (it keeps the unfiltered list's per
    process until the index changes); SQL only loads rows and labels by id: the same few
    statements whatever is chosen."""
    place = PlaceFactory(name="Kashgar", slug="kashgar")
    DocumentPlaceFactory(place=place)
    client.get("/documents/")
    # the pending-changes check (inline indexing), the page's rows, their authors (COinS), the
    # facet values' labels
    with django_assert_num_queries(4) as unfiltered:
        response = client.get("/documents/")
    assert "Kashgar" in response.content.decode()
    with django_assert_num_queries(5) as filtered:  # + the chosen slug to its id
        response = client.get("/documents/?place=kashgar")
    assert ">1 document<" in response.content.decode()
    for query in [*unfiltered.captured_queries, *filtered.captured_queries]:
        assert "COUNT(" not in query["sql"].upper() and "GROUP BY" not in query["sql"].upper()


def test_a_new_link_shows_in_the_unfiltered_facets_at_once(client):
    client.get("/documents/")
    DocumentPlaceFactory(place=PlaceFactory(name="Ghulja", slug="ghulja"))
    assert "Ghulja" in client.get("/documents/").content.decode()


def test_withdrawing_a_document_drops_it_from_the_cached_home(client, editor):
    doc = DocumentFactory(title="To be withdrawn")
    assert "To be withdrawn" in client.get("/").content.decode()
    workflow.withdraw(doc, editor)
    assert "To be withdrawn" not in client.get("/").content.decode()


def test_nothing_is_kept_past_the_next_embargo():
    assert public_timeout() == 300
    DocumentFactory(publish_on=timezone.now() + datetime.timedelta(seconds=42))
    assert 40 <= public_timeout() <= 42
    DocumentFactory(publish_on=timezone.now() - datetime.timedelta(days=1))
    assert public_timeout() <= 42


def test_bumping_moves_to_new_keys():
    calls = []
    assert cached("probe", lambda: calls.append(1) or "a") == "a"
    assert cached("probe", lambda: calls.append(1) or "b") == "a"
    before = cache_version()
    bump_cache_version()
    assert cache_version() > before
    assert cached("probe", lambda: calls.append(1) or "c") == "c"
    assert len(calls) == 2


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_redis_cache_is_shared_between_processes_and_versioned():
    redis_cache = {
        "default": {
            "BACKEND": "archive.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "archive-tests",
        }
    }
    with override_settings(CACHES=redis_cache):
        cache.delete("archive:content-version")
        assert cached("probe", lambda: "from redis") == "from redis"
        assert cached("probe", lambda: "rebuilt") == "from redis"
        bump_cache_version()
        assert cached("probe", lambda: "rebuilt") == "rebuilt"
        cache.clear()


def test_an_unreachable_cache_only_costs_speed(client):
    down = {
        "default": {
            "BACKEND": "archive.rediscache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    DocumentFactory(title="Still readable")
    with override_settings(CACHES=down):
        assert "Still readable" in client.get("/").content.decode()
        assert client.get("/documents/").status_code == 200
        DocumentFactory(title="Saved while the cache is down")
        assert "Saved while the cache is down" in client.get("/").content.decode()


def test_a_z_counts_are_kept_per_content_version_and_follow_a_withdrawal(client, editor):
    """The A–Z list's records and counts are decided once per content version: a second
    request reads them from the cache, and a withdrawal drops the place at once."""
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    first = DocumentPlaceFactory(place=kashgar).document
    DocumentPlaceFactory(place=kashgar)
    assert "2 documents" in _a_z_line(client, "Kashgar")
    with CaptureQueriesContext(connection) as again:
        assert "2 documents" in _a_z_line(client, "Kashgar")
    assert not [q for q in again.captured_queries if "GROUP BY" in q["sql"].upper()]
    # The letter bar and the order are kept too: one statement, the page's own records.
    assert len(again.captured_queries) == 1, [q["sql"] for q in again.captured_queries]
    workflow.withdraw(first, editor)
    assert "1 document" in _a_z_line(client, "Kashgar")
    workflow.withdraw(kashgar.document_links.exclude(document=first).get().document, editor)
    assert "Kashgar" not in client.get("/places/").content.decode()


def _a_z_line(client, name: str) -> str:
    html = client.get("/places/").content.decode()
    start = html.index(f">{name}<")
    return html[start : html.index("</li>", start)]


def test_the_a_z_name_filter_follows_a_rename(client):
    """Names are folded once per content version for the A–Z filter: a rename is a write,
    so the next search finds the new name and not the old one."""
    kashgar = PlaceFactory(name="Kashgar", slug="kashgar")
    DocumentPlaceFactory(place=kashgar)
    assert ">Kashgar<" in client.get("/places/?q=KASHGAR").content.decode()
    assert ">Kashgar<" not in client.get("/places/?q=kashi").content.decode()
    kashgar.name = "Kashi"
    kashgar.save()
    assert ">Kashi<" in client.get("/places/?q=kashi").content.decode()
    assert ">Kashi<" not in client.get("/places/?q=kashgar").content.decode()
