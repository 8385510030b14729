"""A document in simple Dublin Core (`oai_dc`), the format every harvester reads.

The same facts the document page and its citations give, from `documents.citations` (authors,
the holding archive, the locator), so a catalogue record and a citation never disagree. Dates are
the archive's partial dates in their compact form (1935-09-29, 1945-07, 1935/1936, 1936~), so an
approximate date keeps its circa mark.
"""

from django.conf import settings
from lxml import etree

from documents.citations import DocumentCitation, canonical_path
from documents.models import Document
from documents.oai.protocol import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, XSI_NS
from documents.oai.xml import clean

DCMI_TEXT = "Text"


def _elements(doc: Document, permalink: str) -> list[tuple[str, str]]:
    citation = DocumentCitation(doc, permalink)
    fields = [("title", doc.title)]
    fields += [("creator", author.name) for author in citation.authors]
    fields += [("subject", subject.name) for subject in citation.subjects]
    fields += [("description", doc.summary), ("description", citation.credit)]
    fields += [("publisher", settings.ARCHIVE_NAME)]
    fields += [("contributor", doc.translated_by), ("contributor", doc.obtained_by)]
    if not doc.date.is_undated:
        fields += [("date", doc.date.iso())]
    fields += [("type", DCMI_TEXT)]
    if doc.document_type_id:
        fields += [("type", doc.document_type.name)]
    fields += [("format", "text/html"), ("identifier", permalink)]
    source = ", ".join(p for p in (citation.repository_name, doc.source_citation) if p)
    fields += [("source", source)]
    fields += [("language", language.code) for language in citation.languages]
    fields += [("relation", doc.source_url)]
    fields += [("coverage", link.place.name) for link in doc.place_links.all()]
    fields += [("rights", doc.rights_statement)]
    return fields


def _container() -> etree._Element:
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    return root


def description_dc(text: str) -> etree._Element:
    """A set's description, as the protocol asks: a `<oai_dc:dc>` holding a `dc:description`."""
    root = _container()
    etree.SubElement(root, f"{{{DC_NS}}}description").text = clean(text)
    return root


def oai_dc(doc: Document, request) -> etree._Element:
    """The `<oai_dc:dc>` element for `doc`; empty values are left out."""
    root = _container()
    permalink = request.build_absolute_uri(canonical_path(doc))
    seen = set()
    for name, value in _elements(doc, permalink):
        text = clean(value)
        if text and (name, text) not in seen:
            seen.add((name, text))
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = text
    return root
