"""Review workflow: draft → in review → published, and withdrawn; who may do what.

The service functions are the one place status changes are decided: they check permissions
(PermissionDenied), allowed transitions and, before publishing, that the record is complete
(TransitionRefused, saying what is missing); each change is saved under the optimistic lock and
recorded in the history with its author. Archivists edit and submit for review; editors (with
`documents.publish_document`) also publish, embargo and withdraw. `WorkflowAdminMixin` offers the
same steps in the admin and makes sure a crafted form cannot get around them.
"""

from __future__ import annotations

from dataclasses import dataclass

import reversion
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.history import ensure_baseline, restoring
from archive.locking import save_with_version_check
from archive.partialdates import Precision
from documents import history_registration  # noqa: F401  (documents are versioned)
from documents.models import Document

Status = Document.Status
PUBLISH_PERMISSION = "documents.publish_document"
EDIT_PERMISSION = "documents.change_document"
# What a user without the publish permission may set a document's status to.
EDITABLE_STATUSES = (Status.DRAFT, Status.REVIEW)
_UNSET = object()


class TransitionRefused(ValidationError):
    """The step is not possible for this document now (wrong status, or incomplete)."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def can_publish(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def can_edit(user) -> bool:
    return bool(user and user.is_active and user.has_perm(EDIT_PERMISSION))


# What publishing needs ------------------------------------------------------------------------

REQUIRED_FOR_PUBLISHING = {
    "title": "a title",
    "date_earliest": "a date (or the precision “Undated”)",
    "summary": "a summary",
    "repository": "the original archive",
}


def publication_problems(doc: Document) -> dict[str, str]:
    """Field name -> what is missing before `doc` can be published (empty when complete).
    The archival locator may be empty: the public page says it is unknown."""
    problems = {}
    if not (doc.title or "").strip():
        problems["title"] = REQUIRED_FOR_PUBLISHING["title"]
    if doc.date_precision != Precision.UNDATED and doc.date_earliest is None:
        problems["date_earliest"] = REQUIRED_FOR_PUBLISHING["date_earliest"]
    if not (doc.summary or "").strip():
        problems["summary"] = REQUIRED_FOR_PUBLISHING["summary"]
    if doc.repository_id is None:
        problems["repository"] = REQUIRED_FOR_PUBLISHING["repository"]
    return problems


def missing_message(problems: dict[str, str]) -> str:
    return "Cannot publish yet: it needs " + ", ".join(problems.values()) + "."


def likely_duplicates(doc: Document):
    """Other documents with the same title and the same date: probably the same document
    entered twice. A warning, never a block (series of identically titled decisions exist)."""
    title = (doc.title or "").strip()
    if not title:
        return Document.objects.none()
    if doc.date_precision == Precision.UNDATED or doc.date_earliest is None:
        same_date = Q(date_precision=Precision.UNDATED)
    else:
        same_date = Q(date_earliest=doc.date_earliest, date_latest=doc.date_latest)
    return (
        Document.objects.filter(same_date, title__iexact=title)
        .exclude(pk=doc.pk)
        .only("pk", "record_number", "title", "slug", "status")
        .order_by("record_number")
    )


# The transitions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    verb: str  # "published", for messages
    target: str
    allowed_from: tuple[str, ...]
    # Statuses this step may leave only with the publish permission.
    needs_publish_from: tuple[str, ...]


SUBMIT = Step(
    "submit_for_review", "submitted for review", Status.REVIEW, (Status.DRAFT, Status.WITHDRAWN), ()
)
PUBLISH = Step(
    "publish",
    "published",
    Status.PUBLISHED,
    (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN),
    (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN),
)
WITHDRAW = Step("withdraw", "withdrawn", Status.WITHDRAWN, (Status.PUBLISHED,), (Status.PUBLISHED,))
RETURN_TO_DRAFT = Step(
    "return_to_draft",
    "returned to draft",
    Status.DRAFT,
    (Status.REVIEW, Status.PUBLISHED, Status.WITHDRAWN),
    (Status.PUBLISHED, Status.WITHDRAWN),
)
STEPS = {step.name: step for step in (SUBMIT, PUBLISH, WITHDRAW, RETURN_TO_DRAFT)}


def _status_label(value) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


def _apply(doc, user, step: Step, *, expected_version=None, comment="", publish_on=_UNSET):
    """Run `step` on `doc` in one transaction and one history revision. Returns warnings."""
    if not can_edit(user):
        raise PermissionDenied("You may not change documents.")
    if step.needs_publish_from and set(step.needs_publish_from) >= set(step.allowed_from):
        if not can_publish(user):
            raise PermissionDenied(f"Only editors may have a document {step.verb}.")
    warnings = []
    ensure_baseline(doc)
    with transaction.atomic(), reversion.create_revision():
        locked = Document.objects.select_for_update().get(pk=doc.pk)
        if locked.status not in step.allowed_from:
            now = _status_label(locked.status).lower()
            raise TransitionRefused(f"It is {now}; it cannot be {step.verb} from there.")
        if locked.status in step.needs_publish_from and not can_publish(user):
            raise PermissionDenied(
                f"Only editors may have a {_status_label(locked.status).lower()} document "
                f"{step.verb}."
            )
        if step is PUBLISH:
            if publish_on is not _UNSET:
                locked.publish_on = publish_on
            problems = publication_problems(locked)
            if problems:
                raise TransitionRefused(missing_message(problems))
            warnings += duplicate_warnings(locked)
        locked.status = step.target
        save_with_version_check(
            locked, locked.version if expected_version is None else expected_version
        )
        reversion.set_user(user)
        reversion.set_comment(comment or f"{step.verb[:1].upper()}{step.verb[1:]}.")
    for name in ("status", "publish_on", "published_at", "version", "updated_at"):
        setattr(doc, name, getattr(locked, name))
    return warnings


def duplicate_warnings(doc) -> list[str]:
    return [
        f"Possible duplicate: record {other.record_number} “{other.title}” has the same title "
        "and date."
        for other in likely_duplicates(doc)[:5]
    ]


def submit_for_review(doc, user, *, expected_version=None, comment="") -> list[str]:
    """Draft (or withdrawn) → in review. Anyone who may edit documents."""
    return _apply(doc, user, SUBMIT, expected_version=expected_version, comment=comment)


def publish(doc, user, *, publish_on=_UNSET, expected_version=None, comment="") -> list[str]:
    """→ published, optionally embargoed until `publish_on` (None lifts an embargo). Editors only;
    refused while the title, date, summary or original archive is missing. Returns warnings
    (likely duplicates)."""
    return _apply(
        doc,
        user,
        PUBLISH,
        expected_version=expected_version,
        comment=comment,
        publish_on=publish_on,
    )


def withdraw(doc, user, *, expected_version=None, comment="") -> list[str]:
    """Published → withdrawn (no longer public). Editors only."""
    return _apply(doc, user, WITHDRAW, expected_version=expected_version, comment=comment)


def return_to_draft(doc, user, *, expected_version=None, comment="") -> list[str]:
    """In review → draft for anyone who may edit; published or withdrawn → draft for editors."""
    return _apply(doc, user, RETURN_TO_DRAFT, expected_version=expected_version, comment=comment)


SERVICES = {
    "submit_for_review": submit_for_review,
    "publish": publish,
    "withdraw": withdraw,
    "return_to_draft": return_to_draft,
}


# Admin ----------------------------------------------------------------------------------------


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


__all__ = [
    "TransitionRefused",
    "WorkflowAdminMixin",
    "can_publish",
    "likely_duplicates",
    "publication_problems",
    "publish",
    "return_to_draft",
    "submit_for_review",
    "withdraw",
]
