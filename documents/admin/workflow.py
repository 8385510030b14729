"""The review workflow in the admin: steps as actions, and a change form that offers only the
status changes the transition table allows this user (documents.services.publication)."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.curation.history import restore_in_progress
from documents.services.documents import kept_publication_note
from documents.services.publication import (
    PublicationState,
    Status,
    TransitionRefused,
    allowed_statuses,
    can_publish,
    check_change,
    missing_message,
    needs_approval,
    publication_problems,
)
from documents.services.workflow import SERVICES, STEPS

# Problems of publication_problems() named by model field, shown on the form's inputs.
_FORM_FIELD = {"date_earliest": "date"}


class WorkflowFormMixin:
    """Change-form part: status choices from the transition table, and the publishing checks."""

    workflow_may_publish = False
    workflow_before: PublicationState | None = None  # None: a new or recovered document
    workflow_restoring = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("status")
        if field is None:
            return
        current = None if self.workflow_before is None else self.workflow_before.status
        allowed = allowed_statuses(current, may_publish=self.workflow_may_publish)
        field.choices = [(value, label) for value, label in Status.choices if value in allowed]
        # A restored version may carry a status this user cannot choose: offer the current one.
        if self.initial.get("status") not in allowed:
            self.initial["status"] = current if current in allowed else allowed[0]

    def _post_clean(self):
        super()._post_clean()
        before, instance = self.workflow_before, self.instance
        verdict = check_change(before, instance, may_publish=self.workflow_may_publish)
        missing = verdict.missing
        if verdict.refused:
            if not self.workflow_restoring:
                for message in verdict.refused:
                    self.add_error(None, message)
                return
            # A restore keeps the publication state it may not change (documents service).
            kept = before.status if before is not None else Status.DRAFT
            missing = publication_problems(instance) if kept == Status.PUBLISHED else {}
        if not missing:
            return
        if before is not None and before.status == Status.PUBLISHED:
            self.add_error(None, f"A published document needs {', '.join(missing.values())}.")
        else:
            self.add_error(None, missing_message(missing))
        for name, what in missing.items():
            name = _FORM_FIELD.get(name, name)
            if name in self.fields and name not in self.errors:
                self.add_error(name, f"Publishing needs {what}.")


class WorkflowAdminMixin:
    """Submit for review / publish / withdraw / return to draft as admin actions (offered only to
    those allowed), and a change form offering only the statuses the table allows."""

    def has_publish_permission(self, request) -> bool:
        return can_publish(request.user)

    def publication_before(self, obj) -> PublicationState | None:
        """The publication state to judge this request's save against: the record's before a
        history restore (None for a recovery), else the stored one (None for a new record)."""
        if obj is None or obj.pk is None:
            return None
        restore = restore_in_progress(obj)
        if restore is not None:
            return None if restore.before is None else PublicationState.of(restore.before)
        return PublicationState.of(obj)

    def restore_notes(self, request, restore, obj):
        later = getattr(super(), "restore_notes", None)
        notes = list(later(request, restore, obj)) if later else []
        before = None if restore.before is None else PublicationState.of(restore.before)
        if before is not None and needs_approval(before.status, request.user):
            notes.append(
                "Only an editor may revert a published document: ask one, or edit the "
                "document and your change will wait for approval."
            )
            return notes
        verdict = check_change(before, obj, may_publish=self.has_publish_permission(request))
        if verdict.refused:
            notes.append(kept_publication_note(before, obj.status, verdict.refused))
        return notes

    # Actions -----------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if not self.has_change_permission(request):
            return actions
        offered = ["submit_for_review", "return_to_draft"]
        if self.has_publish_permission(request):
            offered[1:1] = ["publish", "withdraw"]
        for name in offered:
            func, action_name, description = self.get_action(f"workflow_{name}")
            actions[action_name] = (func, action_name, description)
        return actions

    @admin.action(description="Submit selected documents for review")
    def workflow_submit_for_review(self, request, queryset):
        self._run_step(request, queryset, "submit_for_review")

    @admin.action(description="Publish selected documents")
    def workflow_publish(self, request, queryset):
        self._run_step(request, queryset, "publish")

    @admin.action(description="Withdraw selected documents from publication")
    def workflow_withdraw(self, request, queryset):
        self._run_step(request, queryset, "withdraw")

    @admin.action(description="Return selected documents to draft")
    def workflow_return_to_draft(self, request, queryset):
        self._run_step(request, queryset, "return_to_draft")

    for _func in (
        workflow_submit_for_review,
        workflow_publish,
        workflow_withdraw,
        workflow_return_to_draft,
    ):
        _func.records_history = True  # one revision per document (see HistoryAdminMixin)
    del _func

    def _run_step(self, request, queryset, name):
        """Apply one step to each selected document; report how many changed, and which were
        refused and why."""
        service, step = SERVICES[name], STEPS[name]
        changed, refused, warnings = [], [], []
        docs = queryset.select_related(None).order_by("record_number")
        for doc in docs.only("pk", "record_number", "title"):
            try:
                warnings += service(doc, request.user, comment=f"{step.verb.capitalize()} (bulk).")
            except (PermissionDenied, TransitionRefused) as exc:
                refused.append((doc, str(exc) or "Not allowed."))
            else:
                changed.append(doc)
        noun = "document" if len(changed) == 1 else "documents"
        if changed:
            messages.success(request, f"{len(changed)} {noun} {step.verb}.")
        if refused:
            messages.error(request, self._refusals(refused))
        for text in warnings:
            messages.warning(request, text)

    def _refusals(self, refused):
        return format_html(
            "{} refused: <ul>{}</ul>",
            f"{len(refused)} {'document' if len(refused) == 1 else 'documents'}",
            format_html_join(
                "",
                '<li><a href="{}">{} (record {})</a>: {}</li>',
                (
                    (self._change_url(doc), doc.title, doc.record_number, why)
                    for doc, why in refused
                ),
            ),
        )

    def _change_url(self, doc):
        info = self.opts.app_label, self.opts.model_name
        return reverse(f"{self.admin_site.name}:%s_%s_change" % info, args=(doc.pk,))

    # Change form -------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        may_publish = self.has_publish_permission(request)
        extra = [] if may_publish else ["publish_on"]
        before = self.publication_before(obj)
        current = None if before is None else before.status
        if len(allowed_statuses(current, may_publish=may_publish)) < 2:
            extra.append("status")
        return readonly + [name for name in extra if name not in readonly]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        attrs = {
            "workflow_may_publish": self.has_publish_permission(request),
            "workflow_before": self.publication_before(obj),
            "workflow_restoring": restore_in_progress(obj) is not None,
            "__module__": __name__,
        }
        kwargs["form"] = type(f"Workflow{base.__name__}", (WorkflowFormMixin, base), attrs)
        return super().get_form(request, obj, change=change, **kwargs)
