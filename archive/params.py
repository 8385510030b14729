"""Whole numbers from request parameters (page, page_size, indexes): the one parser.

`str.isdigit()` is true for "²", "①" and other Unicode digits that `int()` then refuses (or,
for Arabic-Indic and other decimal digits, silently accepts), so a check like
`raw.isdigit() and int(raw)` turns a hostile address into a server error. Only ASCII digits
are numbers here, and never more than a few of them.
"""

import re

MAX_DIGITS = 12
_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_int(
    raw: object,
    *,
    minimum: int | None = 1,
    maximum: int | None = None,
    max_digits: int = MAX_DIGITS,
) -> int | None:
    """The number `raw` spells in ASCII digits, within [minimum, maximum]; else None.

    No sign, spaces, Unicode digits or more than `max_digits` digits: callers answer None
    with their own 400, 404 or default.
    """
    if not isinstance(raw, str) or len(raw) > max_digits or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    if minimum is not None and value < minimum:
        return None
    if maximum is not None and value > maximum:
        return None
    return value


def int_param(
    raw: object,
    default: int,
    *,
    minimum: int | None = 1,
    maximum: int | None = None,
    choices: tuple[int, ...] | None = None,
) -> int:
    """`parse_int`, with `default` for a missing, malformed or out-of-range value (and for
    one outside `choices`, when given): for parameters where a wrong value is no error."""
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None or (choices is not None and value not in choices):
        return default
    return value
