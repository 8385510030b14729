"""`manage.py import_documents PATH [--format csv|json] [--dry-run] [--create-repositories]`

Checks every row, prints a per-row report (all rows on a dry run; rejected ones otherwise)
and a summary, then writes everything in one transaction, or nothing if a row is rejected.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.interchange.formats import FormatError, guess_format, parse
from documents.interchange.importing import REJECTED, UNCHANGED, Importer


class Progress:
    """Textual progress on stderr: a line every 10% (and at the end) of each stage."""

    STAGES = {"check": "Checked", "write": "Wrote"}

    def __init__(self, stream, enabled=True):
        self.stream, self.enabled, self.last = stream, enabled, {}

    def __call__(self, stage, done, total):
        if not self.enabled or not total:
            return
        percent = done * 100 // total
        if percent // 10 == self.last.get(stage, -1) // 10 and done != total:
            return
        if done == total and self.last.get(stage) == 100:
            return
        self.last[stage] = percent
        bar = "#" * (percent // 5)
        self.stream.write(f"{self.STAGES[stage]:>7} [{bar:<20}] {percent:3d}% {done}/{total} rows")


class Command(BaseCommand):
    help = (
        "Import documents with their entity links from a CSV or JSON file. An empty cell keeps "
        "the value; '-' clears it (see documents/interchange/formats.py)."
    )

    def _details(self, row):
        """A row's loud warnings, messages, and each changed field before → after."""
        if row.action != REJECTED:
            for warning in row.warnings:
                self.stdout.write(self.style.WARNING(f"{'':>16}WARNING: {warning}"))
        for message in row.messages:
            self.stdout.write(f"{'':>16}{message}")
        if row.action == REJECTED:
            return
        for change in row.changes:
            self.stdout.write(f"{'':>18}{change.field}: {change.before} → {change.after}")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import ('-' reads standard input).")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the name.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--create-repositories",
            action="store_true",
            help="Create unknown original archives instead of rejecting their rows.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress lines.")

    def handle(self, *args, path, format=None, dry_run=False, **options):
        if path == "-":
            content = sys.stdin.buffer.read()
        else:
            try:
                content = Path(path).read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        fmt = format or guess_format(path, content)
        try:
            parsed = parse(content, fmt)
        except FormatError as exc:
            raise CommandError(str(exc)) from None
        progress = Progress(self.stderr, enabled=not options["no_progress"])
        report = Importer(
            parsed,
            dry_run=dry_run,
            create_repositories=options["create_repositories"],
            allow_publish=True,
            progress=progress,
            comment=f"Imported from {Path(path).name} (import_documents).",
        ).run()
        verbose = options["verbosity"] >= 2
        for row in report.rows:
            if dry_run or verbose or row.action == REJECTED:
                if row.action == UNCHANGED and not (dry_run or verbose):
                    continue
                number = row.record_number if row.record_number is not None else "new"
                line = f"row {row.number:>5}  #{number!s:<7} {row.action:<9} {row.title[:70]}"
                style = self.style.ERROR if row.action == REJECTED else (lambda s: s)
                self.stdout.write(style(line))
                self._details(row)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        for label, names in report.new_entities:
            self.stdout.write(f"New {label}: {', '.join(names)}")
        for line in report.updated:
            self.stdout.write(f"Completed: {line}")
        for error in report.errors:
            self.stdout.write(self.style.ERROR(error))
        summary = report.summary()
        if not report.ok:
            raise CommandError(summary)
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + summary))
