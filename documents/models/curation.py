"""What curators say to each other about documents: workflow notes (a submission's note, a
reviewer's comment, a reason for withdrawing) and pending revisions of published documents.

Both are bookkeeping written by the workflow services (documents.services), never edited by
hand; the review desk reads them.
"""

from django.conf import settings
from django.db import models

from documents.models.document import Document


class WorkflowNote(models.Model):
    """One workflow step taken on a document, by whom, when, with the words that went with it.
    `addressee` is who should act next (a returned document's author)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="workflow_notes")
    step = models.CharField(max_length=32, help_text="The workflow step, e.g. “publish”.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["document", "-created_at"], name="workflow_note_doc_idx")]

    def __str__(self) -> str:
        return f"{self.step} by {self.user or 'unknown'}"


class PendingRevision(models.Model):
    """A change to a published document by someone who may not publish, held back from
    readers until an editor approves it. `changes` holds only what differs from the
    document as it was, in the plain values `document_update` takes (objects by primary key):
    `{"fields": {...}, "relations": {"subjects": [ids]...}, "links": {"people": [[id, role,
    uncertain, note]...]}}`."""

    class State(models.TextChoices):
        OPEN = "open", "Awaiting review"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="pending_revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="What the author says about the change.")
    changes = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField(
        help_text="The document's version the change was made on."
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's comment.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "-created_at"], name="pending_state_idx")]

    def __str__(self) -> str:
        return f"Pending change to “{self.document}” by {self.author or 'unknown'}"
