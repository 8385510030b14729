"""Partial dates as historians write them: parsing, bounds, display and machine form."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from archive.partialdates import (
    PartialDate,
    Precision,
    display_partial_date,
    month_end,
    normalize_partial_date,
    validate_partial_date,
)
from documents.models import Document


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "circa", "display", "iso"),
    [
        ("1935-09-29", "day", date(1935, 9, 29), date(1935, 9, 29), False,
         "September 29, 1935", "1935-09-29"),
        ("1945-7-3", "day", date(1945, 7, 3), date(1945, 7, 3), False,
         "July 3, 1945", "1945-07-03"),
        ("1945-07", "month", date(1945, 7, 1), date(1945, 7, 31), False,
         "July 1945", "1945-07"),
        ("1944-02", "month", date(1944, 2, 1), date(1944, 2, 29), False,
         "February 1944", "1944-02"),
        ("1945-02", "month", date(1945, 2, 1), date(1945, 2, 28), False,
         "February 1945", "1945-02"),
        ("1945-04", "month", date(1945, 4, 1), date(1945, 4, 30), False,
         "April 1945", "1945-04"),
        ("1936", "year", date(1936, 1, 1), date(1936, 12, 31), False, "1936", "1936"),
        ("c. 1936", "year", date(1936, 1, 1), date(1936, 12, 31), True, "c. 1936", "1936~"),
        ("ca. 1936", "year", date(1936, 1, 1), date(1936, 12, 31), True, "c. 1936", "1936~"),
        ("circa 1936", "year", date(1936, 1, 1), date(1936, 12, 31), True, "c. 1936", "1936~"),
        ("1908~", "year", date(1908, 1, 1), date(1908, 12, 31), True, "c. 1908", "1908~"),
        ("C.1945-07", "month", date(1945, 7, 1), date(1945, 7, 31), True,
         "c. July 1945", "1945-07~"),
        ("c. 1945-07-03", "day", date(1945, 7, 3), date(1945, 7, 3), True,
         "c. July 3, 1945", "1945-07-03~"),
        ("1935/1936", "range", date(1935, 1, 1), date(1936, 12, 31), False,
         "1935–1936", "1935/1936"),
        ("c. 1935/1936", "range", date(1935, 1, 1), date(1936, 12, 31), True,
         "c. 1935–1936", "1935/1936~"),
        ("1945-04/1945-06", "range", date(1945, 4, 1), date(1945, 6, 30), False,
         "April–June 1945", "1945-04/1945-06"),
        ("1944-11/1945-02", "range", date(1944, 11, 1), date(1945, 2, 28), False,
         "November 1944 – February 1945", "1944-11/1945-02"),
        ("1945-04-17/1945-04-29", "range", date(1945, 4, 17), date(1945, 4, 29), False,
         "April 17–29, 1945", "1945-04-17/1945-04-29"),
        ("1945-04-17/1945-06-02", "range", date(1945, 4, 17), date(1945, 6, 2), False,
         "April 17 – June 2, 1945", "1945-04-17/1945-06-02"),
        ("1944-12-30/1945-01-02", "range", date(1944, 12, 30), date(1945, 1, 2), False,
         "December 30, 1944 – January 2, 1945", "1944-12-30/1945-01-02"),
        ("1945-07-01/1945-07-31", "range", date(1945, 7, 1), date(1945, 7, 31), False,
         "July 1945", "1945-07/1945-07"),
        ("1936/1936", "range", date(1936, 1, 1), date(1936, 12, 31), False, "1936", "1936/1936"),
        ("1935-09/1936", "range", date(1935, 9, 1), date(1936, 12, 31), False,
         "September 1935 – December 1936", "1935-09/1936"),
    ],
)  # fmt: skip
def test_parse_bounds_display_and_iso(text, precision, earliest, latest, circa, display, iso):
    value = PartialDate.parse(text)
    assert value.precision == precision
    assert (value.earliest, value.latest, value.circa) == (earliest, latest, circa)
    assert value.display() == display
    assert str(value) == display
    assert value.iso() == iso
    # The machine form reads back as the same date.
    assert PartialDate.parse(value.iso()) == value


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_means_undated(text):
    value = PartialDate.parse(text)
    assert value.precision == Precision.UNDATED
    assert value.is_undated
    assert (value.earliest, value.latest, value.circa) == (None, None, False)
    assert value.display() == "Undated"
    assert value.iso() == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("July 1945", "is not a date"),
        ("1945-13", "is not a real date"),
        ("1945-02-30", "is not a real date"),
        ("1945-00-10", "is not a real date"),
        ("0000", "year must be 0001 or later"),
        ("45", "is not a date"),
        ("1945-07-01-02", "is not a date"),
        ("1945\x00", "is not a date"),
        ("1945-07-01/", "is not a date"),
        ("/1945", "is not a date"),
        ("1936/1935", "must end after it starts"),
        ("1945-07-03/1945-07-03", "must end after it starts"),
        ("1945-07-10/1945-07-03", "must end after it starts"),
        ("&|!():*", "is not a date"),
    ],
)
def test_parse_errors_are_reader_facing(text, message):
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text)
    with pytest.raises(ValidationError):
        validate_partial_date(text)


def test_validator_accepts_the_forms_people_dates_use():
    for text in ["", "1899", "1945-07", "1945-07-03", "1908~", "c. 1908", "1884/1885"]:
        validate_partial_date(text)


def test_display_partial_date_for_people_and_organizations():
    assert display_partial_date("") == ""
    assert display_partial_date("1899") == "1899"
    assert display_partial_date("1908~") == "c. 1908"
    assert display_partial_date("1953-03-05") == "March 5, 1953"
    assert display_partial_date("1884/1885") == "1884–1885"
    # A value stored before validation existed is shown as typed, never as an error.
    assert display_partial_date("spring 1937") == "spring 1937"


def test_month_end_handles_leap_years():
    assert month_end(1944, 2) == date(1944, 2, 29)
    assert month_end(1900, 2) == date(1900, 2, 28)
    assert month_end(1945, 12) == date(1945, 12, 31)


@pytest.mark.parametrize(
    ("text", "display", "bounds"),
    [
        ("1945-07", "July 1945", (date(1945, 7, 1), date(1945, 7, 31))),
        ("1935-10-03", "October 3, 1935", (date(1935, 10, 3), date(1935, 10, 3))),
        ("c. 1936", "c. 1936", (date(1936, 1, 1), date(1936, 12, 31))),
        ("1935/1936", "1935–1936", (date(1935, 1, 1), date(1936, 12, 31))),
        ("", "Undated", (None, None)),
    ],
)
def test_document_set_date_fills_the_stored_bounds(text, display, bounds):
    document = Document(title="A document")
    document.set_date(text)
    assert document.date_display == display
    assert (document.date_earliest, document.date_latest) == bounds


@pytest.mark.parametrize(
    ("text", "precision", "display"),
    [
        ("1945-07-01", "month", "July 1945"),  # the seed file's convention
        ("1936-01-01", "year", "1936"),
        ("1936-01-01~", "year", "c. 1936"),
        ("1945-07-12", "day", "July 12, 1945"),
        ("", "undated", "Undated"),
    ],
)
def test_an_explicit_precision_reads_a_full_day_as_its_month_or_year(text, precision, display):
    assert PartialDate.parse(text, precision).display() == display


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        ("1945-07", "day", "does not fit"),
        ("1945", "decade", "unknown precision"),
        ("1945", "undated", "precision says undated"),
        ("", "month", "no date"),
    ],
)
def test_a_precision_that_contradicts_the_date_is_an_error(text, precision, message):
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text, precision)


@pytest.mark.parametrize(
    ("typed", "stored", "shown_in_the_form"),
    [
        ("c. 1936", "1936~", "c. 1936"),
        ("1945-7", "1945-07", "1945-07"),
        ("1935/1936", "1935/1936", "1935/1936"),
        ("1935-09-29", "1935-09-29", "1935-09-29"),
        ("", "", ""),
    ],
)
def test_one_normalizer_and_one_input_form(typed, stored, shown_in_the_form):
    assert normalize_partial_date(typed) == stored
    assert PartialDate.parse(typed).input_text() == shown_in_the_form
    assert PartialDate.parse(shown_in_the_form) == PartialDate.parse(typed)
