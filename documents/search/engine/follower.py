"""`search_index --follow`: this node's long-running indexer.

Every app node runs one beside its web server, with its own `SEARCH_INDEX_DIR`: each applies
the whole outbox to its own index (the outbox is a log every index reads; see
`documents.search.outbox`). A node that was down picks up where its index's position says;
one with no index yet, or whose missing changes the outbox no longer holds (forgotten after
`SEARCH_FOLLOWER_EXPIRY_SECONDS`), rebuilds first. Every `cleanup_every` seconds it deletes
the outbox rows every registered index has applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from documents.search.engine import indexer, locks, store


@dataclass
class Follower:
    """Apply the outbox to this node's index as it fills, until `stop()`."""

    say: Callable[[str], None]
    poll: float = 0.5
    batch: int = indexer.BATCH
    cleanup_every: float = 60.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _cleaned: float = 0.0

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        if not locks.try_lock(locks.WRITER):
            raise locks.IndexerBusy(locks.busy_message(locks.WRITER, "An indexer"))
        try:
            self._start()
            self.say(
                f"Following the search outbox for {store.index_name()} (every {self.poll:g} s); "
                "Ctrl-C stops."
            )
            while not self._stop.is_set():
                self._step()
        finally:
            indexer.close_writers()
            locks.unlock(locks.WRITER)

    def _start(self) -> None:
        """Build the index first when it cannot catch up from the outbox."""
        try:
            path = indexer.first_build()
            indexer.report_position(path, store.read_progress(path), force=True)
        except indexer.NeedsRebuild as why:
            self._rebuild(str(why))

    def _rebuild(self, why: str) -> None:
        self.say(f"{why.split(':')[0]}: rebuilding it from the database first.")
        report = indexer.rebuild(self.say)
        self.say(f"Rebuilt: {report.documents:,} documents in {report.seconds:.0f} s.")

    def _step(self) -> None:
        if locks.holders(locks.WRITER, waiting=True):
            self._hand_over()
            return
        started = time.monotonic()
        try:
            done = indexer.apply_batch(self.batch)
        except indexer.NeedsRebuild as why:
            self._rebuild(str(why))
            return
        if done:
            self.say(f"Applied {done} change(s) in {(time.monotonic() - started) * 1000:.0f} ms.")
            return
        self._maybe_clean_up()
        self._stop.wait(self.poll)

    def _maybe_clean_up(self) -> None:
        if time.monotonic() - self._cleaned < self.cleanup_every:
            return
        self._cleaned = time.monotonic()
        result = indexer.cleanup()
        if result.deleted or result.expired:
            forgotten = f"; forgot {', '.join(result.expired)}" if result.expired else ""
            self.say(f"Cleanup: deleted {result.deleted:,} applied outbox row(s){forgotten}.")

    def _hand_over(self) -> None:
        self.say("A rebuild is ready to swap: handing over the index for a moment.")
        indexer.close_writers()
        locks.unlock(locks.WRITER)
        locks.lock(locks.WRITER)
        self.say("Resumed on the rebuilt index.")
