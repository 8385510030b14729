"""The review workflow's steps: submit for review, publish, withdraw, return to draft.

Each step is one transaction and one history revision by its user. Whether a step is possible
(the transition table, permissions, what publishing needs) is decided by
`documents.services.publication`, and the save goes through `documents.services.documents`,
like every other write. Archivists edit and submit for review; editors (with
`documents.publish_document`) also publish, embargo and withdraw.
"""

from __future__ import annotations

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction

from archive.curation.history import ensure_baseline
from documents.models import Document, WorkflowNote
from documents.services.documents import document_save
from documents.services.publication import (
    PUBLISH,
    RETURN_TO_DRAFT,
    STEPS,
    SUBMIT,
    WITHDRAW,
    Status,
    Step,
    TransitionRefused,
    can_edit,
    can_publish,
    missing_message,
    publication_problems,
    status_label,
)

__all__ = [
    "SERVICES",
    "STEPS",
    "TransitionRefused",
    "publish",
    "return_to_draft",
    "submit_for_review",
    "withdraw",
]
_UNSET = object()


def _apply(doc, user, step: Step, *, expected_version=None, comment="", note="", publish_on=_UNSET):
    """Run `step` on `doc` in one transaction and one history revision, and keep its note
    (a `WorkflowNote`; the revision's comment carries it too). Returns warnings."""
    if not can_edit(user):
        raise PermissionDenied("You may not change documents.")
    if set(step.needs_publish_from) >= set(step.allowed_from) and not can_publish(user):
        raise PermissionDenied(f"Only editors may have a document {step.verb}.")
    ensure_baseline(doc)
    with transaction.atomic(), reversion.create_revision():
        locked = Document.objects.select_for_update().get(pk=doc.pk)
        if locked.status not in step.allowed_from:
            raise TransitionRefused(_not_from_here(step, locked.status))
        if step.needs_publish(locked.status) and not can_publish(user):
            raise PermissionDenied(
                f"Only editors may have a {status_label(locked.status).lower()} document "
                f"{step.verb}."
            )
        if step is PUBLISH:
            if publish_on is not _UNSET:
                locked.publish_on = publish_on
            problems = publication_problems(locked)
            if problems:
                raise TransitionRefused(missing_message(problems))
        expected = locked.version if expected_version is None else expected_version
        locked.status = step.target
        outcome = document_save(document=locked, user=user, expected_version=expected)
        reversion.add_to_revision(locked)
        reversion.set_user(user)
        reversion.set_comment(comment or _comment(step, note))
        WorkflowNote.objects.create(
            document=locked,
            step=step.name,
            user=user,
            note=note,
            addressee=_addressee(step, locked),
        )
    for name in ("status", "publish_on", "published_at", "version", "updated_at"):
        setattr(doc, name, getattr(locked, name))
    return outcome.warnings


def _comment(step: Step, note: str) -> str:
    verb = f"{step.verb[:1].upper()}{step.verb[1:]}"
    return f"{verb}: {note}" if note else f"{verb}."


def _addressee(step: Step, doc):
    """Who a returned document goes back to: whoever last submitted it for review."""
    if step is not RETURN_TO_DRAFT:
        return None
    last = (
        WorkflowNote.objects.filter(document=doc, step=SUBMIT.name)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )
    return None if last is None else last.user


def _not_from_here(step: Step, current: str) -> str:
    """Why `step` cannot be taken now, in plain words."""
    now = "a draft" if current == Status.DRAFT else status_label(current).lower()
    if current == step.target:
        return f"It is already {now}."
    return f"It is {now}, so it cannot be {step.verb}."


def submit_for_review(doc, user, *, expected_version=None, comment="", note="") -> list[str]:
    """Draft (or withdrawn) → in review. Anyone who may edit documents. `note`: for the
    reviewer (kept in the history and shown on the review desk)."""
    return _apply(doc, user, SUBMIT, expected_version=expected_version, comment=comment, note=note)


def publish(
    doc, user, *, publish_on=_UNSET, expected_version=None, comment="", note=""
) -> list[str]:
    """→ published, optionally embargoed until `publish_on` (None lifts an embargo). Editors only;
    refused while the title, date, summary or original archive is missing. Returns warnings
    (likely duplicates)."""
    return _apply(
        doc,
        user,
        PUBLISH,
        expected_version=expected_version,
        comment=comment,
        note=note,
        publish_on=publish_on,
    )


def withdraw(doc, user, *, expected_version=None, comment="", note="") -> list[str]:
    """Published → withdrawn (no longer public). Editors only. `note`: the reason."""
    return _apply(
        doc, user, WITHDRAW, expected_version=expected_version, comment=comment, note=note
    )


def return_to_draft(doc, user, *, expected_version=None, comment="", note="") -> list[str]:
    """In review → draft for anyone who may edit; published or withdrawn → draft for editors.
    `note`: the reviewer's comment, for whoever submitted it (their review desk shows it)."""
    return _apply(
        doc, user, RETURN_TO_DRAFT, expected_version=expected_version, comment=comment, note=note
    )


SERVICES = {
    "submit_for_review": submit_for_review,
    "publish": publish,
    "withdraw": withdraw,
    "return_to_draft": return_to_draft,
}
