"""Production: refuses to start without a real SECRET_KEY and ALLOWED_HOSTS."""

from django.core.exceptions import ImproperlyConfigured

from archive.env import env_bool, env_str
from archive.settings.base import *  # noqa: F403
from archive.settings.base import ALLOWED_HOSTS, SECRET_KEY

DEBUG = False

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("django-insecure", "dev-only", "change")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host(s) in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe /health/ over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Media storage (scans). Local MEDIA_ROOT unless a bucket is configured; then S3 or any
# S3-compatible store (MinIO, Ceph, R2...) through django-storages (`pip install .[s3]`).
# Credentials are read by django-storages/boto3 from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
# (or an instance role), never from this file.
MEDIA_STORAGE = (env_str("MEDIA_STORAGE", "") or "").strip().lower() or (
    "s3" if env_str("AWS_STORAGE_BUCKET_NAME") else "local"
)
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be “local” or “s3”.")
if MEDIA_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _s3_options = {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
        # Never overwrite: two scans named “page1.jpg” must stay two files.
        "file_overwrite": False,
        # Private bucket, expiring signed links: scans of unpublished documents stay private.
        "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", True),
        "querystring_expire": int(env_str("AWS_QUERYSTRING_EXPIRE", "3600")),
        "location": env_str("AWS_LOCATION", "media"),
    }
    for _option, _variable in [
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
        ("addressing_style", "AWS_S3_ADDRESSING_STYLE"),
    ]:
        if env_str(_variable):
            _s3_options[_option] = env_str(_variable)
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options},
    }
