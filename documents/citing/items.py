"""One document as a CSL-JSON item: what the CSL styles read.

Built from `documents.citations.DocumentCitation`, so the styles say what the archive's form,
BibTeX and RIS say: the same authors, archive (named once), locator and permanent address.
"""

from datetime import date

from archive.partialdates import Precision, month_end
from documents.citations import DocumentCitation

ITEM_ID = "document"


def _parts(day: date, precision: str) -> list[int]:
    if precision == Precision.YEAR:
        return [day.year]
    if precision == Precision.MONTH:
        return [day.year, day.month]
    return [day.year, day.month, day.day]


def _bound_precision(day: date, *, start: bool) -> str:
    """How exactly a range's bound is written (1935, 1935-03 or 1935-03-02)."""
    if (day.month, day.day) == ((1, 1) if start else (12, 31)):
        return Precision.YEAR
    if (start and day.day == 1) or (not start and day == month_end(day.year, day.month)):
        return Precision.MONTH
    return Precision.DAY


def issued(citation: DocumentCitation) -> dict | None:
    """The document's date in CSL form: date parts as far as known, `circa` when approximate;
    None when undated (the styles then write "n.d." or leave it out, as each prescribes).

    A range within one year is given as the archive writes it ("March 2 – April 5, 1935"):
    citeproc-py drops or garbles such ranges; ranges across years are real date ranges."""
    value = citation.doc.date
    if value.is_undated or value.earliest is None or value.latest is None:
        return None
    start, end = value.earliest, value.latest
    if value.precision != Precision.RANGE:
        return {"date-parts": [_parts(start, value.precision)], "circa": value.circa}
    if start.year == end.year:
        literal = value.display().removeprefix("c. ")
        return {"literal": literal, "circa": value.circa}
    parts = [
        _parts(start, _bound_precision(start, start=True)),
        _parts(end, _bound_precision(end, start=False)),
    ]
    return {"date-parts": parts, "circa": value.circa}


def _name(creator) -> dict:
    """A person by family and given name when the sort name says which is which
    ("Stalin, Joseph"); organizations and anything else as written."""
    if creator.kind == "Person" and creator.sort_name.count(",") == 1:
        family, given = (part.strip() for part in creator.sort_name.split(","))
        if family and given:
            return {"family": family, "given": given}
    return {"literal": creator.name}


def csl_item(citation: DocumentCitation, *, accessed: date) -> dict:
    doc = citation.doc
    archive, locator = citation.archive_and_locator
    item = {
        "id": ITEM_ID,
        "type": "manuscript",
        "title": " ".join(doc.title.split()),
        "URL": citation.permalink,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        # The digital archive, as MLA's second container (Chicago and APA leave it out).
        "source": citation.archive_name,
    }
    if citation.authors:
        item["author"] = [_name(creator) for creator in citation.authors]
    date_value = issued(citation)
    if date_value:
        item["issued"] = date_value
    translator = " ".join(doc.translated_by.split())
    if translator:
        item["translator"] = [{"literal": translator}]
    if doc.document_type_id:
        item["genre"] = doc.document_type.name
    if archive:
        item["archive"] = archive
        if doc.repository.location:
            item["archive-place"] = doc.repository.location
    if locator:
        item["archive_location"] = locator
    return item
