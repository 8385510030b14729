"""Reading import files (CSV and JSON) into plain row dictionaries, and the shared layout.

Both readers produce the same thing: a list of `ParsedRow` whose `data` holds only the fields
the file actually gives a value for, plus the file's optional entity and vocabulary lists.
`interchange.importing` decides what to do with them; `interchange.exporting` writes the same
layout back out.

Empty keeps, `-` clears. A missing column or key, an empty cell, an empty JSON string or list
and JSON `null` all mean "leave this field as it is" (for a new document: empty, or the
default). To empty a field or remove every link of a kind, write the marker `-` alone in the
cell (JSON: `"-"` or `["-"]`): `-` in `places` removes every place link, in `summary` empties
the summary, in `date` makes the document undated, in `publish_on` lifts the embargo. The title,
record number, status and `published_at` cannot be cleared. A non-empty list or link cell
replaces that kind's values with exactly the ones given. So an export, edited in one cell and
imported again, changes exactly that cell. A row changing a published document, imported by
someone who may not publish, is held for an editor's approval as a pending revision.

CSV layout (UTF-8, header row, one row per document; column names are case-insensitive):

    record_number   the key; blank = new document (or matched by title + date, see importing).
                    A new document's number may be at most 10,000 above the highest in use
                    (documents.services.record_numbers); leave it blank to get the next one.
    title           required for a new document
    date            partial date: 1935-09-29, 1945-07, 1936, 1935/1936, c. 1936 or 1936~
    date_precision  optional (day, month, year, range, undated); with it a full day such as
                    1945-07-01 + month is read as July 1945 (the seed file's convention)
    summary, full_text, original_text, internal_notes, rights, original_classification,
    obtained_by, translated_by, slug
    document_type   name, e.g. Decision (new types are created and reported)
    source          archival locator, e.g. RGASPI, f. 17, op. 162, d. 18, ll. 140-141
    original_archive  repository name, abbreviation or "Name (ABBR)"; must exist unless
                    creating archives is allowed
    archive_url     where the document was first published online
    status          draft, review, published or withdrawn (new documents default to draft);
                    changes follow the review workflow and need the publish permission
    publish_on, published_at   ISO 8601 date-times
    funders, original_languages, subjects, collections
                    several values separated by ";", e.g. "Soviet policy; NKVD personnel"
    people, organizations, places
                    "Name (role); Name (role)"; "(role?)" marks an uncertain link, a trailing
                    "[note]" adds a public note: "Sheng Shicai (recipient?) [identity inferred]".
                    The role may be left out ("Xinjiang" = mentioned). Roles: author,
                    signatory, recipient, mentioned; places: origin, destination, mentioned.

A literal ";" inside a value is written "\\;". Aliases accepted for seed and model names:
source_citation, repository, source_url, topics, original_language, language, type.

JSON layout: the shape of `fixtures/seed/xinjiang-nkvd.json` — `{"documents": [...]}` with the
keys above (lists as JSON lists, links as `{"name", "role", "uncertain", "note", "slug"}` or
plain names), plus optional top-level `people`, `organizations`, `places` (entity records with
variants, descriptions, dates, parents, coordinates) and `repositories`, `document_types`,
`languages`, `funders`, `collections`, `subjects` (vocabulary records). JSON is the lossless
format: an export read back into an empty database reproduces everything.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field

from archive.curation.newlines import unix_newlines

# Canonical field names, in export column order.
SCALAR_FIELDS = [
    "record_number",
    "title",
    "date",
    "date_precision",
    "summary",
    "document_type",
    "source",
    "original_archive",
    "obtained_by",
    "translated_by",
    "archive_url",
    "original_classification",
    "rights",
    "status",
    "publish_on",
    "published_at",
    "slug",
    "full_text",
    "original_text",
    "internal_notes",
]
LIST_FIELDS = ["funders", "original_languages", "topics", "collections"]
LINK_FIELDS = ["people", "organizations", "places"]
ALL_FIELDS = SCALAR_FIELDS + LIST_FIELDS + LINK_FIELDS

CSV_COLUMNS = [
    "record_number",
    "title",
    "date",
    "summary",
    "document_type",
    "source",
    "original_archive",
    "obtained_by",
    "translated_by",
    "funders",
    "original_languages",
    "people",
    "organizations",
    "places",
    "subjects",
    "collections",
    "archive_url",
    "original_classification",
    "rights",
    "status",
    "publish_on",
    "published_at",
    "slug",
    "full_text",
    "original_text",
    "internal_notes",
]

ALIASES = {
    "source_citation": "source",
    "repository": "original_archive",
    "source_url": "archive_url",
    "subjects": "topics",
    "original_language": "original_languages",
    "language": "original_languages",
    "languages": "original_languages",
    "type": "document_type",
    "record": "record_number",
}
# Seed-file keys that carry no archive data (dataset bookkeeping); ignored without a warning.
IGNORED_KEYS = {"id", "summary_source", "verification"}

VOCABULARY_KEYS = [
    "repositories",
    "document_types",
    "languages",
    "funders",
    "collections",
    "subjects",
]
ENTITY_KEYS = {"people": "person", "organizations": "organization", "places": "place"}


@dataclass
class LinkSpec:
    """One entity named on a document row."""

    name: str
    role: str = ""
    uncertain: bool = False
    note: str = ""
    slug: str = ""
    abbreviation: str = ""


@dataclass
class ParsedRow:
    number: int
    data: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list = field(default_factory=list)
    entities: dict = field(default_factory=lambda: {k: [] for k in ENTITY_KEYS.values()})
    vocabularies: dict = field(default_factory=lambda: {k: [] for k in VOCABULARY_KEYS})
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


CLEAR_MARKER = "-"


class _Clear:
    """The value of a cell holding only the clear marker: empty this field or these links."""

    def __repr__(self) -> str:
        return "CLEAR"

    def __bool__(self) -> bool:
        return False


CLEAR = _Clear()


def is_blank(value) -> bool:
    """An empty cell, string or list, or JSON null: "leave as it is"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def is_clear(value) -> bool:
    """The clear marker, alone in a cell, a JSON string or a one-item JSON list."""
    if isinstance(value, str):
        return value.strip() == CLEAR_MARKER
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0].strip() == CLEAR_MARKER
    return False


class FormatError(ValueError):
    """The file cannot be read at all (not UTF-8, not JSON, no title column...)."""


def canonical_key(key: str) -> str:
    key = str(key).strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def decode(content: bytes | str) -> str:
    if isinstance(content, str):
        text = content
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormatError("The file is not UTF-8 text.") from None
    if "\x00" in text:
        raise FormatError("The file contains NUL bytes; it is not a text file.")
    # Unix newlines, as the write services store them (archive.curation.newlines).
    return unix_newlines(text.lstrip("\ufeff"))


def guess_format(filename: str, content: bytes | str = b"") -> str:
    name = (filename or "").lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    head = content[:100].lstrip() if content else b""
    if isinstance(head, bytes):
        head = head.decode("utf-8", "ignore")
    return "json" if head.lstrip("\ufeff").startswith(("{", "[")) else "csv"


def parse(content: bytes | str, fmt: str) -> ParsedFile:
    text = decode(content)
    if fmt == "json":
        return parse_json(text)
    if fmt == "csv":
        return parse_csv(text)
    raise FormatError(f"Unknown format “{fmt}”: use csv or json.")


# --- multi-valued cells -------------------------------------------------------------------

_SPLIT_RE = re.compile(r"(?<!\\);")
_LINK_RE = re.compile(
    r"^(?P<name>.+?)(?:\s*\((?P<role>[^()]*)\))?(?:\s*\[(?P<note>.*)\])?$", re.DOTALL
)


def split_multi(cell: str) -> list[str]:
    """`a; b\\; c` -> ["a", "b; c"]."""
    parts = (p.replace("\\;", ";").strip() for p in _SPLIT_RE.split(cell or ""))
    return [p for p in parts if p]


def join_multi(values) -> str:
    return "; ".join(str(v).replace(";", "\\;") for v in values)


def parse_link_cell(cell: str, roles: dict[str, str]) -> tuple[list[LinkSpec], list[str]]:
    """Parse `Name (role?) [note]; Name` into links; `roles` maps accepted spellings to values.

    A trailing parenthesis that is not a role stays part of the name ("... (Bolsheviks)"),
    unless it is a single lowercase word, which is almost certainly a mistyped role.
    """
    links, errors = [], []
    for item in split_multi(cell):
        match = _LINK_RE.match(item)
        name, role_text, note = match["name"].strip(), match["role"], match["note"]
        uncertain, role = False, ""
        if role_text is not None:
            candidate = role_text.strip()
            uncertain = candidate.endswith("?")
            base = candidate.rstrip("?").strip().lower()
            if base in roles:
                role = roles[base]
            elif re.fullmatch(r"[a-z]+\??", candidate):
                errors.append(f"“{item}”: unknown role “{base}” (use {', '.join(_values(roles))}).")
                continue
            else:
                name, uncertain = item[: match.end("role") + 1].strip(), False
        links.append(LinkSpec(name=name, role=role, uncertain=uncertain, note=(note or "").strip()))
    return links, errors


def format_link(name: str, role: str, uncertain: bool, note: str) -> str:
    text = f"{name} ({role}{'?' if uncertain else ''})"
    if note:
        text += f" [{note}]"
    return text


def _values(roles: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(roles.values()))


# --- CSV ----------------------------------------------------------------------------------


def parse_csv(text: str) -> ParsedFile:
    from documents.models import PlaceRole, Role

    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError("The file is empty.") from None
    except csv.Error as exc:
        raise FormatError(f"The CSV cannot be read: {exc}.") from None
    columns = [canonical_key(h) for h in header]
    if "title" not in columns and "record_number" not in columns:
        raise FormatError(
            "The CSV has neither a “title” nor a “record_number” column (the first row must "
            "name the columns)."
        )
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in ALL_FIELDS and c]
    if unknown:
        parsed.warnings.append(f"Ignored column(s): {', '.join(unknown)}.")
    duplicates = {c for c in columns if c and columns.count(c) > 1}
    if duplicates:
        raise FormatError(f"Column(s) given twice: {', '.join(sorted(duplicates))}.")
    person_roles, place_roles = role_spellings(Role), role_spellings(PlaceRole)
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            row = ParsedRow(number=number)
            if len(cells) > len(columns):
                row.errors.append(f"{len(cells)} cells but only {len(columns)} columns.")
            for column, cell in zip(columns, cells, strict=False):
                if is_blank(cell):
                    continue
                if is_clear(cell):
                    row.data[column] = CLEAR
                elif column in LIST_FIELDS:
                    row.data[column] = split_multi(cell)
                elif column in LINK_FIELDS:
                    roles = place_roles if column == "places" else person_roles
                    row.data[column], errors = parse_link_cell(cell, roles)
                    row.errors.extend(errors)
                elif column in SCALAR_FIELDS:
                    row.data[column] = cell
            parsed.rows.append(row)
    except csv.Error as exc:
        raise FormatError(f"The CSV cannot be read near line {reader.line_num}: {exc}.") from None
    return parsed


def role_spellings(choices) -> dict[str, str]:
    """Role values and labels, lowercased, mapped to the value ("place of writing" -> origin)."""
    spellings = {}
    for value, label in choices.choices:
        spellings[value.lower()] = value
        spellings[str(label).lower()] = value
    return spellings


# --- JSON ---------------------------------------------------------------------------------


def parse_json(text: str) -> ParsedFile:
    from documents.models import PlaceRole, Role

    try:
        payload = unix_newlines(json.loads(text))  # a JSON-escaped \\r survives decode()
    except json.JSONDecodeError as exc:
        raise FormatError(f"The file is not valid JSON: {exc}.") from None
    if isinstance(payload, list):
        payload = {"documents": payload}
    if not isinstance(payload, dict) or not isinstance(payload.get("documents"), list):
        raise FormatError("The JSON needs a top-level “documents” list.")
    parsed = ParsedFile()
    for key, kind in ENTITY_KEYS.items():
        parsed.entities[kind] = _records(payload.get(key), key, parsed)
    for key in VOCABULARY_KEYS:
        parsed.vocabularies[key] = _records(payload.get(key), key, parsed)
    roles = {"people": role_spellings(Role), "organizations": role_spellings(Role)}
    roles["places"] = role_spellings(PlaceRole)
    ignored = set()
    for number, item in enumerate(payload["documents"], start=1):
        row = ParsedRow(number=number)
        parsed.rows.append(row)
        if not isinstance(item, dict):
            row.errors.append("This entry is not an object with document fields.")
            continue
        for raw_key, value in item.items():
            key = canonical_key(raw_key)
            if key in IGNORED_KEYS:
                continue
            if key not in ALL_FIELDS:
                ignored.add(raw_key)
                continue
            if is_blank(value):
                continue
            if is_clear(value):
                row.data[key] = CLEAR
                continue
            try:
                if key in SCALAR_FIELDS:
                    row.data[key] = _scalar(value, raw_key)
                elif key in LIST_FIELDS:
                    row.data[key] = _string_list(value, raw_key)
                else:
                    row.data[key] = _links(value, raw_key, roles[key])
            except ValueError as exc:
                row.errors.append(str(exc))
    if ignored:
        parsed.warnings.append(f"Ignored document key(s): {', '.join(sorted(ignored))}.")
    return parsed


def _records(value, key, parsed) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        parsed.errors.append(f"Top-level “{key}” must be a list of objects.")
        return []
    return value


def _scalar(value, key) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{key}: expected text, got {type(value).__name__}.")
    return str(value)


def _string_list(value, key) -> list[str]:
    if isinstance(value, str):
        return split_multi(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key}: expected a list of names.")
    return [v.strip() for v in value if v.strip()]


def _links(value, key, roles) -> list[LinkSpec]:
    if isinstance(value, str):
        links, errors = parse_link_cell(value, roles)
        if errors:
            raise ValueError(" ".join(errors))
        return links
    if not isinstance(value, list):
        raise ValueError(f"{key}: expected a list.")
    links = []
    for entry in value:
        if isinstance(entry, str):
            if entry.strip():
                links.append(LinkSpec(name=entry.strip()))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError(f"{key}: each entry needs a “name”.")
        role_text = str(entry.get("role") or "").strip()
        role = roles.get(role_text.lower(), "") if role_text else ""
        if role_text and not role:
            raise ValueError(
                f"{key}: unknown role “{role_text}” for “{entry['name']}” "
                f"(use {', '.join(_values(roles))})."
            )
        links.append(
            LinkSpec(
                name=entry["name"].strip(),
                role=role,
                uncertain=bool(entry.get("uncertain")),
                note=str(entry.get("note") or "").strip(),
                slug=str(entry.get("slug") or "").strip(),
                abbreviation=str(entry.get("abbreviation") or "").strip(),
            )
        )
    return links
