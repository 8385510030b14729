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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from archive.curation.history import ensure_baseline
from archive.curation.locking import save_with_version_check
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
