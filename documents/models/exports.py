"""The published collection as downloadable files (JSON Lines, CSV): where the current file of
each format is, and what it holds. Built by `documents.interchange.bulk`."""

from django.db import models


class CollectionExport(models.Model):
    """The current bulk file of one format. One row per format, replaced on regeneration."""

    format = models.CharField(max_length=16, unique=True)
    file = models.CharField(max_length=255, help_text="Name in the default storage.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    documents = models.PositiveIntegerField(help_text="How many documents the file holds.")
    fingerprint = models.CharField(
        max_length=64, help_text="The state of the published collection the file was built from."
    )
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["format"]
        default_permissions = ()  # bookkeeping written by the code, never edited by hand

    def __str__(self) -> str:
        return f"{self.format} export of {self.documents} documents"
