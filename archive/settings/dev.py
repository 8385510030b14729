"""Development: works with nothing set. Never use in production."""

from archive.env import env_bool, env_int, env_list, env_str
from archive.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "") or "dev-only-insecure-key-never-use-in-production"
SEARCH_INLINE = env_bool("SEARCH_INLINE", True)  # no indexer process to run in development
# Whole-page cache off: edited templates and code show at once (PAGE_CACHE_SECONDS=300 tries it).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps and packages, refreshed on change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = VAR_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
