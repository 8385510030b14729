"""/api/downloads/: the published collection as files (see documents.api.bulk)."""

from django.urls import path

from documents.api import bulk

urlpatterns = [
    path("", bulk.index, name="api_downloads"),
    path("<str:filename>.sha256", bulk.checksum, name="api_download_checksum"),
    path("<str:filename>", bulk.download, name="api_download"),
]
