"""The site's addresses. Media files are never served from here, in any settings: scans reach
readers only through the access-checked views in documents/reading_room/views/scans.py."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from archive import errors, health, views
from documents.api.views import slashless
from documents.reading_room.feeds import DocumentFeed
from documents.reading_room.home import home
from documents.reading_room.sitemaps import SITEMAPS

urlpatterns = [
    path("", home, name="home"),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        views.sitemap_section,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("documents/feed/", DocumentFeed(), name="document_feed"),
    path("oai/", include("documents.oai.urls")),
    path("api/downloads/", include("documents.api.bulk_urls")),
    path("api", slashless, name="api_bare"),  # /api → /api/, with CORS headers
    path("api/", include("documents.api.urls")),
    path("", include("documents.iiif.urls")),
    path("", include("documents.reading_room.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
