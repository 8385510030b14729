"""`manage.py export_documents PATH [--format csv|json] [--status published ...]`

Writes documents (all, or those with the given statuses) in the layout `import_documents`
reads; '-' writes to standard output.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.interchange import exporting
from documents.models import Document


class Command(BaseCommand):
    help = "Export documents with their entity links to CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write ('-' writes to standard output).")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the name.")
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            help="Only documents with this status (repeat or comma-separate: draft, review, "
            "published, withdrawn).",
        )

    def handle(self, *args, path, format=None, status=(), **options):
        fmt = format or ("json" if path.lower().endswith(".json") else "csv")
        statuses = {s.strip() for value in status for s in value.split(",") if s.strip()}
        unknown = statuses - set(Document.Status.values)
        if unknown:
            raise CommandError(
                f"Unknown status {', '.join(sorted(unknown))}: use "
                f"{', '.join(Document.Status.values)}."
            )
        queryset = Document.objects.all()
        if statuses:
            queryset = queryset.filter(status__in=statuses)
        if path == "-":
            count = exporting.write(queryset, sys.stdout, fmt)
        else:
            try:
                with Path(path).open("w", encoding="utf-8", newline="") as stream:
                    count = exporting.write(queryset, stream, fmt)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        self.stderr.write(f"Exported {count} documents to {path} ({fmt}).")
