"""Tests: the real PostgreSQL (DATABASE_URL or embedded), fast hashing, media in a temp dir."""

import tempfile
from pathlib import Path

from archive.settings.dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="archive-test-media-"))
SEARCH_INLINE = True  # pending changes are indexed in-process, inside the test's transaction
# Each test gets its own index directory (tests/conftest.py); this is for anything else.
SEARCH_INDEX_DIR = Path(tempfile.gettempdir()) / "archive-test-search"
