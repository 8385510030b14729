"""Every citation form of one document, ready for the page: the archive's form and the CSL
styles, each as safe HTML (only italics and the like) and as plain text for copying.

Rendering the four CSL forms takes about 25 ms of CPU (with parsed styles reused and
citeproc-py's lookups remembered: `styles.borrowed_style`, `speed`), so a public document's
forms are kept in the shared cache (keyed by the content version, which every write moves on,
and by the document, its version, the address and the access date).
"""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe

from archive.cache import cached
from documents.citations import DocumentCitation
from documents.citing.items import ITEM_ID, csl_item
from documents.citing.styles import borrowed_style, punctuate_in_quote
from documents.selectors import is_public

CACHE_SECONDS = 24 * 3600
_TAGS = {"i", "b", "sup", "sub"}


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl: str
    part: str  # "note" (a footnote: the citation form of a note style) or "bibliography"
    access_date_macro: str = ""


STYLES = [
    Style(
        "chicago-note",
        "Chicago (note)",
        "chicago-notes-bibliography-access-dates",
        "note",
    ),
    Style(
        "chicago-bibliography",
        "Chicago (bibliography)",
        "chicago-notes-bibliography-access-dates",
        "bibliography",
    ),
    Style(
        "mla",
        "MLA",
        "modern-language-association",
        "bibliography",
        "supplemental-date-access",
    ),
    Style("apa", "APA", "apa", "bibliography", "source-DOI-URL"),
]


@dataclass(frozen=True)
class CitationForm:
    key: str  # also the element id suffix on the page: cite-<key>
    label: str
    html: SafeString
    text: str


def _clean_html(rendered: str) -> str:
    return nh3.clean(punctuate_in_quote(rendered), tags=_TAGS, attributes={})


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _escaped(value):
    """Every string of a CSL-JSON item escaped for HTML: citeproc-py's HTML output copies
    values as they are, so a title with markup in it would otherwise become markup."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {key: _escaped(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_escaped(inner) for inner in value]
    return value


def render(style: Style, item: dict) -> str:
    """One style's form of the item, as cleaned HTML."""
    source = CiteProcJSON([_escaped(item)])
    with borrowed_style(style.csl, style.access_date_macro) as csl_style:
        bibliography = CitationStylesBibliography(csl_style, source, formatter.html)
        citation = Citation([CitationItem(ITEM_ID)])
        bibliography.register(citation)
        if style.part == "note":
            rendered = str(bibliography.cite(citation, lambda _item: None))
        else:
            rendered = "".join(str(entry) for entry in bibliography.bibliography())
    return _clean_html(rendered)


def archive_form(citation: DocumentCitation, accessed: date) -> str:
    """The archive's citation line, with the access date."""
    return f"{citation.text}. Accessed {date_format(accessed, 'F j, Y')}."


def _build(citation: DocumentCitation, accessed: date) -> list[tuple[str, str, str]]:
    item = csl_item(citation, accessed=accessed)
    archive = html.escape(archive_form(citation, accessed), quote=False)
    forms = [("archive", "The archive's form", archive)]
    return forms + [(style.key, style.label, render(style, item)) for style in STYLES]


def reader_citations(citation: DocumentCitation, *, accessed: date) -> list[CitationForm]:
    """The archive's form, then Chicago (note, bibliography), MLA and APA."""
    doc = citation.doc
    if is_public(doc):
        address = hashlib.sha256(citation.permalink.encode()).hexdigest()[:16]
        key = f"citing:{doc.pk}:{doc.version}:{accessed.isoformat()}:{address}"
        built = cached(key, lambda: _build(citation, accessed), timeout=CACHE_SECONDS)
    else:  # a staff preview: never stored where readers' pages come from
        built = _build(citation, accessed)
    return [
        CitationForm(key, label, mark_safe(markup), _plain(markup))  # noqa: S308 - cleaned
        for key, label, markup in built
    ]
