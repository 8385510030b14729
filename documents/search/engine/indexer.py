"""The single writer: applies the outbox to the live build, rebuilds beside it, checks it.

Applying a batch: claim outbox rows (locked), read those documents again, replace their
entries (delete by id, add the ones still published), commit the index, then delete the rows
in the same database transaction. A crash between the two commits only means the batch is
applied twice, which changes nothing.

Rebuilding: under the REBUILD lock, fill a new build from the database in id order (no long
transaction), merge it, then take the WRITER lock for a moment: replay every outbox row written
meanwhile (the indexer kept them, see `locks`), swap the live build, and only then delete them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from archive.replicas import reads_from_primary
from documents.search import outbox
from documents.search.engine import locks, store
from documents.search.engine.loading import Entry, Loader
from documents.search.engine.schema import ID, VERSION, schema
from documents.selectors import published_or_embargoed

BATCH = 2000
logger = logging.getLogger(__name__)

_lock = threading.RLock()
_writers: dict[Path, tantivy.IndexWriter] = {}


def _writer(path: Path, index: tantivy.Index) -> tantivy.IndexWriter:
    """This process's writer on the live build (tantivy allows one per build)."""
    writer = _writers.get(path)
    if writer is None:
        close_writers()
        try:
            writer = index.writer(settings.SEARCH_WRITER_HEAP_MB * 1_000_000, 1)
        except ValueError as exc:
            raise locks.IndexerBusy(
                f"Another process is writing the search index at {path} ({exc})."
            ) from None
        _writers[path] = writer
    return writer


def close_writers() -> None:
    with _lock:
        for writer in _writers.values():
            writer.wait_merging_threads()
        _writers.clear()


def _replace(index: tantivy.Index, writer, ids: set[int], entries: list[Entry]) -> None:
    try:
        writer.delete_documents_by_query(tantivy.Query.term_set_query(schema(), ID, sorted(ids)))
        for entry in entries:
            writer.add_document(entry.to_document())
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    index.reload()


def rebuild_running() -> bool:
    return bool(locks.holders(locks.REBUILD))


def apply_batch(limit: int = BATCH) -> int:
    """Apply up to `limit` outbox rows; the number applied (0: nothing was pending)."""
    with _lock, transaction.atomic():
        rows = outbox.claim(limit)
        if not rows:
            return 0
        ids = {document for _, document in rows}
        path = store.ensure_current()
        index = store.open_current()
        _replace(index, _writer(path, index), ids, Loader().by_ids(ids))
        outbox.finish([row for row, _ in rows], keep=rebuild_running())
    return len(rows)


def apply_pending(limit: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Apply everything pending, batch by batch."""
    total = 0
    while done := apply_batch(limit):
        total += done
        if progress:
            progress(total)
    return total


def apply_inline() -> None:
    """Development and tests: bring the index up to date in this process before a search,
    on this connection (so a test's uncommitted rows count too), reading the primary (as the
    indexer always does). Skipped when another indexer holds the lock: that one applies
    them. An index built for other fields (after an upgrade), or none at all while nothing is
    pending, is built on the spot."""
    with reads_from_primary():
        _apply_inline()


def _apply_inline() -> None:
    live = store.current_build()
    if live is not None and store.outdated(live) and locks.try_lock(locks.REBUILD):
        locks.unlock(locks.REBUILD)
        logger.warning("Rebuilding the search index %s: it was built for other fields.", live)
        rebuild(logger.info)
    pending = outbox.has_pending()
    if live is None and not pending:
        _first_build()
    if not pending:
        return
    with transaction.atomic():
        if locks.try_lock_for_transaction(locks.WRITER):
            apply_pending()


def _first_build() -> None:
    """No index yet: an empty one for an empty archive, else one built from the database."""
    if not published_or_embargoed().exists():
        store.ensure_current()
    elif locks.try_lock(locks.REBUILD):
        locks.unlock(locks.REBUILD)
        logger.warning("Building the search index: there was none.")
        rebuild(logger.info)


# The long-running indexer ---------------------------------------------------------------------


@dataclass
class Follower:
    """`search_index --follow`: apply the outbox as it fills, until `stop()`."""

    say: Callable[[str], None]
    poll: float = 0.5
    batch: int = BATCH
    _stop: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        if not locks.try_lock(locks.WRITER):
            raise locks.IndexerBusy(locks.busy_message(locks.WRITER, "An indexer"))
        try:
            store.ensure_current()
            if not rebuild_running():
                outbox.purge_applied()
            self.say(f"Following the search outbox (every {self.poll:g} s); Ctrl-C stops.")
            while not self._stop.is_set():
                self._step()
        finally:
            close_writers()
            locks.unlock(locks.WRITER)

    def _step(self) -> None:
        if locks.holders(locks.WRITER, waiting=True):
            self._hand_over()
            return
        started = time.monotonic()
        done = apply_batch(self.batch)
        if done:
            self.say(f"Applied {done} change(s) in {(time.monotonic() - started) * 1000:.0f} ms.")
            return
        if not rebuild_running():
            outbox.purge_applied()
        self._stop.wait(self.poll)

    def _hand_over(self) -> None:
        self.say("A rebuild is ready to swap: handing over the index for a moment.")
        close_writers()
        locks.unlock(locks.WRITER)
        locks.lock(locks.WRITER)
        self.say("Resumed on the rebuilt index.")


# Rebuild --------------------------------------------------------------------------------------


@dataclass
class RebuildReport:
    documents: int
    replayed: int
    seconds: float
    path: Path
    bytes: int


def rebuild(say: Callable[[str], None], chunk: int = 5000) -> RebuildReport:
    """Build a fresh index beside the live one from the database, then swap it in."""
    if not locks.try_lock(locks.REBUILD):
        raise locks.IndexerBusy(locks.busy_message(locks.REBUILD, "A rebuild"))
    started = time.monotonic()
    try:
        path = store.new_build()
        index = store.create(path)
        count = _fill(index, path, say, chunk, started)
        replayed = _catch_up_and_swap(index, path, say)
        removed = store.prune()
        if removed:
            say(f"Removed {len(removed)} old build(s).")
    finally:
        locks.unlock(locks.REBUILD)
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return RebuildReport(count, replayed, time.monotonic() - started, path, size)


def _fill(index: tantivy.Index, path: Path, say, chunk: int, started: float) -> int:
    total = published_or_embargoed().count()
    say(f"Building a new index in {path} from {total:,} published documents…")
    writer = index.writer(settings.SEARCH_REBUILD_HEAP_MB * 1_000_000, settings.SEARCH_THREADS)
    loader, done, last = Loader(), 0, 0.0
    loader.preload_names()
    try:
        for entries in _read_ahead(loader, chunk):
            for entry in entries:
                writer.add_document(entry.to_document())
            done += len(entries)
            now = time.monotonic()
            if now - last >= 2 or done >= total:
                last = now
                rate = done / max(now - started, 1e-6)
                left = (total - done) / rate if rate else 0
                say(f"  {done:,} / {total:,} ({done * 100 // max(total, 1)}%), "
                    f"{rate:,.0f} documents/s, about {left:,.0f} s left")  # fmt: skip
        say("Committing and merging segments…")
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    writer.wait_merging_threads()
    return done


def _read_ahead(loader: Loader, chunk: int):
    """The loader's chunks, the next one read by a second thread (and connection) while this
    one is indexed. Not inside a transaction: another connection could not see its rows."""
    chunks = loader.chunks(chunk)
    if connection.in_atomic_block:
        yield from chunks
        return

    def read():
        return next(chunks, None)

    with ThreadPoolExecutor(max_workers=1) as reader:
        try:
            ahead = reader.submit(read)
            while (entries := ahead.result()) is not None:
                ahead = reader.submit(read)
                yield entries
        finally:
            reader.submit(lambda: connection.close()).result()  # the reader thread's own


def _catch_up_and_swap(index: tantivy.Index, path: Path, say) -> int:
    if not locks.try_lock(locks.WRITER):
        say(f"Waiting for the indexer to hand over ({locks.busy_message(locks.WRITER, 'It')})…")
        locks.lock(locks.WRITER)
    try:
        with transaction.atomic():
            rows = outbox.claim_all()
            ids = {document for _, document in rows}
            writer = index.writer(settings.SEARCH_WRITER_HEAP_MB * 1_000_000, 1)
            _replace(index, writer, ids, Loader().by_ids(ids) if ids else [])
            writer.wait_merging_threads()
            close_writers()
            store.publish(path)
            outbox.finish([row for row, _ in rows], keep=False)
        say(f"Replayed {len(ids):,} document(s) changed during the build; now live: {path.name}.")
        return len(ids)
    finally:
        locks.unlock(locks.WRITER)


# Check ----------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    indexed: int
    expected: int
    pending: int
    missing: list[int]  # should be in the index and is not
    extra: list[int]  # is in the index and should not be (unpublished or deleted)
    stale: list[int]  # in the index with another version than the database's
    duplicated: list[int]

    @property
    def drift(self) -> bool:
        return bool(self.missing or self.extra or self.stale or self.duplicated)


def indexed_versions() -> dict[int, int]:
    """{document id: version} of everything in the live index (ids counted once)."""
    return dict(_indexed_pairs())


def _indexed_pairs() -> list[tuple[int, int]]:
    searcher = store.open_current().searcher()
    limit = max(searcher.num_docs, 1)
    hits = searcher.search(
        tantivy.Query.all_query(), limit, count=False, order_by_field=ID, order=tantivy.Order.Asc
    ).hits
    versions = searcher.fast_field_values(VERSION, [address for _, address in hits])
    return [(pk, version) for (pk, _), version in zip(hits, versions, strict=True)]


def check() -> CheckReport:
    """Compare the live index with the database: ids and versions."""
    pairs = _indexed_pairs()
    indexed = dict(pairs)
    counts: dict[int, int] = {}
    for pk, _ in pairs:
        counts[pk] = counts.get(pk, 0) + 1
    expected = dict(published_or_embargoed().values_list("pk", "version"))
    pending = outbox.pending_documents()
    return CheckReport(
        indexed=len(indexed),
        expected=len(expected),
        pending=len(pending),
        missing=sorted(pk for pk in expected if pk not in indexed and pk not in pending),
        extra=sorted(pk for pk in indexed if pk not in expected and pk not in pending),
        stale=sorted(
            pk
            for pk, version in expected.items()
            if pk in indexed and indexed[pk] != version and pk not in pending
        ),
        duplicated=sorted(pk for pk, n in counts.items() if n > 1),
    )


def status() -> dict:
    """The index's state, for `search_index --status` and health checks."""
    live = store.current_build()
    documents = None
    if live is not None:
        try:
            documents = store.open_current().searcher().num_docs
        except (store.SearchUnavailable, ValueError):
            live = None
    writers = locks.holders(locks.WRITER)
    return {
        "directory": str(store.root()),
        "build": live.name if live else None,
        "documents": documents,
        "pending": outbox.pending_count(),
        "indexer": str(writers[0]) if writers else None,
        "rebuilding": rebuild_running(),
    }


def health() -> str:
    """The `search` line of /health/: raises when readers cannot search (no usable index).

    In development and tests (`SEARCH_INLINE`) a missing index is built by the first search,
    so that is fine; otherwise it needs `search_index --rebuild`. Pending changes and a
    missing indexer are reported, not failed: readers are answered, from an older index."""
    info = status()
    if info["build"] is None:
        if settings.SEARCH_INLINE:
            return "ok, built by the first search"
        raise store.SearchUnavailable("no search index: run `manage.py search_index --rebuild`")
    text = f"ok, {info['documents']:,} documents"
    if info["pending"]:
        text += f", {info['pending']:,} changes pending"
        if not info["indexer"] and not settings.SEARCH_INLINE:
            text += ", no indexer running (`search_index --follow`)"
    if info["rebuilding"]:
        text += ", rebuilding"
    return text
