"""Settings shared by every environment. Values that differ come from the environment."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

from archive.database import database_config, replica_configs
from archive.env import env_bool, env_float, env_int, env_list, env_str

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
    "csp",
    "drf_spectacular_sidecar",  # Swagger UI's files for the API docs page (no CDN)
    "axes",
    "archive",
    "people",
    "documents",
]

MIDDLEWARE = [
    "archive.head.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Chooses the database a request reads from: outside everything that queries it.
    "archive.replicas.ReplicaRoutingMiddleware",
    # Whole pages for anonymous readers: inside the security headers (added fresh to every
    # answer), outside sessions, CSRF and messages (so it sees every cookie they set).
    "archive.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses oversized bodies before anything reads them (needs the user: staff uploads).
    "archive.limits.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # A part of the service missing for now (the search index): a styled 503.
    "archive.errors.UnavailableMiddleware",
    # Last, so its process_exception sees a view's database error first.
    "archive.resilience.DatabaseResilienceMiddleware",
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

_REPLICAS = replica_configs()
DATABASES = {"default": database_config(BASE_DIR), **_REPLICAS}
# The aliases reads are spread over (archive/replicas.py); empty: everything on the primary.
DATABASE_REPLICAS = list(_REPLICAS)
DATABASE_ROUTERS = ["archive.replicas.ReplicaRouter"]
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

SCAN_MAX_UPLOAD_MB = env_int("SCAN_MAX_UPLOAD_MB", 50)
# Larger images are refused before they are decoded (a 164 KB PNG can hold 169 megapixels).
SCAN_MAX_PIXELS = env_int("SCAN_MAX_MEGAPIXELS", 60) * 1_000_000

# The search index (documents.search.engine), derived from the database: one directory per
# database (by default under var/search/, named after it, so switching DATABASE_URL never
# serves another database's index). In production `manage.py search_index --follow` keeps it
# current; with SEARCH_INLINE (on in development and tests) each search first applies pending
# changes in its own process.
SEARCH_INDEX_DIR = Path(
    env_str("SEARCH_INDEX_DIR", "") or VAR_DIR / "search" / str(DATABASES["default"]["NAME"])
)
SEARCH_INLINE = env_bool("SEARCH_INLINE", False)
# Each app node keeps its own index and runs its own follower of the outbox; this names the
# index among them (default: host name and SEARCH_INDEX_DIR). The outbox keeps rows until
# every named index has applied them; one unseen this long is forgotten (a week).
SEARCH_INDEX_NAME = env_str("SEARCH_INDEX_NAME", "")
SEARCH_FOLLOWER_EXPIRY_SECONDS = env_int("SEARCH_FOLLOWER_EXPIRY_SECONDS", 7 * 24 * 3600)
# /health/ says "degraded" when this node's index is this many seconds behind the outbox.
SEARCH_HEALTH_MAX_LAG_SECONDS = env_int("SEARCH_HEALTH_MAX_LAG_SECONDS", 60)
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


# Interoperability: OAI-PMH (/oai/) and bulk downloads (/api/downloads/). Set the repository
# identifier in production (e.g. "archive.example.org"): OAI identifiers are made from it and
# must never change.
OAI_REPOSITORY_IDENTIFIER = env_str("OAI_REPOSITORY_IDENTIFIER", "")
OAI_ADMIN_EMAILS = env_list("OAI_ADMIN_EMAILS", [])
OAI_PAGE_SIZE = int(env_str("OAI_PAGE_SIZE", "100"))
OAI_TOKEN_LIFETIME = int(env_str("OAI_TOKEN_LIFETIME", str(24 * 3600)))
# Bulk files are rebuilt when the collection changes, and at least this often (seconds);
# requests rebuild them only for collections up to this many documents (else: export_collection).
BULK_EXPORT_MAX_AGE = int(env_str("BULK_EXPORT_MAX_AGE", str(24 * 3600)))
BULK_EXPORT_INLINE_LIMIT = int(env_str("BULK_EXPORT_INLINE_LIMIT", "2000"))


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

# --- Serving: error pages, favicon ------------------------------------------------------------
# /favicon.ico and other files browsers expect at the site's root, served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "archive" / "root"
CSRF_FAILURE_VIEW = "archive.errors.csrf_failure"
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 5)

# --- Request and upload caps (archive/limits.py) ----------------------------------------------
# Checked against Content-Length before the body is read; staff under UPLOAD_PATH_PREFIX get
# the upload cap (several scans or an import file in one form).
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_KB", 1024) * 1024
UPLOAD_MAX_BODY_BYTES = env_int("UPLOAD_MAX_BODY_MB", 4 * SCAN_MAX_UPLOAD_MB) * 1024 * 1024
UPLOAD_PATH_PREFIX = "/admin/"

# --- Content-Security-Policy and Permissions-Policy -------------------------------------------
# No inline script or style anywhere unless it carries the request's nonce
# (`nonce="{{ request.csp_nonce }}"`); map tiles are the only outside resource.


def _tile_origin(url: str) -> list[str]:
    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_tile_origin(MAP_TILES_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"], "picture-in-picture": []}  # fmt: skip

# --- Admin sign-in: throttling and lockout with an audit trail (django-axes) ------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# refused (429) for LOGIN_LOCKOUT_MINUTES, even with the right password. Every attempt is
# kept in the admin ("Axes": access attempts, failures, logins); `manage.py axes_reset` lifts
# a lockout at once.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
# The client's address: REMOTE_ADDR, unless the site sits behind TRUSTED_PROXY_COUNT reverse
# proxies that append to X-Forwarded-For (never trust the header otherwise: it is forgeable).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# --- Cache: Redis when CACHE_URL (or REDIS_URL) is set, else this process's memory -------------
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, keeping its client object (archive/rediscache.py).
            "BACKEND": "archive.rediscache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "archive"),
            "TIMEOUT": 300,
            # A slow or absent Redis must cost a request milliseconds, not a worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Whole pages for anonymous readers (archive/pagecache.py) ----------------------------------
# Seconds a page is kept at most (0: off); every publication-relevant write replaces them all
# at once (the content version), and none outlives an embargo's end.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_KB", 2048) * 1024
# Never cached: curation, probes, harvesters' lists (dated answers, resumption tokens), files.
PAGE_CACHE_EXCLUDE = ["/admin/", "/health/", "/oai/", "/api/downloads/", "/media/", "/static/"]

# --- Databases under faults and replicas (archive/resilience.py, archive/replicas.py) ---------
# A read that loses its connection is retried once, waiting at most this long for the primary.
DATABASE_RETRY_WAIT_SECONDS = env_float("DATABASE_RETRY_WAIT_SECONDS", 5.0)
# A replica that failed is left out of the rotation this long (per process).
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
# After a write, that browser reads the primary this long (read-your-writes).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)
REPLICA_PIN_COOKIE = "archive_primary"
REPLICA_PRIMARY_PATHS = ["/admin/"]
