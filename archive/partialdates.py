"""Partial dates as historians write them: a day, a month, a year, a range, circa, or undated.

A partial date is stored as a precision plus the earliest and latest day it may mean, so lists
sort by date and filters use overlap ("1945" overlaps June 1945). This module is the one parser
(`PartialDate.parse`, `parse_point`), normalizer (`normalize_partial_date`) and formatter: the
admin's date input, the importer, the reading room's filters and entity dates all use it.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    RANGE = "range", "Range"
    UNDATED = "undated", "Undated"


_POINT = r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"
_POINT_RE = re.compile(rf"^{_POINT}$")
_CIRCA_RE = re.compile(r"^(?:c\.|ca\.|circa)\s*|~$", re.IGNORECASE)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_point(text: str) -> tuple[date, date, str]:
    """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into (earliest, latest, precision).

    Raises ValueError with a reader-facing message for anything else.
    """
    match = _POINT_RE.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1:
        raise ValueError(f"“{text}” is not a date: the year must be 0001 or later.")
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31), Precision.YEAR
        if day is None:
            return date(year, month, 1), month_end(year, month), Precision.MONTH
        exact = date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}” is not a real date.") from None
    return exact, exact, Precision.DAY


@dataclass(frozen=True)
class PartialDate:
    precision: str
    earliest: date | None = None
    latest: date | None = None
    circa: bool = False

    @classmethod
    def parse(cls, text: str | None, precision: str | None = None) -> "PartialDate":
        """Parse `1935`, `1945-07`, `1935-09-29`, `1935/1936`, with `c.` or a trailing `~`.

        An empty value means undated. With an explicit `precision` (the seed file's
        `date_precision`), a full day stands for its month or year (“1945-07-01” + month =
        July 1945, the seed's convention); a date that contradicts its precision is an error.
        """
        text = (text or "").strip()
        precision = str(precision or "").strip().lower()
        if precision:
            return cls._parse_with_precision(text, precision)
        if not text:
            return cls(Precision.UNDATED)
        circa = bool(_CIRCA_RE.search(text))
        text = _CIRCA_RE.sub("", text).strip()
        if "/" in text:
            start, _, end = text.partition("/")
            earliest = parse_point(start)[0]
            latest = parse_point(end)[1]
            if latest <= earliest:
                raise ValueError("A date range must end after it starts.")
            return cls(Precision.RANGE, earliest, latest, circa)
        earliest, latest, precision = parse_point(text)
        return cls(precision, earliest, latest, circa)

    @classmethod
    def _parse_with_precision(cls, text: str, precision: str) -> "PartialDate":
        if precision not in Precision.values:
            raise ValueError(
                f"unknown precision “{precision}” (use {', '.join(Precision.values)})."
            )
        if precision == Precision.UNDATED:
            if text:
                raise ValueError(f"“{text}” is given but the precision says undated.")
            return cls(Precision.UNDATED)
        if not text:
            raise ValueError(f"no date, but the precision says “{precision}”.")
        value = cls.parse(text)
        if value.precision == precision:
            return value
        narrower = {Precision.DAY: 3, Precision.MONTH: 2, Precision.YEAR: 1}
        if narrower.get(value.precision, 0) > narrower.get(precision, 9):
            earliest = value.earliest
            point = (
                f"{earliest.year:04d}"
                if precision == Precision.YEAR
                else earliest.strftime("%Y-%m")
            )
            return cls.parse(point + ("~" if value.circa else ""))
        raise ValueError(f"“{text}” does not fit the precision “{precision}”.")

    def __str__(self) -> str:
        return self.display()

    @property
    def is_undated(self) -> bool:
        return self.precision == Precision.UNDATED

    def display(self) -> str:
        """The date as a historian writes it: "September 29, 1935", "July 1945", "c. 1936"."""
        if self.is_undated or self.earliest is None or self.latest is None:
            return "Undated"
        prefix = "c. " if self.circa else ""
        if self.precision == Precision.DAY:
            return prefix + _day(self.earliest)
        if self.precision == Precision.MONTH:
            return prefix + _month(self.earliest)
        if self.precision == Precision.YEAR:
            return prefix + str(self.earliest.year)
        return prefix + _range(self.earliest, self.latest)

    def iso(self) -> str:
        """A compact machine form (EDTF-like): 1935-09-29, 1945-07, 1936, 1935/1936, 1936~."""
        if self.is_undated or self.earliest is None or self.latest is None:
            return ""
        suffix = "~" if self.circa else ""
        if self.precision == Precision.DAY:
            return self.earliest.isoformat() + suffix
        if self.precision == Precision.MONTH:
            return self.earliest.strftime("%Y-%m") + suffix
        if self.precision == Precision.YEAR:
            return f"{self.earliest.year:04d}{suffix}"
        return f"{_iso_bound(self.earliest, True)}/{_iso_bound(self.latest, False)}{suffix}"

    def input_text(self) -> str:
        """The date as an archivist types it (what `parse` reads back): 1945-07-12, 1941-02,
        1936, 1935/1936, c. 1936; blank when undated."""
        iso = self.iso()
        return f"c. {iso.removesuffix('~')}" if self.circa and iso else iso


def _day(d: date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def _month(d: date) -> str:
    return f"{d.strftime('%B')} {d.year}"


def _is_month_start(d: date) -> bool:
    return d.day == 1


def _is_month_end(d: date) -> bool:
    return d == month_end(d.year, d.month)


def _range(start: date, end: date) -> str:
    if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if _is_month_start(start) and _is_month_end(end):
        if (start.year, start.month) == (end.year, end.month):
            return _month(start)
        if start.year == end.year:
            return f"{start.strftime('%B')}–{end.strftime('%B')} {end.year}"
        return f"{_month(start)} – {_month(end)}"
    if start.year == end.year:
        if start.month == end.month:
            return f"{start.strftime('%B')} {start.day}–{end.day}, {end.year}"
        return f"{start.strftime('%B')} {start.day} – {end.strftime('%B')} {end.day}, {end.year}"
    return f"{_day(start)} – {_day(end)}"


def _iso_bound(d: date, is_start: bool) -> str:
    if (d.month, d.day) == ((1, 1) if is_start else (12, 31)):
        return f"{d.year:04d}"
    if (is_start and _is_month_start(d)) or (not is_start and _is_month_end(d)):
        return d.strftime("%Y-%m")
    return d.isoformat()


def normalize_partial_date(text: str | None) -> str:
    """The one stored form of a partial date typed as text (entity dates): `c. 1936` ->
    `1936~`, `1945-7` -> `1945-07`; blank stays blank. Raises ValueError on bad input."""
    return PartialDate.parse(text).iso()


def validate_partial_date(value: str) -> None:
    """Validator for partial dates typed as text (people's and organizations' dates)."""
    try:
        PartialDate.parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def display_partial_date(value: str) -> str:
    """Display a stored partial-date string; blank stays blank."""
    if not value:
        return ""
    try:
        return PartialDate.parse(value).display()
    except ValueError:
        return value
