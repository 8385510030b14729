"""Shared fixtures. Tests run against real PostgreSQL (DATABASE_URL, or the embedded server)."""

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The demo collection, loaded from fixtures/ exactly as `loaddata demo` does."""
    call_command("loaddata", "demo", verbosity=0)


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
