"""Documents readers could see and no longer can: what a harvester must be told was deleted.

A harvester (OAI-PMH) that took a public document keeps it until it hears otherwise, so the
archive remembers every document that stops being public (withdrawn, returned to draft or review,
embargoed again, deleted) as a tombstone. A document that was never public never gets one. A
tombstone whose document is public again is simply ignored (`documents.oai.records`), so an
embargo lifting or a republication needs no bookkeeping.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class DocumentTombstone(models.Model):
    class Reason(models.TextChoices):
        WITHDRAWN = "withdrawn", "Withdrawn"
        DRAFT = "draft", "Returned to draft"
        REVIEW = "review", "Returned to review"
        EMBARGOED = "embargoed", "Embargoed again"
        DELETED = "deleted", "Deleted"

    record_number = models.PositiveIntegerField(
        unique=True, help_text="The record number the public knew (never reused)."
    )
    title = models.CharField(max_length=500, blank=True, help_text="Its title when it went.")
    collections = ArrayField(
        models.CharField(max_length=255),
        default=list,
        blank=True,
        help_text="Slugs of its collections when it went, so harvesters of a set hear of it.",
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    removed_at = models.DateTimeField(help_text="When it stopped being public (latest time).")

    class Meta:
        ordering = ["removed_at", "record_number"]
        default_permissions = ()  # bookkeeping written by the code, never edited by hand
        indexes = [
            models.Index(fields=["removed_at", "record_number"], name="tombstone_removed_idx")
        ]

    def __str__(self) -> str:
        return f"Record {self.record_number} ({self.get_reason_display().lower()})"
