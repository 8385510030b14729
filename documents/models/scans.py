"""Page images and PDFs of originals, in reading order."""

from django.db import models
from django.urls import reverse

from documents.models.document import Document


def scan_upload_to(instance, filename):
    return f"scans/{instance.document.record_number}/{filename}"


def thumbnail_upload_to(instance, filename):
    return f"scans/{instance.document.record_number}/thumbs/{filename}"


class Scan(models.Model):
    """A page image or PDF of the original, in reading order."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="scans")
    position = models.PositiveIntegerField(
        default=0, help_text="Order among the document's scans (smallest first)."
    )
    file = models.FileField(
        upload_to=scan_upload_to, help_text="An image (JPEG, PNG, TIFF) or a PDF of the original."
    )
    thumbnail = models.ImageField(upload_to=thumbnail_upload_to, blank=True, editable=False)
    caption = models.CharField(max_length=255, blank=True, help_text="E.g. “Page 1 (recto)”.")
    # Pixel size of an image as displayed (EXIF rotation applied), for IIIF canvases; measured
    # when the file is uploaded or, for older rows, the first time a manifest needs it.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # A PDF's number of pages, for the scan viewer; counted when the file is uploaded or, for
    # older rows, the first time the document page shows it.
    page_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name

    def get_file_url(self) -> str:
        """The file through the access-checked view (storage paths are never linked)."""
        return reverse("scan_file", args=[self.document.record_number, self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("scan_thumbnail", args=[self.document.record_number, self.pk])

    def get_page_url(self, number: int) -> str:
        """Page `number` of a PDF as an image, through the access-checked view."""
        return reverse("scan_page", args=[self.document.record_number, self.pk, number])
