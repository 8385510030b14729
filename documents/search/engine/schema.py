"""What the index holds for each published document, field by field.

Text fields are indexed but not stored: rows and texts are read from PostgreSQL by id (the ten
on a page only), so the index stays small. Everything a query filters, sorts, counts or checks
on is a fast field (columnar, read without touching the texts).
"""

from dataclasses import dataclass
from functools import cache

import tantivy

from documents.search.engine.analysis import ENGLISH, PLAIN
from documents.search.facets import FACETS

SCHEMA_VERSION = 4  # bump when fields change: builds of another version are then refused


@dataclass(frozen=True)
class TextField:
    name: str
    analyzer: str
    boost: float  # the old search vector's weights: A 1.0, B 0.4, C 0.2, D 0.1


TEXT_FIELDS = (
    TextField("title", ENGLISH, 1.0),
    TextField("summary", ENGLISH, 0.4),
    TextField("names", ENGLISH, 0.4),  # entities' names and variants, subjects, type, archive
    TextField("text", ENGLISH, 0.2),  # the English full text, tags removed
    TextField("citation", PLAIN, 0.1),
    TextField("original", PLAIN, 0.1),
)

ID = "id"
RECORD_NUMBER = "record_number"
VERSION = "version"
EMBARGO = "embargo"  # microseconds since 1970 of `publish_on`; 0 when there is none
# Every document has a value in every fast field (a column with gaps is several times slower
# to filter): undated documents get values no date range can reach.
EARLIEST = "earliest"  # proleptic ordinal of date_earliest; UNDATED when undated
LATEST = "latest"  # ... of date_latest; 0 when undated
YEAR = "year"  # year of date_earliest: the histogram's bar; 0 when undated
DATE_ASC = "date_asc"  # oldest first, undated last, then record number
DATE_DESC = "date_desc"  # sorted descending: newest first, undated last, then -record number
TITLE_KEY = "title_key"  # lower-cased title, then record number
PUBLIC_SINCE = "public_since"  # newest public first (feeds, "recent"): see public_since_key

FACET_FIELDS = tuple(spec.param for spec in FACETS)  # multi-valued ids of each facet's values

# A person's or organization's link with its role, as one number: `role_key(id, role)`. Kept
# apart from the facet fields, so a role filter is one term-set query on a fast field.
ROLES = ("author", "signatory", "recipient", "mentioned")  # `documents.models.Role`'s values
ROLE_BITS = 3
ROLE_FIELDS = {"person": "person_role", "organization": "organization_role"}

DAY_BITS = 22  # date(9999, 12, 31).toordinal() < 2**22
UNDATED = (1 << DAY_BITS) - 1
NO_YEAR = 0


@cache
def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for field in TEXT_FIELDS:
        builder.add_text_field(field.name, stored=False, tokenizer_name=field.analyzer)
    builder.add_unsigned_field(ID, indexed=True, fast=True)
    for name in (RECORD_NUMBER, VERSION, DATE_ASC, DATE_DESC, PUBLIC_SINCE):
        builder.add_unsigned_field(name, fast=True)
    for name in (EMBARGO, EARLIEST, LATEST, YEAR):
        builder.add_integer_field(name, fast=True)
    builder.add_text_field(TITLE_KEY, fast=True, tokenizer_name="raw", index_option="basic")
    for name in (*FACET_FIELDS, *ROLE_FIELDS.values()):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    return builder.build()


def role_key(entity_id: int, role: str) -> int:
    """The number a role-qualified link is indexed as (ValueError for an unknown role)."""
    return (int(entity_id) << ROLE_BITS) | ROLES.index(role)


def role_sql(id_column: str) -> str:
    """`role_key` in SQL, over a link table's entity id and `role` columns."""
    cases = " ".join(f"WHEN '{role}' THEN {code}" for code, role in enumerate(ROLES))
    return f"(({id_column}::bigint << {ROLE_BITS}) | CASE role {cases} END)"


def date_keys(earliest, record_number: int) -> tuple[int, int]:
    """(ascending, descending) sort keys: the day in the high bits, the record number below."""
    if earliest is None:
        return (UNDATED << 32) | record_number, record_number
    day = earliest.toordinal()
    return (day << 32) | record_number, ((day + 1) << 32) | record_number


RECORD_BITS = 30  # record numbers below about a billion


def public_since_key(moment, record_number: int) -> int:
    """Sorted descending: when the document became public (the later of publication and
    the end of any embargo, as `selectors.public_since`), to the second, then the higher
    record number; 0 (last) when it has no publication time."""
    if moment is None:
        return 0
    return (int(moment.timestamp()) << RECORD_BITS) | record_number


def title_key(title: str, record_number: int) -> str:
    """Lower-cased title by code point, as the database's C.UTF-8 `lower(title)` sorted."""
    return f"{title.lower()}\x00{record_number:010d}"
