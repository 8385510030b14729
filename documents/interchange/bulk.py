"""The whole published collection as files to download: JSON Lines and CSV.

Both use the import/export layout (`documents.interchange.exporting`): CSV has the export's
columns, JSON Lines one export-shaped document per line, so a download can be read back with
`import_documents`. Only published documents go in (`documents.selectors`), without the fields
archivists keep for themselves (internal notes).

A file is rebuilt when the collection it was made from has changed: a fingerprint of the
published documents (how many, which, their last change) and of the people, organizations,
places and collections they name is stored with it and compared on each request (a few aggregate
queries). Vocabulary renames (subjects, archives, types) carry no timestamp, so a file is also
rebuilt once it is older than `BULK_EXPORT_MAX_AGE`. Requests rebuild a stale file themselves
only for collections of up to `BULK_EXPORT_INLINE_LIMIT` documents; larger ones are rebuilt by
`manage.py export_collection` (cron, or after the search indexer) and requests serve the last
file meanwhile. Files live in the default storage (local disk or S3) under `exports/`.
"""

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from zlib import crc32

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from documents.interchange.exporting import CSV_COLUMNS, csv_row, document_record, with_related
from documents.models import Collection, CollectionExport, last_change
from documents.selectors import published_documents
from people.models import Organization, Person, Place

PRIVATE_FIELDS = ("internal_notes",)
PUBLIC_CSV_COLUMNS = [column for column in CSV_COLUMNS if column not in PRIVATE_FIELDS]
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class BulkFormat:
    key: str
    filename: str
    media_type: str
    description: str


FORMATS = {
    "jsonl": BulkFormat(
        "jsonl",
        "documents.jsonl",
        "application/jsonl; charset=utf-8",
        "One JSON object per line per published document, in the import/export JSON layout.",
    ),
    "csv": BulkFormat(
        "csv",
        "documents.csv",
        "text/csv; charset=utf-8",
        "One row per published document, in the import/export CSV layout.",
    ),
}


# --- what the files hold -------------------------------------------------------------------


def public_record(doc) -> dict:
    record = document_record(doc)
    for name in PRIVATE_FIELDS:
        record.pop(name, None)
    return record


def _write_jsonl(docs, stream, tick: Callable[[], None]) -> int:
    count = 0
    for doc in docs:
        stream.write(json.dumps(public_record(doc), ensure_ascii=False) + "\n")
        count += 1
        tick()
    return count


def _write_csv(docs, stream, tick: Callable[[], None]) -> int:
    writer = csv.DictWriter(
        stream, fieldnames=PUBLIC_CSV_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    count = 0
    for doc in docs:
        writer.writerow(csv_row(doc))
        count += 1
        tick()
    return count


WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv}


# --- staleness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionState:
    fingerprint: str
    documents: int


def collection_state() -> CollectionState:
    """What a file must have been built from to be current, in a few aggregate queries."""
    docs = published_documents().aggregate(
        count=Count("pk"), numbers=Sum("record_number"), latest=Max(last_change())
    )
    parts = [docs["count"], docs["numbers"], docs["latest"]]
    for model in (Person, Organization, Place, Collection):
        parts.append(model.objects.aggregate(latest=Max("updated_at"))["latest"])
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return CollectionState(digest, docs["count"])


def is_current(export: CollectionExport, state: CollectionState) -> bool:
    max_age = timedelta(seconds=int(settings.BULK_EXPORT_MAX_AGE))
    return export.fingerprint == state.fingerprint and export.generated_at > (
        timezone.now() - max_age
    )


# --- building ------------------------------------------------------------------------------


@contextmanager
def _builder_lock(fmt: str, *, wait: bool):
    """One builder per format across processes (a PostgreSQL advisory lock); yields whether
    this process holds it."""
    key = crc32(f"documents.bulk.{fmt}".encode())
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def build(fmt: str, progress: Callable[[int, int], None] | None = None) -> CollectionExport:
    """Write the file for `fmt` from the published collection, store it, record it, and delete
    the file it replaces. `progress(done, total)` is called every thousand documents."""
    state = collection_state()  # taken first: a change during the build makes the file stale
    total, done = state.documents, 0

    def tick():
        nonlocal done
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)

    docs = with_related(published_documents()).iterator(chunk_size=PROGRESS_EVERY)
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        count = WRITERS[fmt](docs, text, tick)
        text.flush()
        size, sha256 = _measure(raw)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        name = default_storage.save(f"exports/documents-{stamp}.{fmt}", File(raw))
        text.detach()
    if progress:
        progress(count, count)
    return _record(fmt, name, size, sha256, count, state.fingerprint)


def _measure(raw) -> tuple[int, str]:
    raw.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := raw.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    raw.seek(0)
    return size, digest.hexdigest()


def _record(fmt, name, size, sha256, count, fingerprint) -> CollectionExport:
    with transaction.atomic():
        previous = CollectionExport.objects.select_for_update().filter(format=fmt).first()
        export, _ = CollectionExport.objects.update_or_create(
            format=fmt,
            defaults={
                "file": name,
                "size": size,
                "sha256": sha256,
                "documents": count,
                "fingerprint": fingerprint,
                "generated_at": timezone.now(),
            },
        )
        if previous and previous.file != name:
            old = previous.file
            transaction.on_commit(lambda: default_storage.delete(old))
    return export


# --- what requests get ---------------------------------------------------------------------


def _stored(export: CollectionExport | None) -> bool:
    return export is not None and default_storage.exists(export.file)


def current_export(fmt: str, state: CollectionState | None = None) -> CollectionExport:
    """The file to serve for `fmt`: the stored one if current, else rebuilt now when the
    collection is small enough or there is no file at all (an empty collection gives a file
    with no documents)."""
    state = state or collection_state()
    export = CollectionExport.objects.filter(format=fmt).first()
    if _stored(export) and is_current(export, state):
        return export
    small = state.documents <= int(settings.BULK_EXPORT_INLINE_LIMIT)
    if _stored(export) and not small:
        return export  # `export_collection` rebuilds large collections
    with _builder_lock(fmt, wait=not _stored(export)) as held:
        if not held:
            return export  # another request is building it: serve the previous file
        export = CollectionExport.objects.filter(format=fmt).first()
        if _stored(export) and is_current(export, collection_state()):
            return export  # built while this request waited
        return build(fmt)


def current_exports() -> dict[str, CollectionExport]:
    state = collection_state()
    return {fmt: current_export(fmt, state) for fmt in FORMATS}
