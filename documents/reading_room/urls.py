"""Public URLs. Entity pages live here too: they list documents, and `people` must not
import `documents`."""

from django.urls import path

from documents.reading_room.views import (
    citations,
    document,
    entities,
    export,
    glance,
    listing,
    scans,
)

urlpatterns = [
    path("documents/", listing.document_list, name="document_list"),
    path("documents/export.<str:fmt>", export.export_results, name="document_list_export"),
    path("timeline/", glance.timeline, name="timeline"),
    path("map/", glance.atlas, name="atlas"),
    path("documents/<int:record_number>/", document.document_detail, name="document_detail_short"),
    path(
        "documents/<int:record_number>/<str:slug>/",
        document.document_detail,
        name="document_detail",
    ),
    path("documents/<int:record_number>/print", document.document_print, name="document_print"),
    path(
        "documents/<int:record_number>/cite.bib",
        citations.document_bibtex,
        name="document_bibtex",
    ),
    path("documents/<int:record_number>/cite.ris", citations.document_ris, name="document_ris"),
    path(
        "documents/<int:record_number>/scans/<int:scan_id>/file",
        scans.scan_file,
        name="scan_file",
    ),
    path(
        "documents/<int:record_number>/scans/<int:scan_id>/thumbnail",
        scans.scan_file,
        {"variant": "thumbnail"},
        name="scan_thumbnail",
    ),
    path(
        "documents/<int:record_number>/scans/<int:scan_id>/pages/<int:page>",
        scans.scan_page,
        name="scan_page",
    ),
    path("people/", entities.person_list, name="person_list"),
    path("people/<str:slug>/", entities.person_detail, name="person_detail"),
    path("organizations/", entities.organization_list, name="organization_list"),
    path("organizations/<str:slug>/", entities.organization_detail, name="organization_detail"),
    path("places/", entities.place_list, name="place_list"),
    path("places/<str:slug>/", entities.place_detail, name="place_detail"),
    path("subjects/", entities.subject_list, name="subject_list"),
    path("subjects/<str:slug>/", entities.subject_detail, name="subject_detail"),
    path("collections/", entities.collection_list, name="collection_list"),
    path("collections/<str:slug>/", entities.collection_detail, name="collection_detail"),
]
