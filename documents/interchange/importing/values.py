"""Reading single cells: record numbers, statuses, moments, names; and small shared helpers."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from documents.models import Document

STATUSES = {}
for _value, _label in Document.Status.choices:
    STATUSES[_value] = _value
    STATUSES[str(_label).lower()] = _value


def record_number(value) -> int | str | None:
    """An int, None when blank, or an error message. Whether a new document may take the
    number is `documents.services.record_numbers`' decision."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if text.isdigit() and int(text) > 0:
        return int(text)
    return f"Record number “{text}” is not a positive whole number."


def parse_moment(value) -> datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"“{text}” is not a date and time (use ISO 8601, e.g. 2024-05-01T09:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def identity(obj):
    """Existing objects compare by primary key, planned ones by object identity."""
    if obj is None:
        return None
    return obj.pk if obj.pk is not None else ("new", id(obj))


def unique(items):
    seen, out = set(), []
    for item in items:
        key = identity(item) if hasattr(item, "pk") else item
        if item is not None and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def flat(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def split_abbreviation(name: str) -> tuple[str, str]:
    """“Russian State Archive of Socio-Political History (RGASPI)” -> (name, “RGASPI”)."""
    name = name.strip()
    if name.endswith(")") and " (" in name:
        bare, _, abbreviation = name[:-1].rpartition(" (")
        if bare.strip() and abbreviation.strip() and " " not in abbreviation.strip():
            return bare.strip(), abbreviation.strip()
    return name, ""


def known_language(text: str) -> tuple[str | None, str]:
    """(ISO code, English name) for a language Django knows by code or English name."""
    from django.conf.locale import LANG_INFO

    wanted = text.strip().lower()
    if wanted in ("chinese", "zh"):
        return "zh", "Chinese"
    for code, info in LANG_INFO.items():
        if "name" in info and wanted in (code, info["name"].lower()):
            return code, info["name"]
    return None, text
