"""The read-only JSON API, mounted at /api/ (see documents.api.views)."""

from django.urls import path, re_path

from documents.api import views as api

urlpatterns = [
    path("", api.api_root, name="api_root"),
    path("documents/", api.document_list, name="api_document_list"),
    path("documents/<int:record_number>/", api.document_detail, name="api_document_detail"),
    path("people/<str:slug>/", api.person_detail, name="api_person_detail"),
    path("organizations/<str:slug>/", api.organization_detail, name="api_organization_detail"),
    path("places/<str:slug>/", api.place_detail, name="api_place_detail"),
    path("openapi.json", api.openapi_json, name="api_openapi"),
    path("docs/", api.docs, name="api_docs"),
    # Addresses without their slash redirect to it, with CORS headers (Django's own
    # APPEND_SLASH redirect has none, so browsers would refuse to follow it).
    re_path(r"^(?P<rest>.*[^/])$", api.slashless, name="api_slashless"),
    # Anything else under /api/ answers JSON too, not the HTML 404 page.
    re_path(r"^(?P<rest>.+/)$", api.not_found, name="api_not_found"),
]
