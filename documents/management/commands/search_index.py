"""`manage.py search_index`: build, follow, apply and check the search index.

    --rebuild   build a fresh index from the database beside the live one, then swap it in
    --follow    the long-running indexer: apply the outbox as it fills (run one per site)
    --apply     apply what is pending, then exit
    --check     compare the index with the database (ids and versions); exit 1 on drift
    --status    where the index is, how many documents it holds, what is pending

Only one process writes the index at a time; a second indexer exits with a message naming the
first, except a rebuild, which waits for the follower to hand over for its final swap.
"""

import signal

from django.core.management.base import BaseCommand, CommandError

from documents.search.engine import indexer, locks, store

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
        follower = indexer.Follower(self.say, poll=max(0.05, poll))
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
        report = indexer.check()
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

    def _status(self):
        state = indexer.status()
        self.say(f"Index directory: {state['directory']}")
        self.say(f"Live build: {state['build'] or 'none (run --rebuild)'}")
        if state["documents"] is not None:
            self.say(f"Documents: {state['documents']:,}")
        self.say(f"Pending changes: {state['pending']:,}")
        self.say(f"Indexer: {state['indexer'] or 'none running'}")
        if state["rebuilding"]:
            self.say("A rebuild is running.")
