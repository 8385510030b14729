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
from documents.selectors import document_queryset, embargoed_until, is_public

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


def document_detail(request, record_number, slug=None):
    doc = get_document(request, record_number)
    if slug != (doc.slug or None):
        return redirect(canonical_path(doc), permanent=True)
    prefetch_related_objects([doc], "scans")  # the gallery and the JSON-LD both read them
    citation = DocumentCitation(doc, permalink(request, doc))
    languages = citation.languages
    original_lang = languages[0].code if languages else ""
    scans = list(doc.scans.all())
    context = {
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
        "iiif_manifest": citation.iiif_manifest_path,
        "preview_notice": preview_notice(doc),
        "admin_url": _admin_url(doc) if request.user.is_staff else "",
    }
    response = render(request, "documents/document_detail.html", context)
    if context["preview_notice"]:
        # A staff preview must not be cached by shared caches or indexed.
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
