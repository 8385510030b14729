"""Writing OAI-PMH responses: the envelope, headers, resumption tokens, errors.

Text goes through `clean` first: XML 1.0 cannot carry most control characters, and one stray
character in a title must not turn a whole harvest page into an error.
"""

import re
from datetime import datetime

from django.utils import timezone
from lxml import etree

from documents.oai.protocol import OAI_NS, OAI_SCHEMA, XSI_NS, format_datestamp

# Characters XML 1.0 does not allow (besides tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value) -> str:
    return _NOT_XML.sub("", str(value or "")).strip()


def oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def envelope(base_url: str, attributes: dict[str, str] | None) -> etree._Element:
    """`<OAI-PMH>` with its responseDate and request; `attributes` None for badVerb and
    badArgument answers, which must echo only the base URL."""
    root = etree.Element(oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    etree.SubElement(root, oai("responseDate")).text = format_datestamp(timezone.now())
    request = etree.SubElement(root, oai("request"))
    for key, value in (attributes or {}).items():
        request.set(key, clean(value))
    request.text = base_url
    return root


def add_errors(root: etree._Element, errors) -> None:
    for error in errors:
        element = etree.SubElement(root, oai("error"), code=error.code)
        element.text = clean(error.message)


def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, oai(name))
    if text is not None:
        element.text = clean(text)
    return element


def add_header(parent: etree._Element, header, identifier: str) -> None:
    element = add(parent, "header")
    if header.deleted:
        element.set("status", "deleted")
    add(element, "identifier", identifier)
    add(element, "datestamp", format_datestamp(header.datestamp))
    for spec in header.sets:
        add(element, "setSpec", spec)


def add_token(
    parent: etree._Element, token: str, *, cursor: int, total: int, expires: datetime | None
) -> None:
    """The resumption token of a list page; on the last page an empty one closes the list."""
    element = add(parent, "resumptionToken", token or None)
    element.set("completeListSize", str(total))
    element.set("cursor", str(cursor))
    if token and expires is not None:
        element.set("expirationDate", format_datestamp(expires))


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
