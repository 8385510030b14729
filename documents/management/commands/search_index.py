"""`manage.py search_index`: build, follow, apply and check this node's search index.

    --rebuild       build a fresh index from the database beside the live one, swap it in
    --follow        the long-running indexer: apply the outbox as it fills (one per node)
    --apply         apply what is pending, then exit
    --check         compare the index with the database (ids and versions); exit 1 on drift
    --status        this index, what it has yet to apply, and every node's index
    --cleanup       delete the outbox rows every node's index has applied (`--follow` does
                    it every minute)
    --forget NAME   stop keeping outbox rows for an index that is gone for good
    --find WORDS    what this node's index finds for WORDS (ids of the first page, total):
                    an operator's check that a change has reached this node

Only one process writes an index at a time; a second indexer of the same index exits with a
message naming the first, except a rebuild, which waits for the follower to hand over for
its final swap. Each node's index (its own `SEARCH_INDEX_DIR`) has its own follower.
"""

import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents.search import followers
from documents.search.engine import checking, indexer, locks, store
from documents.search.engine.follower import Follower
from documents.search.engine.searching import SearchRequest, search

SHOWN = 20  # ids listed per kind of drift


class Command(BaseCommand):
    help = "Build, follow, apply or check the search index."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true", help="Rebuild from the database.")
        group.add_argument("--follow", action="store_true", help="Apply changes as they come.")
        group.add_argument("--apply", action="store_true", help="Apply pending changes, exit.")
        group.add_argument("--check", action="store_true", help="Compare with the database.")
        group.add_argument("--status", action="store_true", help="Show the index's state.")
        group.add_argument("--cleanup", action="store_true", help="Delete applied outbox rows.")
        group.add_argument("--forget", metavar="NAME", help="Unregister a node's index.")
        group.add_argument("--find", metavar="WORDS", help="Search this node's index.")
        parser.add_argument(
            "--poll", type=float, default=0.5, help="--follow: seconds between looks (0.5)."
        )

    def handle(self, *args, **options):
        try:
            if options["rebuild"]:
                self._rebuild()
            elif options["follow"]:
                self._follow(options["poll"])
            elif options["apply"]:
                self._apply()
            elif options["check"]:
                self._check()
            elif options["cleanup"]:
                self._cleanup()
            elif options["forget"]:
                self._forget(options["forget"])
            elif options["find"] is not None:
                self._find(options["find"])
            else:
                self._status()
        except locks.IndexerBusy as exc:
            raise CommandError(str(exc)) from None
        except store.SearchUnavailable as exc:
            raise CommandError(str(exc)) from None

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _rebuild(self):
        report = indexer.rebuild(self.say)
        self.say(
            self.style.SUCCESS(
                f"Indexed {report.documents:,} documents in {report.seconds:.1f} s; "
                f"index size {report.bytes / 1e6:,.1f} MB."
            )
        )

    def _follow(self, poll: float):
        follower = Follower(self.say, poll=max(0.05, poll))
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: follower.stop())
        follower.run()
        self.say("Stopped.")

    def _apply(self):
        if not locks.try_lock(locks.WRITER):
            raise locks.IndexerBusy(
                locks.busy_message(locks.WRITER, "An indexer")
                + " It applies the outbox; nothing to do here."
            )
        try:
            done = indexer.apply_pending(progress=lambda n: self.say(f"  {n:,} applied…"))
        finally:
            indexer.close_writers()
            locks.unlock(locks.WRITER)
        self.say(self.style.SUCCESS(f"Applied {done:,} pending change(s)."))

    def _check(self):
        report = checking.check()
        self.say(
            f"Index: {report.indexed:,} documents; database: {report.expected:,} published "
            f"(embargoed included); {report.pending:,} document(s) with changes pending."
        )
        for label, ids in (
            ("missing from the index", report.missing),
            ("in the index but not published (or deleted)", report.extra),
            ("indexed at another version", report.stale),
            ("indexed more than once", report.duplicated),
        ):
            if ids:
                shown = ", ".join(str(i) for i in ids[:SHOWN])
                more = f" and {len(ids) - SHOWN:,} more" if len(ids) > SHOWN else ""
                self.say(self.style.ERROR(f"{len(ids):,} {label}: {shown}{more}"))
        if report.drift:
            raise CommandError("The index has drifted from the database: run --rebuild.")
        self.say(self.style.SUCCESS("The index matches the database."))

    def _cleanup(self):
        result = indexer.cleanup()
        for name in result.expired:
            self.say(f"Forgot {name}: unseen too long.")
        self.say(
            self.style.SUCCESS(
                f"Deleted {result.deleted:,} outbox row(s) every index has applied "
                f"(below transaction {result.below:,})."
            )
        )

    def _forget(self, name: str):
        if not followers.forget(name):
            raise CommandError(f"No index called {name!r} is registered (see --status).")
        self.say(self.style.SUCCESS(f"Forgot {name}; its rows go with the next cleanup."))

    def _find(self, words: str):
        result = search(SearchRequest(q=words, with_facets=False, with_histogram=False))
        ids = " ".join(str(pk) for pk in result.ids)
        self.say(f"{result.total:,} document(s) found; first page ids: {ids or '-'}")

    def _status(self):
        state = checking.status()
        self.say(f"Index: {state['name']}")
        self.say(f"Index directory: {state['directory']}")
        self.say(f"Live build: {state['build'] or 'none (run --rebuild)'}")
        if state["documents"] is not None:
            self.say(f"Documents: {state['documents']:,}")
        self.say(f"Pending changes: {state['pending']:,} (oldest waiting {state['lag_seconds']} s)")
        self.say(f"Indexer: {state['indexer'] or 'none running'}")
        if state["rebuilding"]:
            self.say("A rebuild is running.")
        self.say(f"Outbox: {state['outbox_rows']:,} row(s) kept; deleted below transaction "
                 f"{state['floor']:,}.")  # fmt: skip
        if state["followers"]:
            self.say("Indexes reading the outbox:")
        for follower in state["followers"]:
            seen = (timezone.now() - follower.seen_at).total_seconds()
            self.say(
                f"  {follower.name} [{follower.kind}] build {follower.build or '-'}, "
                f"{follower.pending:,} row(s) at or past its horizon, seen {seen:.0f} s ago"
            )
