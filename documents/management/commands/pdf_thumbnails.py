"""`manage.py pdf_thumbnails`

Gives the PDF scans uploaded before PDFs had thumbnails their first page as a thumbnail and
their page count. Run once after upgrading; it skips PDFs that already have a thumbnail, so
running it again is harmless.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from documents.models import Scan
from documents.services.scans import rebuild_thumbnail


class Command(BaseCommand):
    help = "Make first-page thumbnails (and page counts) for PDF scans that have none."

    def handle(self, *args, **options):
        made = failed = 0
        for scan in Scan.objects.filter(file__iendswith=".pdf", thumbnail="").iterator():
            try:
                rebuild_thumbnail(scan)
            except (OSError, ValidationError) as exc:
                failed += 1
                self.stderr.write(f"Scan {scan.pk} ({scan.file.name}): {exc}")
                continue
            made += bool(Scan.objects.filter(pk=scan.pk).exclude(thumbnail="").exists())
        self.stdout.write(f"{made} PDF thumbnail(s) made, {failed} file(s) could not be read.")
