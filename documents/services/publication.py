"""The publication rule, in one place: which status changes are allowed, for whom, and what
publishing needs.

Draft → in review → published, and withdrawn. `STEPS` is the transition table: each step says
from which statuses it may be taken and from which of those only a user with
`documents.publish_document` (an editor) may take it. A new document starts as a draft, so it
may be created in any status a step reaches from draft (`CREATION`); publishers may also
create withdrawn ones (an archive's copy carried over by import). Embargoes (`publish_on`) and
`published_at` are the publishers' too. A published document must be complete
(`publication_problems`), whoever saves it.

Every write path asks this module: the admin form (its status choices and its checks), the
admin actions and workflow services, history revert and recovery, import and the document
service. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from archive.partialdates import Precision
from documents.models import Document

Status = Document.Status
PUBLISH_PERMISSION = "documents.publish_document"
EDIT_PERMISSION = "documents.change_document"
# The fields only publishers may change (besides moving the status to or from public states).
PUBLICATION_FIELDS = ("status", "publish_on", "published_at")


class TransitionRefused(ValidationError):
    """The step is not possible for this document now (wrong status, or incomplete)."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def can_publish(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def can_edit(user) -> bool:
    return bool(user and user.is_active and user.has_perm(EDIT_PERMISSION))


def needs_approval(stored_status, user) -> bool:
    """Whether this user's change to a document now `stored_status` is held back as a
    pending revision (documents.services.pending) until an editor approves it: a published
    document changed by someone who may not publish. Readers keep the published version."""
    return held_for_review(stored_status, may_publish=can_publish(user))


def held_for_review(stored_status, *, may_publish: bool) -> bool:
    """`needs_approval` for paths that know the permission already (the importer)."""
    return stored_status == Status.PUBLISHED and not may_publish


def status_label(value) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


# What publishing needs ------------------------------------------------------------------------

REQUIRED_FOR_PUBLISHING = {
    "title": "a title",
    "date_earliest": "a date (or “Undated”)",
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
    if doc.repository_id is None and getattr(doc, "repository", None) is None:
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


def duplicate_warnings(doc) -> list[str]:
    return [
        f"Possible duplicate: record {other.record_number} “{other.title}” has the same title "
        "and date."
        for other in likely_duplicates(doc)[:5]
    ]


# The transition table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    verb: str  # "published", for messages
    target: str
    allowed_from: tuple[str, ...]
    # Statuses this step may leave only with the publish permission.
    needs_publish_from: tuple[str, ...]

    def needs_publish(self, current: str) -> bool:
        return current in self.needs_publish_from


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
# A new document: anyone who may add one may start it as a draft or in review; publishers may
# also start it published (if complete) or withdrawn.
CREATION = {
    Status.DRAFT: False,
    Status.REVIEW: False,
    Status.PUBLISHED: True,
    Status.WITHDRAWN: True,
}


def step_between(current: str, target: str) -> Step | None:
    """The step that moves a document from `current` to `target`, or None if none does."""
    for step in STEPS.values():
        if step.target == target and current in step.allowed_from:
            return step
    return None


def allowed_statuses(current: str | None, *, may_publish: bool) -> list[str]:
    """The statuses a user may give a document that is now `current` (None: a new one), in the
    workflow's order: the current one and every step's target reachable from it."""
    if current is None:
        allowed = {s for s, needs in CREATION.items() if may_publish or not needs}
    else:
        allowed = {current}
        for step in STEPS.values():
            if current in step.allowed_from and (may_publish or not step.needs_publish(current)):
                allowed.add(step.target)
    return [s for s in Status.values if s in allowed]


def status_change_problem(current: str | None, target: str, *, may_publish: bool) -> str:
    """Why `current` → `target` is not allowed for this user ("" when it is)."""
    if target not in Status.values:
        return f"Unknown status “{target}” (use {', '.join(Status.values)})."
    if target in allowed_statuses(current, may_publish=may_publish):
        return ""
    if current is None:
        return f"Only editors may create a {status_label(target).lower()} document."
    step = step_between(current, target)
    if step is None:
        return (
            f"No workflow step moves a document from {status_label(current).lower()} to "
            f"{status_label(target).lower()}."
        )
    return f"Only editors may have a {status_label(current).lower()} document {step.verb}."


# Checking a change ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationState:
    """What decides whether a document is public: its status, embargo and first publication."""

    status: str
    publish_on: object = None
    published_at: object = None

    @classmethod
    def of(cls, doc) -> PublicationState:
        return cls(doc.status, doc.publish_on, doc.published_at)

    def apply_to(self, doc) -> None:
        doc.status, doc.publish_on, doc.published_at = (
            self.status,
            self.publish_on,
            self.published_at,
        )


@dataclass
class Verdict:
    """The outcome of `check_change`: what the user may not do (`refused`, a permission or
    the table), and what the record lacks to be published (`missing`)."""

    refused: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.missing

    def messages(self) -> list[str]:
        return [*self.refused, *([missing_message(self.missing)] if self.missing else [])]

    def raise_if_refused(self) -> None:
        if self.refused:
            raise PermissionDenied(" ".join(self.refused))
        if self.missing:
            raise TransitionRefused(missing_message(self.missing))


def check_change(
    before: PublicationState | None, doc, *, may_publish: bool, already_missing=None
) -> Verdict:
    """Whether saving `doc` (as it is now in memory) is allowed, given its stored publication
    state `before` (None for a new document). `published_at` being filled in on publishing is
    not a change by the user; giving it another value is. `already_missing`: what the stored
    record already lacked; a save that keeps it published is refused only for what it
    removes (an import row fixing a typo is not refused for a gap it did not make)."""
    verdict = Verdict()
    after = PublicationState.of(doc)
    current = None if before is None else before.status
    if before is None or after.status != before.status:
        problem = status_change_problem(current, after.status, may_publish=may_publish)
        if problem:
            verdict.refused.append(problem)
    if not may_publish:
        publish_on_before = None if before is None else before.publish_on
        published_at_before = None if before is None else before.published_at
        if after.publish_on != publish_on_before:
            verdict.refused.append("Only editors may set or lift an embargo.")
        if after.published_at not in (None, published_at_before):
            verdict.refused.append("Only editors may change when a document was published.")
    if after.status == Status.PUBLISHED:
        verdict.missing = publication_problems(doc)
        if already_missing and before is not None and before.status == Status.PUBLISHED:
            verdict.missing = {k: v for k, v in verdict.missing.items() if k not in already_missing}
    return verdict
