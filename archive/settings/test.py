"""Tests: the real PostgreSQL (DATABASE_URL or embedded), fast hashing, media in a temp dir."""

import tempfile
from pathlib import Path

from archive.settings.dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="archive-test-media-"))

# A second connection to the test database, for the read-replica tests: it sees only what is
# committed, as a lagging replica would. Reads go to it only where a test lists it in
# DATABASE_REPLICAS (empty here, so every other test reads the primary).
DATABASES["test_replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICAS = []
# Each test process its own cache, whatever CACHE_URL says (tests clear it).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE_SECONDS = 0  # whole pages are cached only where a test says so (tests/archive/)
SEARCH_INLINE = True  # pending changes are indexed in-process, inside the test's transaction
# Each test gets its own index directory (tests/conftest.py); this is for anything else.
SEARCH_INDEX_DIR = Path(tempfile.gettempdir()) / "archive-test-search"
