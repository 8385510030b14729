"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

from archive.database import database_config
from archive.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "taggit",
    "reversion",
    "archive",
    "people",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"
ASGI_APPLICATION = "archive.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SCAN_MAX_UPLOAD_MB = int(env_str("SCAN_MAX_UPLOAD_MB", "50"))

# The search index (documents.search.engine), derived from the database: one directory per
# database (by default under var/search/, named after it, so switching DATABASE_URL never
# serves another database's index). In production `manage.py search_index --follow` keeps it
# current; with SEARCH_INLINE (on in development and tests) each search first applies pending
# changes in its own process.
SEARCH_INDEX_DIR = Path(
    env_str("SEARCH_INDEX_DIR", "") or VAR_DIR / "search" / str(DATABASES["default"]["NAME"])
)
SEARCH_INLINE = env_bool("SEARCH_INLINE", False)
SEARCH_WRITER_HEAP_MB = int(env_str("SEARCH_WRITER_HEAP_MB", "32"))  # the follower's writer
SEARCH_REBUILD_HEAP_MB = int(env_str("SEARCH_REBUILD_HEAP_MB", "768"))  # split across threads
SEARCH_THREADS = int(env_str("SEARCH_THREADS", "2"))  # indexing threads of a rebuild
SEARCH_QUERY_THREADS = int(env_str("SEARCH_QUERY_THREADS", "2"))  # per process, for counts

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
LOGIN_URL = "admin:login"

TAGGIT_CASE_INSENSITIVE = True

# The archive's own identity and defaults, shown on every page and in citations.
ARCHIVE_NAME = env_str("ARCHIVE_NAME", "Xinjiang and the NKVD, 1935–1945: A Digital Archive")
ARCHIVE_SHORT_NAME = env_str("ARCHIVE_SHORT_NAME", "Digital Archive")
ARCHIVE_DEFAULT_RIGHTS = env_str(
    "ARCHIVE_DEFAULT_RIGHTS",
    "This document may be reproduced for research and teaching with credit to the archive "
    "that holds the original and to this digital archive.",
)


# Leaflet's JS and CSS come from the django-leaflet package's static files (the app itself is
# not installed: its admin needs GDAL). Only map tiles come from outside, from this setting.
def _leaflet_static() -> list[Path]:
    import leaflet

    return [Path(leaflet.__file__).parent / "static"]


STATICFILES_DIRS = _leaflet_static()
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
