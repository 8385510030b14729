"""Shared fixtures. Tests run against real PostgreSQL (DATABASE_URL, or the embedded server).

Roles: `anonymous`, `archivist`, `editor`, `administrator` (staff in the real groups the roles
migration creates) and `archivist_client`, `editor_client`, `administrator_client` (the
`client` fixture, logged in). More users of a role: `tests.roles.staff("Editor", ...)`.
"""

import pytest

# Models are imported inside the fixtures: this file is read before Django is set up.


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the process-local cache would otherwise carry
    a page cached by one test (whose data was rolled back) into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- the demo collection --------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The rows `loaddata demo` writes, taken once per session (see tests/demo_data.py)."""
    from tests.demo_data import take_snapshot

    with django_db_blocker.unblock():
        return take_snapshot()


@pytest.fixture
def demo(db, demo_snapshot):
    """The demo collection, exactly as `loaddata demo` leaves it, in this test's transaction."""
    from tests.demo_data import restore

    restore(demo_snapshot)


# --- roles ----------------------------------------------------------------------------------


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _staff(role: str, **kwargs):
    from tests.roles import staff

    return staff(role, **kwargs)


@pytest.fixture
def archivist(db):
    return _staff("Archivist", username="archie", first_name="Archie")


@pytest.fixture
def editor(db):
    return _staff("Editor", username="edith", first_name="Edith")


@pytest.fixture
def administrator(db):
    return _staff("Administrator", username="ada", first_name="Ada")


@pytest.fixture
def archivist_client(client, archivist):
    client.force_login(archivist)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


# --- Browser tests: they need Debian's Chromium; without it, say so plainly and run the rest.
CHROMIUM = "/usr/bin/chromium"


def chromium_available() -> bool:
    import os

    return os.access(CHROMIUM, os.X_OK)


def pytest_report_header(config):
    if chromium_available():
        return f"browser tests: using {CHROMIUM}"
    return f"browser tests: NOT RUN - no Chromium at {CHROMIUM} (apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not chromium_available():
        terminalreporter.write_line(
            f"NOTE: browser tests were not run because there is no Chromium at {CHROMIUM}. "
            "Install it (apt-get install chromium) to run them; everything else ran.",
            yellow=True,
        )


# --- Search index: every test gets its own empty index directory; a build is made there only
# if the test searches or indexes (settings.SEARCH_INLINE applies pending changes first).
# In memory-backed /dev/shm when there is one: an index commit there skips the disk's fsync.
SEARCH_INDEX_BASE = "/dev/shm"


@pytest.fixture(autouse=True)
def search_index_dir(settings, tmp_path_factory):
    import os
    import shutil
    import tempfile
    from pathlib import Path

    fast = os.path.isdir(SEARCH_INDEX_BASE) and os.access(SEARCH_INDEX_BASE, os.W_OK)
    base = SEARCH_INDEX_BASE if fast else str(tmp_path_factory.getbasetemp())
    path = Path(tempfile.mkdtemp(prefix="archive-search-test-", dir=base))
    settings.SEARCH_INDEX_DIR = path
    yield path
    from documents.search import engine

    engine.reset()
    shutil.rmtree(path, ignore_errors=True)


# --- Query budgets are a page's own statements. In production the indexer (`search_index
# --follow`, another process) applies a write to the search index before readers search it;
# here the first search after a write applies it in-process (SEARCH_INLINE). So the budget
# fixtures bring the index up to date first, as the indexer would have, then count.
def _index_first(assert_queries):
    from contextlib import contextmanager

    @contextmanager
    def counting(*args, **kwargs):
        from documents.search.engine import apply_inline

        apply_inline()
        with assert_queries(*args, **kwargs) as context:
            yield context

    return counting


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _index_first(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _index_first(django_assert_max_num_queries)
