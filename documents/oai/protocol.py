"""The protocol's rules for requests: verbs and their arguments, datestamps, errors.

Everything a harvester can get wrong is answered with the error the specification names
(section 3.6), never with an HTTP error: badVerb, badArgument, badResumptionToken,
cannotDisseminateFormat, idDoesNotExist, noRecordsMatch, noMetadataFormats, noSetHierarchy.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    """An error condition the protocol defines: `code` goes into `<error code="…">`."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def bad_argument(message: str) -> OAIError:
    return OAIError("badArgument", message)


@dataclass(frozen=True)
class Verb:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    exclusive: str | None = None  # an argument that must come alone (resumptionToken)


_LIST = Verb(("metadataPrefix",), ("from", "until", "set"), "resumptionToken")
VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=("identifier",)),
    "ListSets": Verb(exclusive="resumptionToken"),
    "ListIdentifiers": _LIST,
    "ListRecords": _LIST,
    "GetRecord": Verb(("identifier", "metadataPrefix")),
}


def parse_request(params) -> tuple[str, dict[str, str]]:
    """The verb and its arguments from a QueryDict (GET query or POST form), or OAIError."""
    pairs = list(params.lists())
    verbs = dict(pairs).get("verb")
    if not verbs:
        raise OAIError("badVerb", "The request has no verb.")
    if len(verbs) > 1:
        raise OAIError("badVerb", "The verb is repeated.")
    name = verbs[0]
    verb = VERBS.get(name)
    if verb is None:
        raise OAIError("badVerb", f"“{name[:50]}” is not an OAI-PMH verb.")
    allowed = {*verb.required, *verb.optional, verb.exclusive}
    args = {}
    for key, values in pairs:
        if key == "verb":
            continue
        if key not in allowed:
            raise bad_argument(f"{name} does not take the argument “{key[:50]}”.")
        if len(values) > 1:
            raise bad_argument(f"The argument “{key}” is repeated.")
        if not values[0]:
            raise bad_argument(f"The argument “{key}” is empty.")
        args[key] = values[0]
    if verb.exclusive and verb.exclusive in args:
        if len(args) > 1:
            raise bad_argument(f"{verb.exclusive} must be the only argument besides the verb.")
        return name, args
    missing = [key for key in verb.required if key not in args]
    if missing:
        raise bad_argument(f"{name} needs the argument “{missing[0]}”.")
    return name, args


def check_format(prefix: str) -> str:
    if prefix not in METADATA_FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"The metadata format “{prefix[:50]}” is not offered; ListMetadataFormats lists "
            "those that are.",
        )
    return prefix


# --- datestamps ----------------------------------------------------------------------------


def format_datestamp(moment: datetime) -> str:
    """UTC to the second, the repository's granularity: 2024-05-01T12:30:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str, name: str) -> tuple[datetime, timedelta]:
    """The start of the day or second `value` names, and the length of that unit."""
    try:
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC), timedelta(days=1)
        if _SECOND.match(value):
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return moment, timedelta(seconds=1)
    except ValueError:
        pass
    raise bad_argument(
        f"“{name}” must be a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDThh:mm:ssZ), "
        f"not “{value[:40]}”."
    )


def parse_range(start: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """`from` and `until` as a half-open interval [start, end): `until` includes its whole day
    or second. Both must have the same granularity, and `from` may not come after `until`."""
    low = _parse(start, "from") if start else None
    high = _parse(until, "until") if until else None
    if low and high:
        if low[1] != high[1]:
            raise bad_argument("“from” and “until” must have the same granularity.")
        if low[0] > high[0]:
            raise bad_argument("“from” is later than “until”.")
    return (low[0] if low else None), (high[0] + high[1] if high else None)
