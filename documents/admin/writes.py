"""Saving and deleting documents in the admin through the document service
(documents.services.documents), like every other write path — or, when someone who may not
publish changes a published document, keeping the change as a pending revision
(documents.services.pending) and writing nothing of the document."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from archive.curation.history import restore_in_progress
from archive.curation.locking import FORM_FIELD
from documents.services.documents import (
    LINKS,
    RELATIONS,
    document_delete,
    document_links_saved,
    document_save,
    documents_deleted,
)
from documents.services.pending import pending_create, proposed_changes
from documents.services.publication import needs_approval

# The link inlines' formset prefixes (their related names) -> `document_update`'s link keys.
LINK_PREFIXES = {
    model._meta.get_field("document").remote_field.related_name: key
    for key, (model, _field) in LINKS.items()
}
PENDING_NOTE_FIELD = "pending_note"


class DocumentWritesAdminMixin:
    """`save_model` hands the form's document to `document_save` (publication rule, stored
    form, optimistic lock; the view's revision records the history), `save_related` reports
    the saved links for the search upkeep, deletions go through the service.

    A published document changed by someone who may not publish: `save_model` saves nothing
    and `save_related` keeps the changed fields, subjects, collections and links as one
    pending revision instead.

    Comes before `OptimisticLockAdminMixin` in the MRO and does not call its `save_model`:
    the service moves the lock counter. Needs `WorkflowAdminMixin.publication_before`."""

    def _proposing(self, request, obj) -> bool:
        """Whether this user's save of `obj` is held for approval. During a history restore
        the row already holds the restored version: judge by the record as it was."""
        before = self.publication_before(obj)
        return before is not None and needs_approval(before.status, request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._proposing(request, obj):
            base = kwargs.get("form", self.form)
            note = forms.CharField(
                label="Note for the editor",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                help_text="What you changed and why; the editor who reviews it sees this.",
            )
            attrs = {PENDING_NOTE_FIELD: note, "__module__": __name__}
            kwargs["form"] = type(f"Proposing{base.__name__}", (base,), attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._proposing(request, obj):
            intro = (
                "This document is published. Your changes are kept for an editor's approval; "
                "readers see the published version until then."
            )
            fieldsets.insert(
                0, ("Changes for approval", {"fields": [PENDING_NOTE_FIELD], "description": intro})
            )
        return fieldsets

    def save_model(self, request, obj, form, change):
        restore = restore_in_progress(obj)
        if change and self._proposing(request, obj):
            if restore is not None:
                raise PermissionDenied("Only editors may revert a published document.")
            form.proposing = True
            return
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
        if getattr(form, "proposing", False):
            self._propose(request, form, formsets)
            for formset in formsets:  # nothing saved: the change message reads these
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        document_links_saved(document=form.instance)

    def _propose(self, request, form, formsets):
        skip = {FORM_FIELD, PENDING_NOTE_FIELD, *RELATIONS}
        fields = {n: form.cleaned_data[n] for n in form.changed_data if n not in skip}
        relations = {
            n: list(form.cleaned_data[n] or []) for n in form.changed_data if n in RELATIONS
        }
        links = {}
        for formset in formsets:
            key = LINK_PREFIXES.get(formset.prefix)
            if key is None or not formset.has_changed():
                continue
            entity_field = LINKS[key][1]
            links[key] = [
                (
                    f.cleaned_data[entity_field],
                    f.cleaned_data["role"],
                    f.cleaned_data.get("uncertain", False),
                    f.cleaned_data.get("note", ""),
                )
                for f in formset.forms
                if f.cleaned_data.get(entity_field) and f not in formset.deleted_forms
            ]
        changes = proposed_changes(fields=fields, relations=relations, links=links)
        note = request.POST.get(PENDING_NOTE_FIELD, "").strip()
        form.instance.pending_revision = (
            pending_create(document=form.instance, changes=changes, user=request.user, note=note)
            if any(changes.values())
            else None
        )

    def log_change(self, request, obj, message):
        if hasattr(obj, "pending_revision"):
            message = "Proposed a change for approval (pending revision)."
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not hasattr(obj, "pending_revision"):
            return super().response_change(request, obj)
        if obj.pending_revision is None:
            messages.info(request, "Nothing was changed.")
        else:
            messages.success(
                request,
                "Your change is saved for approval: readers keep seeing the published version "
                "until an editor approves it.",
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[obj.pk],
            )
        )

    def delete_model(self, request, obj):
        # HistoryAdminMixin, earlier in the MRO, has already recorded it for recovery.
        document_delete(document=obj, user=request.user, snapshot=False)

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        documents_deleted(ids)
