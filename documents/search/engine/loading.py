"""Reading documents from PostgreSQL into index entries, a batch at a time.

Which documents belong in the index comes from `documents.selectors` (published, embargoed
or not); everything else about them is read with a few set-based statements per batch: the
rows, then each kind of link as (document, value) pairs, then the names of the linked
entities that the batch needs. Texts are stripped of tags and folded here, in Python: the
database's `translate()` with the folding table costs milliseconds per document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import tantivy
from django.db import connection

from documents.search.engine import schema as f
from documents.search.engine.analysis import fold, strip_markup
from documents.selectors import EMBARGO_FIELD, published_or_embargoed

# What each row gives, in `Loader._entry`'s order.
_FIELDS = (
    "pk", "record_number", "version", EMBARGO_FIELD, "date_earliest", "date_latest", "title",
    "summary", "full_text", "source_citation", "original_text", "document_type_id",
    "repository_id", "published_at",
)  # fmt: skip

# facet -> (link table, document column, value column)
_LINKS = {
    "place": ("documents_documentplace", "document_id", "place_id"),
    "person": ("documents_documentperson", "document_id", "person_id"),
    "organization": ("documents_documentorganization", "document_id", "organization_id"),
    "subject": ("documents_taggeddocument", "content_object_id", "tag_id"),
    "collection": ("documents_document_collections", "document_id", "collection_id"),
    "language": ("documents_document_original_languages", "document_id", "language_id"),
}

# facet -> (table, searchable names); the archive and type come from the row.
_NAMES = {
    "place": ("people_place", "name || E'\\n' || variants"),
    "person": ("people_person", "name || E'\\n' || variants"),
    "organization": ("people_organization", "name || E'\\n' || abbreviation || E'\\n' || variants"),
    "subject": ("documents_subject", "name"),
    "archive": ("documents_repository", "name || E'\\n' || abbreviation"),
    "type": ("documents_documenttype", "name"),
}


@dataclass
class Entry:
    """One document as the index holds it."""

    id: int
    record_number: int
    version: int
    embargo: datetime | None
    earliest: object
    latest: object
    title_raw: str
    texts: dict[str, str]
    published_at: datetime | None = None
    values: dict[str, list[int]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def to_document(self) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned(f.ID, self.id)
        doc.add_unsigned(f.RECORD_NUMBER, self.record_number)
        doc.add_unsigned(f.VERSION, self.version)
        doc.add_integer(f.EMBARGO, _micros(self.embargo))
        dated = self.earliest is not None
        doc.add_integer(f.EARLIEST, self.earliest.toordinal() if dated else f.UNDATED)
        doc.add_integer(f.LATEST, self.latest.toordinal() if dated else 0)
        doc.add_integer(f.YEAR, self.earliest.year if dated else f.NO_YEAR)
        ascending, descending = f.date_keys(self.earliest, self.record_number)
        doc.add_unsigned(f.DATE_ASC, ascending)
        doc.add_unsigned(f.DATE_DESC, descending)
        doc.add_text(f.TITLE_KEY, f.title_key(self.title_raw, self.record_number))
        since = max((m for m in (self.published_at, self.embargo) if m is not None), default=None)
        doc.add_unsigned(f.PUBLIC_SINCE, f.public_since_key(since, self.record_number))
        for name, text in self.texts.items():
            if text:
                doc.add_text(name, text)
        for name in self.names:
            doc.add_text("names", name)
        for facet, ids in self.values.items():
            for value in ids:
                doc.add_unsigned(facet, value)
        return doc


def _micros(moment: datetime | None) -> int:
    if moment is None:
        return 0
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def embargo_micros(moment: datetime) -> int:
    return _micros(moment)


class Loader:
    """Reads batches of index entries; names of linked entities are cached for one loader
    (a rebuild's, or a single batch's), so they are never older than the loader."""

    def __init__(self):
        self._names: dict[str, dict[int, str]] = defaultdict(dict)

    def by_ids(self, ids: Iterable[int]) -> list[Entry]:
        """Entries for those of `ids` that belong in the index (the others: none)."""
        ids = sorted({int(i) for i in ids})
        if not ids:
            return []
        entries = self._rows(published_or_embargoed().filter(pk__in=ids))
        self._attach_links(entries, "= ANY(%(ids)s)", {"ids": [e.id for e in entries]})
        return entries

    def chunks(self, size: int = 5000) -> Iterator[list[Entry]]:
        """Every entry, in id order, `size` at a time (keyset pages: no long transaction)."""
        after = 0
        while True:
            entries = self._rows(published_or_embargoed().filter(pk__gt=after), size)
            if not entries:
                return
            bounds = {"first": entries[0].id, "last": entries[-1].id}
            self._attach_links(entries, "BETWEEN %(first)s AND %(last)s", bounds)
            yield entries
            after = entries[-1].id

    def _rows(self, documents, limit: int | None = None) -> list[Entry]:
        rows = documents.order_by("pk").values_list(*_FIELDS)
        return [self._entry(row) for row in (rows[:limit] if limit else rows)]

    @staticmethod
    def _entry(row) -> Entry:
        (pk, record_number, version, embargo, earliest, latest, title, summary, text, citation,
         original, type_id, archive_id, published_at) = row  # fmt: skip
        texts = {
            "title": fold(title),
            "summary": fold(summary),
            "text": fold(strip_markup(text)),
            "citation": fold(citation),
            "original": fold(strip_markup(original)),
        }
        entry = Entry(pk, record_number, version, embargo, earliest, latest, title, texts)
        entry.published_at = published_at
        entry.values["type"] = [type_id] if type_id is not None else []
        entry.values["archive"] = [archive_id] if archive_id is not None else []
        return entry

    def _attach_links(self, entries: list[Entry], documents_sql: str, params: dict) -> None:
        """Each kind of link as one array per document (one statement per kind)."""
        if not entries:
            return
        by_id = {entry.id: entry for entry in entries}
        with connection.cursor() as cursor:
            for facet, (table, document, value) in _LINKS.items():
                roles = f.ROLE_FIELDS.get(facet)
                keys = f", array_agg(DISTINCT {f.role_sql(value)})" if roles else ""
                cursor.execute(
                    f"SELECT {document}, array_agg(DISTINCT {value}){keys} FROM {table} "
                    f"WHERE {document} {documents_sql} GROUP BY {document}",
                    params,
                )
                for doc_id, values, *role_keys in cursor.fetchall():
                    entry = by_id.get(doc_id)
                    if entry is not None:  # a range also holds unpublished documents' links
                        entry.values[facet] = values
                        if roles:
                            entry.values[roles] = role_keys[0]
        wanted = defaultdict(set)
        for entry in entries:
            for facet in _NAMES:
                wanted[facet].update(entry.values.get(facet, ()))
        self._fetch_names(wanted)
        for entry in entries:
            for facet in _NAMES:
                names = self._names[facet]
                entry.names += [names[v] for v in entry.values.get(facet, ()) if v in names]

    def _fetch_names(self, wanted: dict[str, set[int]]) -> None:
        with connection.cursor() as cursor:
            for facet, ids in wanted.items():
                missing = [i for i in ids if i not in self._names[facet]]
                if not missing:
                    continue
                table, expression = _NAMES[facet]
                cursor.execute(
                    f"SELECT id, coalesce({expression}, name) FROM {table} WHERE id = ANY(%s)",
                    [missing],
                )
                self._names[facet].update((pk, fold(names)) for pk, names in cursor)

    def preload_names(self) -> None:
        """All names at once (a rebuild reads every entity anyway)."""
        with connection.cursor() as cursor:
            for facet, (table, expression) in _NAMES.items():
                cursor.execute(f"SELECT id, coalesce({expression}, name) FROM {table}")
                self._names[facet].update((pk, fold(names)) for pk, names in cursor)
