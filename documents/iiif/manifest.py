"""A document as a IIIF Presentation 3.0 Manifest: one Canvas per page image, in reading order.

Every value a viewer shows comes from the same sources as the document page: the title, summary,
date, authors, archive and locator (`documents.citations`), the rights statement as the
`requiredStatement`. Canvases take the size stored on each scan, so building a manifest opens no
file once sizes are known.
"""

import mimetypes
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from documents.citations import DocumentCitation, canonical_path
from documents.citations.json_ld import IIIF_MANIFEST_TYPE
from documents.models import Document, Scan
from documents.services.scan_dimensions import ensure_dimensions, is_image
from documents.services.scans import is_pdf

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MEDIA_TYPE = IIIF_MANIFEST_TYPE
LANGUAGE = "en"  # titles, summaries and captions are written in English


def _text(value: str, language: str = LANGUAGE) -> dict:
    return {language: [value]}


def _pair(label: str, value: str) -> dict:
    return {"label": _text(label), "value": _text(value)}


def _metadata(doc: Document, citation: DocumentCitation) -> list[dict]:
    """Label/value pairs a viewer lists beside the images."""
    pairs = [("Date", doc.date_display)]
    if doc.document_type_id:
        pairs.append(("Type", doc.document_type.name))
    if citation.authors:
        pairs.append(("Author", "; ".join(author.name for author in citation.authors)))
    if citation.repository_name:
        pairs.append(("Original archive", citation.repository_name))
    pairs.append(("Archival reference", doc.source_citation or "Unknown"))
    if citation.languages:
        pairs.append(("Language", ", ".join(lang.name for lang in citation.languages)))
    if citation.subjects:
        pairs.append(("Subjects", "; ".join(subject.name for subject in citation.subjects)))
    if citation.credit:
        pairs.append(("Credit", citation.credit))
    pairs.append(("Record number", str(doc.record_number)))
    return [_pair(label, value) for label, value in pairs if value]


def _canvas(scan: Scan, number: int, base: str, absolute: Callable[[str], str]) -> dict:
    canvas_id = f"{base}canvas/{scan.pk}"
    label = scan.caption or f"Scan {number}"
    image = {
        "id": absolute(scan.get_file_url()),
        "type": "Image",
        "format": mimetypes.guess_type(scan.file.name)[0] or "image/jpeg",
        "width": scan.width,
        "height": scan.height,
    }
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": _text(label),
        "width": scan.width,
        "height": scan.height,
        "items": [
            {
                "id": f"{canvas_id}/page",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{canvas_id}/page/image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": image,
                        "target": canvas_id,
                    }
                ],
            }
        ],
    }
    if scan.thumbnail:
        thumbnail = {"id": absolute(scan.get_thumbnail_url()), "type": "Image"}
        canvas["thumbnail"] = [{**thumbnail, "format": "image/jpeg"}]
    return canvas


def _rendering(scans: list[Scan], absolute: Callable[[str], str]) -> list[dict]:
    return [
        {
            "id": absolute(scan.get_file_url()),
            "type": "Text",
            "label": _text(scan.caption or "The original as a PDF"),
            "format": "application/pdf",
        }
        for scan in scans
        if scan.file and is_pdf(scan.file.name)
    ]


def image_scans(scans) -> list[Scan]:
    """The scans a manifest shows, with their sizes (measured once if missing); unreadable
    files are left out rather than given a made-up size."""
    images = [scan for scan in scans if is_image(scan)]
    ensure_dimensions(images)
    return [scan for scan in images if scan.width and scan.height]


def build(doc: Document, scans: list[Scan], absolute: Callable[[str], str], *, public: bool):
    """The manifest as a dict, or None when the document has no page image to show.

    `absolute` turns a site path into an absolute URL; `public` adds links to resources only
    public documents have (the JSON API)."""
    images = image_scans(scans)
    if not images:
        return None
    number = doc.record_number
    manifest_id = absolute(reverse("iiif_manifest", args=[number]))
    base = absolute(f"/documents/{number}/iiif/")
    permalink = absolute(canonical_path(doc))
    citation = DocumentCitation(doc, permalink)
    manifest = {
        "@context": CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": _text(doc.title),
        "metadata": _metadata(doc, citation),
        "requiredStatement": _pair("Rights", doc.rights_statement),
        "provider": [_provider(absolute)],
        "homepage": [
            {
                "id": permalink,
                "type": "Text",
                "label": _text(doc.title),
                "format": "text/html",
                "language": [LANGUAGE],
            }
        ],
        "items": [_canvas(scan, i, base, absolute) for i, scan in enumerate(images, start=1)],
    }
    if doc.summary:
        manifest["summary"] = _text(doc.summary)
    if not doc.date.is_undated and doc.date_earliest:
        manifest["navDate"] = f"{doc.date_earliest.isoformat()}T00:00:00Z"
    if images[0].thumbnail:
        manifest["thumbnail"] = manifest["items"][0]["thumbnail"]
    rendering = _rendering(scans, absolute)
    if rendering:
        manifest["rendering"] = rendering
    if public:
        manifest["seeAlso"] = [_api_record(number, absolute)]
    return manifest


def _provider(absolute: Callable[[str], str]) -> dict:
    home = absolute(reverse("home"))
    return {
        "id": home,
        "type": "Agent",
        "label": _text(settings.ARCHIVE_NAME),
        "homepage": [
            {
                "id": home,
                "type": "Text",
                "label": _text(settings.ARCHIVE_NAME),
                "format": "text/html",
            }
        ],
    }


def _api_record(number: int, absolute: Callable[[str], str]) -> dict:
    return {
        "id": absolute(reverse("api_document_detail", args=[number])),
        "type": "Dataset",
        "label": _text("The full record as JSON"),
        "format": "application/json",
    }
