"""The document page: the text, everything known about it, how to cite it, what is related.

Addressed by record number; the slug is decoration, so a stale or missing slug redirects
(301) to the current address. What a reader may see is `documents.selectors.document_queryset`:
the public sees published documents, staff also preview drafts (with a banner saying why the
public cannot see it).
"""

from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.cache import patch_cache_control

from documents.citations import DocumentCitation, canonical_path
from documents.citing import reader_citations
from documents.models import (
    Document,
    PlaceRole,
    Role,
)
from documents.reading_room.related import related_documents
from documents.reading_room.scan_viewer import viewer_pages
from documents.selectors import document_queryset, embargoed_until, is_public
from documents.services.scans import ensure_page_counts

# Headings for entity links, by role, in the order readers expect them.
ENTITY_ROLE_LABELS = [
    (Role.AUTHOR, "Authors"),
    (Role.SIGNATORY, "Signatories"),
    (Role.RECIPIENT, "Recipients"),
    (Role.MENTIONED, "Mentioned"),
]
PLACE_ROLE_LABELS = [
    (PlaceRole.ORIGIN, "Place of writing"),
    (PlaceRole.DESTINATION, "Destination"),
    (PlaceRole.MENTIONED, "Places discussed"),
]


def get_document(request, record_number: int) -> Document:
    return get_object_or_404(document_queryset(user=request.user), record_number=record_number)


def permalink(request, doc: Document) -> str:
    return request.build_absolute_uri(canonical_path(doc))


@dataclass
class LinkGroup:
    """One labelled group of entity links (“Recipients”: five people)."""

    role: str
    label: str
    links: list = field(default_factory=list)


def _entity_groups(doc: Document) -> list[LinkGroup]:
    """People and organizations grouped by role; organizations first within a role."""
    groups = {role: LinkGroup(role, label) for role, label in ENTITY_ROLE_LABELS}
    for link in doc.organization_links.all():
        link.entity = link.organization
        groups.get(link.role, groups[Role.MENTIONED]).links.append(link)
    for link in doc.person_links.all():
        link.entity = link.person
        groups.get(link.role, groups[Role.MENTIONED]).links.append(link)
    return [group for group in groups.values() if group.links]


def _place_groups(doc: Document) -> list[LinkGroup]:
    groups = {role: LinkGroup(role, label) for role, label in PLACE_ROLE_LABELS}
    for link in doc.place_links.all():
        link.entity = link.place
        groups.get(link.role, groups[PlaceRole.MENTIONED]).links.append(link)
    return [group for group in groups.values() if group.links]


def preview_notice(doc: Document) -> str:
    """Why the public cannot see this document ("" when it can)."""
    if is_public(doc):
        return ""
    status = doc.Status
    embargo = embargoed_until(doc)
    if embargo is not None:
        until = dateformat.format(timezone.localtime(embargo), "F j, Y, H:i T")
        return f"Embargoed until {until} — not visible to the public until then."
    reasons = {
        status.DRAFT: "Draft — not visible to the public.",
        status.REVIEW: "In review — not visible to the public until it is published.",
        status.WITHDRAWN: "Withdrawn — no longer visible to the public.",
    }
    return reasons.get(doc.status, "Not visible to the public.")


def _admin_url(doc: Document) -> str:
    try:
        return reverse("admin:documents_document_change", args=[doc.pk])
    except NoReverseMatch:
        return ""


def _machine_date(doc: Document) -> str:
    """A valid HTML `<time datetime>` value, or "" (ranges have none)."""
    date = doc.date
    if date.is_undated or date.precision == "range":
        return ""
    return date.iso().rstrip("~")


def document_context(request, doc: Document) -> dict:
    """What the document page and its print view show."""
    prefetch_related_objects([doc], "scans")  # the gallery and the JSON-LD both read them
    citation = DocumentCitation(doc, permalink(request, doc))
    languages = citation.languages
    original_lang = languages[0].code if languages else ""
    scans = list(doc.scans.all())
    ensure_page_counts(scans)
    return {
        "doc": doc,
        "citation": citation,
        "cite_forms": reader_citations(citation, accessed=timezone.localdate()),
        "permalink": citation.permalink,
        "date_machine": _machine_date(doc),
        "languages": languages,
        "original_lang": original_lang,
        "subjects": citation.subjects,
        "collections": list(doc.collections.all()),
        "funder_line": citation.funder_line,
        "entity_groups": _entity_groups(doc),
        "place_groups": _place_groups(doc),
        "related": related_documents(doc),
        "scans": scans,
        "viewer_pages": viewer_pages(scans),
        # Translation and original side by side (one at a time on a phone).
        "parallel": bool(doc.full_text and doc.original_text),
        "iiif_manifest": citation.iiif_manifest_path,
        "preview_notice": preview_notice(doc),
        "admin_url": _admin_url(doc) if request.user.is_staff else "",
    }


def _private_if_preview(response, context) -> None:
    if context["preview_notice"]:
        # A staff preview must not be cached by shared caches or indexed.
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"


def document_detail(request, record_number, slug=None):
    doc = get_document(request, record_number)
    if slug != (doc.slug or None):
        return redirect(canonical_path(doc), permanent=True)
    context = document_context(request, doc)
    response = render(request, "documents/document_detail.html", context)
    _private_if_preview(response, context)
    return response


def document_print(request, record_number):
    """The document on paper: its texts one after the other, its full record, every citation
    form and the permanent address; no navigation, gallery or related documents."""
    doc = get_document(request, record_number)
    context = document_context(request, doc)
    context["printed"] = timezone.localdate()
    response = render(request, "documents/document_print.html", context)
    _private_if_preview(response, context)
    return response
