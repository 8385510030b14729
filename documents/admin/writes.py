"""Saving and deleting documents in the admin through the document service
(documents.services.documents), like every other write path."""

from django.contrib import messages

from archive.curation.history import restore_in_progress
from archive.curation.locking import FORM_FIELD
from documents.services.documents import (
    document_delete,
    document_links_saved,
    document_save,
    documents_deleted,
)


class DocumentWritesAdminMixin:
    """`save_model` hands the form's document to `document_save` (publication rule, stored
    form, optimistic lock; the view's revision records the history), `save_related` reports
    the saved links for the search upkeep, deletions go through the service.

    Comes before `OptimisticLockAdminMixin` in the MRO and does not call its `save_model`:
    the service moves the lock counter. Needs `WorkflowAdminMixin.publication_before`."""

    def save_model(self, request, obj, form, change):
        restore = restore_in_progress(obj)
        options = {}
        if restore is not None:
            options["before"] = self.publication_before(obj)
        expected = form.cleaned_data.get(FORM_FIELD) if change else None
        outcome = document_save(
            document=obj,
            user=request.user,
            expected_version=expected,
            keep_publication=True,  # the form already refused what it offers; this is the net
            links_follow=True,
            **options,
        )
        for text in outcome.warnings:
            messages.warning(request, text)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        document_links_saved(document=form.instance)

    def delete_model(self, request, obj):
        # HistoryAdminMixin, earlier in the MRO, has already recorded it for recovery.
        document_delete(document=obj, user=request.user, snapshot=False)

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        documents_deleted(ids)
