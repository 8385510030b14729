"""Remember documents that stop being public, so harvesters can be told they are gone.

Whether a document is public is asked of `documents.selectors` before and after a write: a
document that was public and is not any more (withdrawn, returned to draft or review, embargoed
again) or that is deleted while public gets a `DocumentTombstone`. Single saves and deletes are
watched through model signals, so every path that saves a document (admin, workflow, revert,
recovery, fixtures) is covered without each remembering to call in; bulk writes that bypass
signals (`QuerySet.update`, `bulk_update`) call `public_among()` before and `remember_hidden()`
after, as the importer does.
"""

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from documents.models import Document, DocumentTombstone
from documents.selectors import published_documents

_WAS_PUBLIC = "_tombstone_was_public"

_REASONS = {
    Document.Status.WITHDRAWN: DocumentTombstone.Reason.WITHDRAWN,
    Document.Status.DRAFT: DocumentTombstone.Reason.DRAFT,
    Document.Status.REVIEW: DocumentTombstone.Reason.REVIEW,
    # Still "published" but hidden: only an embargo set in the future does that.
    Document.Status.PUBLISHED: DocumentTombstone.Reason.EMBARGOED,
}


def public_among(pks) -> set[int]:
    """The primary keys among `pks` of documents readers may see right now."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return set()
    return set(published_documents().filter(pk__in=pks).values_list("pk", flat=True))


def remember_hidden(were_public) -> int:
    """Record a tombstone for each document in `were_public` (primary keys of documents that
    were public before a write) that is no longer public after it. Returns how many."""
    were_public = set(were_public)
    if not were_public:
        return 0
    hidden = were_public - public_among(were_public)
    if not hidden:
        return 0
    docs = Document.objects.filter(pk__in=hidden).only("record_number", "title", "status")
    docs = docs.prefetch_related("collections")
    fallback = DocumentTombstone.Reason.WITHDRAWN
    return _write([(doc, _REASONS.get(doc.status, fallback)) for doc in docs])


def _write(entries) -> int:
    """Insert or refresh tombstones in one statement (a record hidden twice keeps one row, with
    the latest time)."""
    now = timezone.now()
    rows = [
        DocumentTombstone(
            record_number=doc.record_number,
            title=doc.title[:500],
            collections=sorted(c.slug for c in doc.collections.all()),
            reason=reason,
            removed_at=now,
        )
        for doc, reason in entries
    ]
    DocumentTombstone.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["record_number"],
        update_fields=["title", "collections", "reason", "removed_at"],
    )
    return len(rows)


# --- single saves and deletes --------------------------------------------------------------


@receiver(pre_save, sender=Document, dispatch_uid="tombstones_before_save")
def _before_save(sender, instance, **kwargs):
    setattr(instance, _WAS_PUBLIC, bool(instance.pk) and instance.pk in public_among([instance.pk]))


@receiver(post_save, sender=Document, dispatch_uid="tombstones_after_save")
def _after_save(sender, instance, **kwargs):
    if getattr(instance, _WAS_PUBLIC, False):
        setattr(instance, _WAS_PUBLIC, False)
        remember_hidden([instance.pk])


@receiver(pre_delete, sender=Document, dispatch_uid="tombstones_before_delete")
def _before_delete(sender, instance, **kwargs):
    """While the row (and its collections) still exist; undone with the delete if that rolls
    back."""
    if instance.pk in public_among([instance.pk]):
        _write([(instance, DocumentTombstone.Reason.DELETED)])
