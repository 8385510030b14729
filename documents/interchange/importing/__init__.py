"""Importing documents with their entity links from CSV or JSON (the layouts are documented in
`documents.interchange.formats`).

Decisions an archivist should know:

* **Check first, then write everything or nothing.** Every row is checked (dates, archive,
  title, roles, field lengths, URLs, the publication rule, record numbers...) and classified
  as created / updated / unchanged / rejected before anything is written. A dry run stops
  there and shows, per row and field, the value before and after, with loud warnings when a
  row would unpublish a document or remove links, subjects or collections. A real run writes
  inside one transaction, and only if no row is rejected; otherwise nothing at all is written
  and the report says why, row by row.
* **Empty keeps, `-` clears.** An empty cell (or a missing column, an empty JSON value)
  leaves the field as it is; `-` alone empties it or removes every link of that kind; a
  non-empty list or link cell replaces that kind's values. Export → edit one cell → import
  changes exactly that cell.
* **Keys.** A row's `record_number` is its key: an existing document with that number is
  updated, an unknown number creates a document with exactly that number — if it is at most
  10,000 above the highest in use (`documents.services.record_numbers`). A row without a
  record number is matched by exact title + date (same precision, bounds and circa); if one
  document matches it is updated, if none a new one gets the next number, if several match
  the row is rejected (give the record number). Re-importing a file therefore changes nothing.
* **Entities** are matched by slug (JSON exports carry it), then by name, variant or (for
  organizations) abbreviation; an exact name wins over a variant; a name matching several
  entities rejects the row. Unmatched names create new entities, which the report lists.
  Entity records in the file's top-level lists create entities or, for ones that already
  exist, only fill fields that are blank here and add missing variants: an import never
  overwrites curated entity text.
* **Vocabularies.** Unknown document types, funders, subjects and collections are created and
  reported. An unknown original archive rejects the row, unless the file declares it in its
  top-level `repositories` list or `create_repositories` is set (`--create-repositories`, or
  the checkbox on the admin page): a mistyped archive name should not become a new archive.
  Unknown languages reject the row unless declared in the top-level `languages` list.
* **Publishing** follows the workflow's rule (`documents.services.publication`), as in the
  admin: a status change must be one the transition table allows; publishing, withdrawing,
  embargoes and `published_at` need `documents.publish_document` (`allow_publish`); a
  published document needs a title, date, summary and original archive. A row that leaves the
  status alone is never rejected for the status.
* **Writes** are the document service's (`prepare_document`: sanitized HTML, Unix newlines,
  slug, `published_at`), in bulk; `documents_changed` keeps the search current.
* **History.** Updated documents get a version in the change history (with a baseline
  version first if they had none), commented with the file name; new documents get their
  first version when next edited.
"""

from documents.interchange.importing.importer import Importer, import_file
from documents.interchange.importing.report import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    FieldChange,
    ImportReport,
    RowResult,
)

__all__ = [
    "CREATED",
    "REJECTED",
    "UNCHANGED",
    "UPDATED",
    "FieldChange",
    "ImportReport",
    "Importer",
    "RowResult",
    "import_file",
]
