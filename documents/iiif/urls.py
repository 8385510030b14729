"""IIIF manifests, beside the document pages they describe."""

from django.urls import path

from documents.iiif.views import manifest

urlpatterns = [
    path("documents/<int:record_number>/manifest.json", manifest, name="iiif_manifest"),
]
