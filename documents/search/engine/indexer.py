"""The writer of this node's index: applies the outbox to the live build, rebuilds beside it.

Applying a batch: read the rows past the live build's position in the outbox (see
`documents.search.outbox`), read those documents again, replace their entries (delete by id,
add the ones still published), commit the index, then record the new position in the build
and, now and then, in the list of followers (so the cleanup knows what this index still
needs). A crash between the commit and the record only means the batch is applied twice,
which changes nothing. Nothing is deleted from the outbox here: every node's index reads
all of it.

Rebuilding: under the REBUILD lock, register a hold on the outbox at the point the build
starts reading, fill a new build from the database in id order (no long transaction), then
take the WRITER lock for a moment: replay every row written since that point, swap the live
build, and drop the hold.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from archive.replicas import reads_from_primary
from documents.models import SearchFollower
from documents.search import followers, outbox
from documents.search.engine import locks, store
from documents.search.engine.loading import Entry, Loader
from documents.search.engine.schema import ID, schema
from documents.search.outbox import Progress
from documents.selectors import published_or_embargoed

BATCH = 2000
REPORT_EVERY = 5.0  # seconds between refreshes of this index's row in the followers' list
HOLD = " (rebuild)"  # a rebuild's hold on the outbox: the index's name and this
logger = logging.getLogger(__name__)

_lock = threading.RLock()
_writers: dict[Path, tantivy.IndexWriter] = {}
_reported: dict[str, tuple[int, float]] = {}  # index name -> (horizon, when) last reported


class NeedsRebuild(store.SearchUnavailable):
    """This index lacks changes the outbox no longer holds (or has no build, and the outbox
    no longer holds every change since the beginning): only a rebuild can bring it up."""


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


# Applying the outbox ---------------------------------------------------------------------------


def first_build() -> Path:
    """The live build; when there is none, a new empty one that joins the outbox at its
    beginning -- possible only while the outbox still holds every change ever made."""
    live = store.live_build()
    if live is not None:
        return live
    path = store.new_build()
    store.create(path)
    if not followers.join(store.index_name(), 0, path.name):
        shutil.rmtree(path, ignore_errors=True)
        raise NeedsRebuild(
            "There is no search index here yet and the outbox no longer holds every change: "
            "run `manage.py search_index --rebuild` (`--follow` does so by itself)."
        )
    store.write_progress(path, Progress())
    store.publish(path)
    return path


def report_position(path: Path, progress: Progress, *, force: bool = False) -> None:
    """Tell the followers' list how far this index got (at most every REPORT_EVERY seconds
    unless forced). An index the list had forgotten joins again if the outbox still holds
    what it lacks; otherwise NeedsRebuild."""
    name = store.index_name()
    last = _reported.get(name)
    now = time.monotonic()
    if not force and last is not None and now - last[1] < REPORT_EVERY:
        return
    if not followers.report(name, progress.txid, path.name):
        if not followers.join(name, progress.txid, path.name):
            raise NeedsRebuild(
                f"The search index {name} was forgotten by the outbox (unseen too long) and "
                "changes it lacks are gone: run `manage.py search_index --rebuild`."
            )
    _reported[name] = (progress.txid, now)


def apply_batch(limit: int = BATCH) -> int:
    """Apply up to `limit` outbox rows to the live build; the number applied (0: nothing
    was pending)."""
    with _lock:
        path = first_build()
        progress = store.read_progress(path)
        below = outbox.finished_below()  # before reading: the read then sees all of theirs
        rows = outbox.read(progress, limit)
        if rows:
            ids = {row.document_id for row in rows}
            index = store.open_current()
            _replace(index, _writer(path, index), ids, Loader().by_ids(ids))
        after = progress.advance(rows, below, more=len(rows) == limit)
        if after != progress:
            store.write_progress(path, after)
        report_position(path, after)
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
    them. An index built for other fields (after an upgrade), one that fell behind what the
    outbox holds, or none at all, is built on the spot."""
    with reads_from_primary():
        _apply_inline()


def _apply_inline() -> None:
    live = store.current_build()
    if live is not None and store.outdated(live):
        _rebuild_here("it was built for other fields")
        live = store.current_build()
    if live is None and not outbox.has_pending(Progress()):
        _first_build()
        return
    position = store.read_progress(live) if live is not None else Progress()
    if not outbox.has_pending(position):
        return
    with transaction.atomic():
        if locks.try_lock_for_transaction(locks.WRITER):
            try:
                apply_pending()
            except NeedsRebuild:
                _rebuild_here("it lacks changes the outbox no longer holds")


def _first_build() -> None:
    """No index and nothing in the outbox: an empty index for an empty archive, else one
    built from the database."""
    if published_or_embargoed().exists():
        _rebuild_here("there was none")
        return
    try:
        first_build()
    except NeedsRebuild:
        _rebuild_here("there was none")


def _rebuild_here(why: str) -> None:
    if locks.try_lock(locks.REBUILD):
        locks.unlock(locks.REBUILD)
        logger.warning("Rebuilding the search index %s: %s.", store.root(), why)
        rebuild(logger.info)


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
    hold = store.index_name() + HOLD
    try:
        start = Progress(outbox.finished_below())  # every change after it is replayed
        followers.join(hold, start.txid, kind=SearchFollower.Kind.REBUILD)
        path = store.new_build()
        index = store.create(path)
        count = _fill(index, path, say, chunk, started)
        replayed = _catch_up_and_swap(index, path, say, start)
        removed = store.prune()
        if removed:
            say(f"Removed {len(removed)} old build(s).")
    finally:
        followers.forget(hold)
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


def _catch_up_and_swap(index: tantivy.Index, path: Path, say, progress: Progress) -> int:
    if not locks.try_lock(locks.WRITER):
        say(f"Waiting for the indexer to hand over ({locks.busy_message(locks.WRITER, 'It')})…")
        locks.lock(locks.WRITER)
    try:
        with _lock:
            writer = index.writer(settings.SEARCH_WRITER_HEAP_MB * 1_000_000, 1)
            replayed: set[int] = set()
            while True:
                below = outbox.finished_below()
                rows = outbox.read(progress, BATCH)
                ids = {row.document_id for row in rows}
                if ids:
                    _replace(index, writer, ids, Loader().by_ids(ids))
                replayed |= ids
                progress = progress.advance(rows, below, more=len(rows) == BATCH)
                if len(rows) < BATCH:
                    break
            writer.wait_merging_threads()
            close_writers()
            store.write_progress(path, progress)
            store.publish(path)
            report_position(path, progress, force=True)
        say(f"Replayed {len(replayed):,} document(s) changed during the build; "
            f"now live: {path.name}.")  # fmt: skip
        return len(replayed)
    finally:
        locks.unlock(locks.WRITER)


def running_rebuilds() -> set[str]:
    """The holds on the outbox whose rebuild is still running (holding its lock)."""
    holds = SearchFollower.objects.filter(kind=SearchFollower.Kind.REBUILD)
    return {
        hold
        for hold in holds.values_list("name", flat=True)
        if locks.holders(locks.REBUILD, name=hold.removesuffix(HOLD), mine=True)
    }


def cleanup() -> followers.Cleanup:
    """Delete the outbox rows every registered index and running rebuild has applied."""
    return followers.cleanup(running_rebuilds=running_rebuilds())
