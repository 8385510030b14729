"""`manage.py export_collection [--format jsonl|csv] [--force] [--check]`

Rebuilds the bulk downloads of the published collection (/api/downloads/) that are out of date.
Run it from cron (or after the search indexer) so large collections, which requests do not
rebuild themselves, stay current; it does nothing when the files are current.
"""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from documents.interchange import bulk
from documents.models import CollectionExport


class Command(BaseCommand):
    help = "Rebuild the bulk downloads (JSON Lines, CSV) of the published collection if stale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            action="append",
            choices=sorted(bulk.FORMATS),
            help="Only this format (repeatable). Default: all.",
        )
        parser.add_argument("--force", action="store_true", help="Rebuild even if current.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report; exit with status 1 if a file is missing or out of date.",
        )

    def handle(self, *args, format=None, force=False, check=False, **options):
        formats = format or list(bulk.FORMATS)
        state = bulk.collection_state()
        stale = []
        for fmt in formats:
            export = CollectionExport.objects.filter(format=fmt).first()
            current = export is not None and bulk.is_current(export, state)
            if current and not force:
                self.stdout.write(f"{bulk.FORMATS[fmt].filename}: current. {_summary(export)}")
                continue
            stale.append(fmt)
            if check:
                self.stdout.write(f"{bulk.FORMATS[fmt].filename}: out of date.")
                continue
            self.stdout.write(f"{bulk.FORMATS[fmt].filename}: writing {state.documents} documents")
            export = bulk.build(fmt, progress=self._progress)
            self.stdout.write(self.style.SUCCESS(f"  done. {_summary(export)}"))
        if check and stale:
            raise CommandError(f"Out of date: {', '.join(stale)}.", returncode=1)

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done:,} / {total:,}")


def _summary(export: CollectionExport) -> str:
    return (
        f"{export.documents:,} documents, {filesizeformat(export.size)}, sha256 {export.sha256}, "
        f"generated {export.generated_at:%Y-%m-%d %H:%M:%S %Z}."
    )
