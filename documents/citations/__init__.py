"""How a document is cited: the archive's citation line, BibTeX, RIS, meta tags and JSON-LD.

Everything is computed from one document whose links are already loaded (the document page
prefetches them), so citing adds no queries. Reference managers differ in what they read, and
each form is shaped by what its reader's own code does with it:

- Zotero's Embedded Metadata translator reads the page's meta tags: `citation_*` (Highwire),
  `DC.*` and `og:*` go through its RDF importer, where `z.itemType` decides the item type
  (so a document saves as a manuscript, letter or report, never a journal article) and
  `z.archive`/`z.archiveLocation` fill Archive and Loc. in Archive. `DC.source` is left out:
  the importer takes it for the journal title. Organization authors, and people whose sort
  name is not "Last, First", are written "Name," so its name parser keeps them whole (a last
  name only) instead of splitting them at the last space (`zotero_name`).
- Zotero's COinS translator reads the spans list pages carry per result (`citations.coins`).
- RIS: Zotero reads DB as Archive and AN as Loc. in Archive.
- BibTeX: `@unpublished` (Zotero's BibTeX import makes it a manuscript; a standard type for
  BibTeX and biblatex), words with capitals brace-protected against sentence-casing styles,
  circa kept as biblatex's EDTF `date` (`1936~`) and as "c. 1936" in `year`.
- schema.org JSON-LD for search engines (`json_ld.py`).
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.urls import reverse

from archive.partialdates import Precision
from documents.models import Document, Role
from documents.services.scan_dimensions import is_image

from .json_ld import JsonLd

# Characters BibTeX treats specially, and their escaped forms (one pass, so the backslash
# added for one character is never escaped again).
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(ch) for ch in _BIBTEX_ESCAPES))
_BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun"]
_BIBTEX_MONTHS += ["jul", "aug", "sep", "oct", "nov", "dec"]

_WHITESPACE = re.compile(r"\s+")

# Zotero item types by words in the document type's name (first match wins); everything
# else is a manuscript. A telegram is correspondence: Zotero's "letter", typed "Telegram".
_ZOTERO_TYPES = (("letter", "letter"), ("telegram", "letter"), ("report", "report"))


def one_line(text: str) -> str:
    """One line: formats here are line-based, and stray control characters break them."""
    text = "".join(ch for ch in (text or "") if ch >= " " or ch in "\t\n\r")
    return _WHITESPACE.sub(" ", text).strip()


def bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group(0)], one_line(text))


def bibtex_title(text: str) -> str:
    """The title escaped, each word with a capital in braces so sentence-casing styles keep
    it ("{NKVD}", "{Xinjiang}"); the first word needs it only beyond its first letter."""
    words = bibtex_escape(text).split(" ")
    out = []
    for i, word in enumerate(words):
        capitals = [ch for ch in word if ch.isupper()]
        initial_only = i == 0 and len(capitals) == 1 and word[:1].isupper()
        out.append("{" + word + "}" if capitals and not initial_only else word)
    return " ".join(out)


@dataclass(frozen=True)
class Creator:
    """A person or organization named as an author of the document."""

    name: str
    sort_name: str
    url: str
    kind: str  # "Person" or "Organization" (schema.org types)


class DocumentCitation(JsonLd):
    """The citation forms of one document. `permalink` is the absolute canonical URL."""

    def __init__(self, doc: Document, permalink: str):
        self.doc = doc
        self.permalink = permalink
        self.archive_name = settings.ARCHIVE_NAME

    # --- shared pieces -------------------------------------------------------------------

    @cached_property
    def authors(self) -> list[Creator]:
        """Author-role organizations, then people (institutional authorship comes first)."""
        creators = [
            Creator(
                name=link.organization.name,
                sort_name=link.organization.name,
                url=link.organization.get_absolute_url(),
                kind="Organization",
            )
            for link in self.doc.organization_links.all()
            if link.role == Role.AUTHOR
        ]
        creators += [
            Creator(
                name=link.person.name,
                sort_name=link.person.sort_name or link.person.name,
                url=link.person.get_absolute_url(),
                kind="Person",
            )
            for link in self.doc.person_links.all()
            if link.role == Role.AUTHOR
        ]
        return creators

    @cached_property
    def languages(self) -> list:
        return list(self.doc.original_languages.all())

    @cached_property
    def subjects(self) -> list:
        return [link.tag for link in self.doc.subject_links.all()]

    @cached_property
    def iiif_manifest_path(self) -> str:
        """The IIIF manifest of the document's page images ("" when it has none)."""
        if not any(is_image(scan) for scan in self.doc.scans.all()):
            return ""
        return reverse("iiif_manifest", args=[self.doc.record_number])

    @property
    def repository_name(self) -> str:
        return str(self.doc.repository) if self.doc.repository_id else ""

    @property
    def archive_and_locator(self) -> tuple[str, str]:
        """The holding archive and the locator, the archive said once: a locator that starts
        with the archive's abbreviation or name ("RGASPI, f. 17") loses that start."""
        name, locator = self.repository_name, one_line(self.doc.source_citation)
        if self.doc.repository_id and locator:
            repo = self.doc.repository
            for start in (repo.abbreviation, repo.name):
                if start and re.match(rf"{re.escape(start)}(?:[\s,;:.]|$)", locator):
                    locator = locator[len(start) :].lstrip(" ,;:.")
                    break
        return name, locator

    @property
    def credit(self) -> str:
        """“Obtained by X and translated by Y.” (or either half, or nothing)."""
        obtained, translated = one_line(self.doc.obtained_by), one_line(self.doc.translated_by)
        if obtained and translated:
            return f"Obtained by {obtained} and translated by {translated}."
        if obtained:
            return f"Obtained by {obtained}."
        if translated:
            return f"Translated by {translated}."
        return ""

    @cached_property
    def funder_names(self) -> list[str]:
        return [funder.name for funder in self.doc.funders.all()]

    @property
    def funder_line(self) -> str:
        names = self.funder_names
        if not names:
            return ""
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"This document was made possible with support from {joined}."

    def _date_parts(self) -> list[int]:
        """Year, month, day as far as the date is known (the start of a range)."""
        date = self.doc.date
        if date.is_undated or date.earliest is None:
            return []
        start = date.earliest
        if date.precision == Precision.DAY:
            return [start.year, start.month, start.day]
        if date.precision == Precision.MONTH:
            return [start.year, start.month]
        if date.precision == Precision.YEAR:
            return [start.year]
        # A range: as precise as its start bound is written.
        if (start.month, start.day) == (1, 1):
            return [start.year]
        if start.day == 1:
            return [start.year, start.month]
        return [start.year, start.month, start.day]

    @property
    def slash_date(self) -> str:
        """YYYY/MM/DD as far as known: the form Highwire meta tags and RIS expect."""
        parts = self._date_parts()
        return "/".join(f"{part:02d}" if i else f"{part:04d}" for i, part in enumerate(parts))

    @property
    def ris_date(self) -> str:
        """RIS `DA`: YYYY/MM/DD/other, "circa" in the "other" part when the date is circa."""
        if not self.doc.date.circa:
            return self.slash_date
        parts = (self.slash_date.split("/") + ["", ""])[:3]
        return "/".join(parts) + "/circa"

    @property
    def highwire_date(self) -> str:
        """`citation_date`: YYYY/MM/DD as far as known, "c. 1936" for a circa date (Zotero
        keeps a date as written, and still reads its year)."""
        if self.doc.date.circa and self.slash_date:
            return f"c. {self.slash_date}"
        return self.slash_date

    @property
    def zotero_item_type(self) -> str:
        return zotero_item_type(self.doc)

    @property
    def iso_date(self) -> str:
        """ISO 8601 (a date, or an interval for ranges), without the EDTF circa mark."""
        return self.doc.date.iso().rstrip("~")

    # --- the archive's citation line ----------------------------------------------------

    @property
    def text(self) -> str:
        """`"Title," Date, Original archive, locator. Obtained by ... Archive, permalink`."""
        doc = self.doc
        date = doc.date_display if not doc.date.is_undated else "undated"
        parts = [f'"{one_line(doc.title)}," {date}', *filter(None, self.archive_and_locator)]
        line = ", ".join(parts) + "."
        if self.credit:
            line += " " + self.credit
        return f"{line} {self.archive_name}, {self.permalink}"

    # --- BibTeX --------------------------------------------------------------------------

    @property
    def bibtex_key(self) -> str:
        year = self._date_parts()[:1]
        return f"record{self.doc.record_number}" + (f"_{year[0]}" if year else "")

    @property
    def locator_text(self) -> str:
        """The holding archive and the locator in one string (the archive said once)."""
        return ", ".join(p for p in self.archive_and_locator if p)

    def _bibtex_date_fields(self) -> list[tuple[str, str]]:
        """`year`/`month` for BibTeX styles ("c. 1936" when circa), `date` in biblatex's
        EDTF form, which keeps ranges and the circa mark (`1936~`)."""
        parts = self._date_parts()
        if not parts:
            return []
        circa = self.doc.date.circa
        fields = [("year", "{" + ("c. " if circa else "") + str(parts[0]) + "}")]
        if len(parts) > 1:
            fields.append(("month", _BIBTEX_MONTHS[parts[1] - 1]))
        fields.append(("date", "{" + self.doc.date.iso() + "}"))
        return fields

    def bibtex(self) -> str:
        """An `@unpublished` entry: what Zotero's BibTeX import saves as a manuscript, and a
        standard type in BibTeX and biblatex styles. The archive and locator go in `note`
        (printed by every style; Zotero keeps it as a note) and in biblatex's `library`
        (the field for a holding institution and call number)."""
        doc = self.doc
        fields: list[tuple[str, str]] = [("title", "{" + bibtex_title(doc.title) + "}")]
        if self.authors:
            names = [
                # Organizations in double braces so BibTeX does not split them into names.
                "{" + bibtex_escape(c.name) + "}"
                if c.kind == "Organization"
                else bibtex_escape(c.sort_name)
                for c in self.authors
            ]
            fields.append(("author", "{" + " and ".join(names) + "}"))
        fields += self._bibtex_date_fields()
        if doc.document_type_id:
            fields.append(("type", "{" + bibtex_title(doc.document_type.name) + "}"))
        note = " ".join(p for p in (self.locator_text + ".", self.credit) if p != ".")
        if note:
            fields.append(("note", "{" + bibtex_escape(note) + "}"))
        if self.locator_text:
            fields.append(("library", "{" + bibtex_escape(self.locator_text) + "}"))
        fields.append(("howpublished", "{" + bibtex_escape(self.archive_name) + "}"))
        if self.languages:
            names = ", ".join(lang.name for lang in self.languages)
            fields.append(("language", "{" + bibtex_escape(names) + "}"))
        if doc.summary:
            fields.append(("abstract", "{" + bibtex_escape(doc.summary) + "}"))
        if self.subjects:
            keywords = ", ".join(s.name for s in self.subjects)
            fields.append(("keywords", "{" + bibtex_escape(keywords) + "}"))
        # URLs go verbatim (the url package reads them raw); only braces could break the entry.
        url = self.permalink.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
        fields.append(("url", "{" + url + "}"))
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        return f"@unpublished{{{self.bibtex_key},\n{body}\n}}\n"

    # --- RIS -----------------------------------------------------------------------------

    def ris(self) -> str:
        """RIS as Zotero, EndNote and Mendeley import it (CRLF line ends, `ER` last)."""
        doc = self.doc
        lines: list[tuple[str, str]] = [("TY", "MANSCPT"), ("TI", doc.title)]
        for creator in self.authors:
            lines.append(("AU", creator.sort_name))
        if doc.translated_by:
            lines.append(("A4", doc.translated_by))
        if self.slash_date:
            lines.append(("PY", f"{self._date_parts()[0]:04d}"))
            lines.append(("DA", self.ris_date))
        if doc.document_type_id:
            lines.append(("M3", doc.document_type.name))
        if doc.summary:
            lines.append(("AB", doc.summary))
        if self.repository_name:
            lines.append(("DB", self.repository_name))
        if doc.source_citation:
            lines.append(("AN", doc.source_citation))
        for lang in self.languages:
            lines.append(("LA", lang.name))
        for subject in self.subjects:
            lines.append(("KW", subject.name))
        if self.credit:
            lines.append(("N1", self.credit))
        if self.funder_line:
            lines.append(("N1", self.funder_line))
        if self.doc.date.circa:
            lines.append(("N1", f"Dated {self.doc.date_display} (circa)."))
        lines.append(("N1", f"Record number {doc.record_number}."))
        lines.append(("CR", doc.rights_statement))
        lines.append(("DP", self.archive_name))
        lines.append(("UR", self.permalink))
        out = [f"{tag}  - {one_line(value)}" for tag, value in lines if one_line(value)]
        out.append("ER  - ")
        return "\r\n".join(out) + "\r\n"

    # --- meta tags and JSON-LD ------------------------------------------------------------

    def meta_tags(self) -> list[tuple[str, str]]:
        """(name, content) pairs: Highwire `citation_*` tags (Zotero, Google Scholar), Dublin
        Core, and the `z.*` tags Zotero's importer reads for the item type and archive.

        No `citation_journal_title`, `citation_publisher` or `DC.source`: Zotero would take
        them for a journal, an institution and a journal title."""
        doc = self.doc
        tags = [("citation_title", doc.title)]
        tags += [("citation_author", zotero_name(c)) for c in self.authors]
        if self.highwire_date:
            tags += [("citation_date", self.highwire_date)]
        tags += [("citation_public_url", self.permalink)]
        tags += [("citation_abstract_html_url", self.permalink)]
        tags += [("citation_language", lang.code) for lang in self.languages]
        if self.subjects:
            tags += [("citation_keywords", "; ".join(s.name for s in self.subjects))]
        tags += [("citation_archive_id", str(doc.record_number))]
        if doc.summary:
            tags += [("citation_abstract", doc.summary)]
        tags += [("z.itemType", self.zotero_item_type)]
        tags += [("z.archive", self.repository_name)]
        tags += [("z.archiveLocation", doc.source_citation)]
        tags += [("DC.title", doc.title)]
        tags += [("DC.creator", c.name) for c in self.authors]
        if self.iso_date:
            tags += [("DC.date", self.doc.date.iso())]
        tags += [("DC.type", doc.document_type.name if doc.document_type_id else "Text")]
        tags += [("DC.language", lang.code) for lang in self.languages]
        tags += [("DC.identifier", self.permalink)]
        tags += [("DC.rights", doc.rights_statement)]
        return [(name, one_line(content)) for name, content in tags if one_line(content)]


def zotero_item_type(doc: Document) -> str:
    """manuscript, or letter or report when the document type says so."""
    name = doc.document_type.name.lower() if doc.document_type_id else ""
    return next((zotero for word, zotero in _ZOTERO_TYPES if word in name), "manuscript")


def zotero_name(creator: Creator) -> str:
    """A name as Zotero's name parser (`cleanAuthor`) should split it: "Last, First" where the
    sort name has that form; any other name (an organization, "Sheng Shicai" with the surname
    first, a single name) with a trailing comma, which the parser reads as a last name alone
    instead of splitting it at its last space. A name that itself holds a comma still splits
    there: the parser has no escape for it."""
    if creator.kind == "Person" and "," in creator.sort_name:
        return creator.sort_name
    return f"{creator.name},"


def canonical_path(doc: Document) -> str:
    if doc.slug:
        return doc.get_absolute_url()
    return reverse("document_detail_short", kwargs={"record_number": doc.record_number})
