"""The review workflow in the admin: steps as actions, and a change form whose status only
the publication rule (documents.services.workflow) can move."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.curation.admin.history import restoring
from documents.services.workflow import (
    EDITABLE_STATUSES,
    SERVICES,
    STEPS,
    Status,
    TransitionRefused,
    can_publish,
    duplicate_warnings,
    missing_message,
    publication_problems,
)


class WorkflowFormMixin:
    """Change-form part: status choices limited by permission, and the publishing checks."""

    workflow_can_publish = False
    workflow_status_before = None  # None for a new document

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A restored version may carry a status this user cannot choose: offer the one it had.
        if "status" in self.fields and not self.workflow_can_publish:
            if self.initial.get("status") not in EDITABLE_STATUSES:
                before = self.workflow_status_before
                self.initial["status"] = before if before in EDITABLE_STATUSES else Status.DRAFT

    def _post_clean(self):
        super()._post_clean()
        before = self.workflow_status_before
        if "status" in self.cleaned_data:
            status = self.cleaned_data["status"]
            if status != before and not self.workflow_can_publish:
                if status not in EDITABLE_STATUSES:
                    self.add_error("status", "Only editors can publish or withdraw documents.")
                    return
        else:
            status = self.instance.status  # read-only here: stays as it is
        if status != Status.PUBLISHED:
            return
        # Publishing needs a complete record, and a published one stays complete.
        problems = publication_problems(self.instance)
        if problems:
            if before == Status.PUBLISHED:
                needs = ", ".join(problems.values())
                self.add_error(None, f"A published document needs {needs}.")
            else:
                self.add_error(None, missing_message(problems))
            for name, what in problems.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, f"Publishing needs {what}.")


class WorkflowAdminMixin:
    """Submit for review / publish / withdraw / return to draft as admin actions (offered only to
    those allowed), and a change form whose status a user without the publish permission can
    set only to draft or in review — enforced again in `save_model`."""

    def has_publish_permission(self, request) -> bool:
        return can_publish(request.user)

    def _status_before(self, request, obj):
        """The status the record had before this request (None: a new record)."""
        if obj is None or obj.pk is None:
            return None
        is_restore, before = restoring(request, obj)
        if is_restore:
            return None if before is None else before.status
        return obj.status

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
            messages.error(
                request,
                format_html(
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
                ),
            )
        for text in warnings:
            messages.warning(request, text)

    def _change_url(self, doc):
        info = self.opts.app_label, self.opts.model_name
        return reverse(f"{self.admin_site.name}:%s_%s_change" % info, args=(doc.pk,))

    # Change form -------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            before = self._status_before(request, obj)
            extra = ["publish_on"]
            if before is not None and before not in EDITABLE_STATUSES:
                extra.append("status")
            readonly += [name for name in extra if name not in readonly]
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [(s.value, s.label) for s in EDITABLE_STATUSES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        attrs = {
            "workflow_can_publish": self.has_publish_permission(request),
            "workflow_status_before": self._status_before(request, obj),
            "__module__": __name__,
        }
        kwargs["form"] = type(f"Workflow{base.__name__}", (WorkflowFormMixin, base), attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        """Last line of defence: whatever the form said, a user without the publish permission
        neither publishes, withdraws, embargoes nor unpublishes."""
        before = self._before_save(request, obj, change)
        if not self.has_publish_permission(request):
            if before is None:  # new (or recovered) record
                if obj.status not in EDITABLE_STATUSES:
                    obj.status = Status.DRAFT
                    messages.warning(request, "Saved as a draft: only editors can publish.")
                obj.publish_on = None
            elif (obj.status, obj.publish_on) != (before["status"], before["publish_on"]):
                crossing = {obj.status, before["status"]} - set(EDITABLE_STATUSES)
                if crossing or obj.publish_on != before["publish_on"]:
                    obj.status, obj.publish_on = before["status"], before["publish_on"]
                    obj.published_at = before["published_at"]
                    messages.warning(
                        request,
                        "The status and embargo were left as they were: only editors can "
                        "publish, withdraw or embargo documents.",
                    )
        super().save_model(request, obj, form, change)
        was_published = before is not None and before["status"] == Status.PUBLISHED
        if obj.status == Status.PUBLISHED and not was_published:
            for text in duplicate_warnings(obj):
                messages.warning(request, text)

    def _before_save(self, request, obj, change):
        if not change or obj.pk is None:
            return None
        is_restore, before = restoring(request, obj)
        if is_restore:
            if before is None:
                return None
            return {
                "status": before.status,
                "publish_on": before.publish_on,
                "published_at": before.published_at,
            }
        return (
            type(obj)
            ._base_manager.filter(pk=obj.pk)
            .values("status", "publish_on", "published_at")
            .first()
        )
