"""Search upkeep: the one call every write path makes when documents change.

`documents_changed(ids)` is called inside the writing transaction for every document created,
changed or deleted (its fields, links, subjects or status), by the document service, the
workflow, the importer, history restores and merges (through `entities_changed`). It
recomputes `entity_text` (the admin's search) and moves cached pages to a new version; the
search index needs nothing here: database triggers queue its changes (`search/outbox.py`).
"""

from collections.abc import Iterable

from archive.cache import bump_cache_version
from documents.search.entity_text import linked_document_ids, refresh_entity_text

BATCH = 10_000


def documents_changed(document_ids: Iterable[int]) -> None:
    """These documents were created, changed or deleted: bring what search reads up to date."""
    ids = sorted({int(i) for i in document_ids if i is not None})
    if ids:
        bump_cache_version()  # cached home page and unfiltered counts (archive/cache.py)
    for start in range(0, len(ids), BATCH):
        refresh_entity_text(ids[start : start + BATCH])


def entities_changed(kind: str, entity_ids: Iterable[int]) -> None:
    """People, organizations, places, subjects, archives or types were renamed, merged or
    deleted: every document naming them changes what search finds it by."""
    documents_changed(linked_document_ids(kind, entity_ids))
