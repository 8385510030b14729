"""Workflow buttons on the document change form, each with its own small page: Submit for
review with a note, Publish with a confirmation, Return with a comment, Withdraw with a
reason. The note is kept in the history (the revision's comment) and as a `WorkflowNote`
for the review desk. The steps themselves are `documents.services.workflow`."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from archive.curation.locking import VersionConflict
from documents.models import PendingRevision
from documents.services.publication import STEPS, can_publish
from documents.services.workflow import SERVICES, TransitionRefused


@dataclass(frozen=True)
class StepPage:
    button: str  # on the change form
    title: str  # of the step's page
    note_label: str
    note_required: bool
    confirm: str  # the page's submit button
    explanation: str


PAGES = {
    "submit_for_review": StepPage(
        "Submit for review…",
        "Submit for review",
        "Note for the reviewer",
        False,
        "Submit for review",
        "An editor will review it and publish it or return it to you with a comment.",
    ),
    "publish": StepPage(
        "Publish…",
        "Publish",
        "Note (optional)",
        False,
        "Yes, publish it",
        "Readers will see it as soon as you confirm (or when its embargo lifts).",
    ),
    "return_to_draft": StepPage(
        "Return with a comment…",
        "Return to draft",
        "Comment for the archivist",
        True,
        "Return to draft",
        "It goes back to whoever submitted it, with your comment on their review desk.",
    ),
    "withdraw": StepPage(
        "Withdraw…",
        "Withdraw from publication",
        "Reason for withdrawing",
        True,
        "Withdraw it",
        "Readers will no longer see it; its address will say it was withdrawn.",
    ),
}


class StepForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, page: StepPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = page.note_label
        self.fields["note"].required = page.note_required


def offered_steps(doc, user) -> list[str]:
    """The steps this user may take on `doc` now, in the workflow's order."""
    may_publish = can_publish(user)
    return [
        name
        for name, step in STEPS.items()
        if doc.status in step.allowed_from and (may_publish or not step.needs_publish(doc.status))
    ]


class WorkflowStepsAdminMixin:
    """The change form's workflow buttons and the step pages behind them."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<str:step>/",
                self.admin_site.admin_view(self.workflow_step_view),
                name="{}_{}_workflow_step".format(*info),
            ),
            *super().get_urls(),
        ]

    def _step_url(self, doc, name):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            f"{self.admin_site.name}:{info[0]}_{info[1]}_workflow_step", args=[quote(doc.pk), name]
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        doc = self.model._base_manager.filter(pk=unquote(object_id)).first()
        context = dict(extra_context or {})
        if doc is not None and self.has_change_permission(request, doc):
            context["workflow_buttons"] = [
                (PAGES[name].button, self._step_url(doc, name), name)
                for name in offered_steps(doc, request.user)
            ]
            context["open_pending"] = [
                (
                    p,
                    reverse(
                        f"{self.admin_site.name}:documents_pendingrevision_change", args=[p.pk]
                    ),
                )
                for p in PendingRevision.objects.filter(
                    document=doc, state=PendingRevision.State.OPEN
                ).select_related("author")
            ]
        return super().change_view(request, object_id, form_url, context)

    def workflow_step_view(self, request, object_id, step):
        if step not in PAGES:
            raise Http404("No such workflow step.")
        doc = self.model._base_manager.filter(pk=unquote(object_id)).first()
        if doc is None:
            raise Http404("No such document.")
        if not self.has_change_permission(request, doc):
            raise PermissionDenied
        page = PAGES[step]
        change_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(doc.pk)],
        )
        form = StepForm(request.POST or None, page=page, initial={"version": doc.version})
        if request.method == "POST" and form.is_valid():
            done = self._take_step(request, doc, step, form)
            if done:
                return HttpResponseRedirect(change_url)
        elif step not in offered_steps(doc, request.user):
            messages.error(request, f"“{page.title}” is not possible for this document now.")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{page.title}: {doc}",
            "opts": self.opts,
            "original": doc,
            "page": page,
            "step": step,
            "form": form,
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/documents/workflow_step.html", context)

    def _take_step(self, request, doc, step, form) -> bool:
        note = form.cleaned_data["note"].strip()
        try:
            warnings = SERVICES[step](
                doc, request.user, expected_version=form.cleaned_data["version"], note=note
            )
        except VersionConflict:
            form.add_error(None, "Someone saved this document meanwhile; look at it again first.")
            return False
        except (PermissionDenied, TransitionRefused, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])) or "Not allowed.")
            return False
        messages.success(request, f"“{doc}” {STEPS[step].verb}.")
        for text in warnings:
            messages.warning(request, text)
        return True
