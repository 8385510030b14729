"""Bulk edit of selected documents: add or remove one subject, collection or entity link
(with its role), all in one transaction, each document recorded in its own history revision
through `document_update` — or kept as a pending revision where the user may not change a
published document directly. `bulk_preview` says beforehand what each document would get.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from documents.models import Document
from documents.services.documents import LINKS, document_update
from documents.services.pending import document_propose
from documents.services.publication import needs_approval

ADD, REMOVE = "add", "remove"
# kind -> the `document_update` key it changes (entity kinds are typed links).
KINDS = {
    "subject": "subjects",
    "collection": "collections",
    "person": "people",
    "organization": "organizations",
    "place": "places",
}


@dataclass(frozen=True)
class BulkChange:
    operation: str  # ADD or REMOVE
    kind: str  # a key of KINDS
    target: object
    role: str = ""  # entity links only

    @property
    def key(self) -> str:
        return KINDS[self.kind]

    def describe(self) -> str:
        role = f" as {self.role}" if self.role else ""
        if self.operation == ADD:
            return f"add {self.kind} “{self.target}”{role}"
        return f"remove {self.kind} “{self.target}”{role}"


@dataclass
class Effect:
    document: Document
    changes: bool
    text: str
    pending: bool = False


@dataclass
class BulkOutcome:
    changed: list[Document] = field(default_factory=list)
    pending: list[Document] = field(default_factory=list)
    unchanged: list[Document] = field(default_factory=list)


def _current(doc, change: BulkChange) -> list:
    """The document's values of this kind as `document_update` takes them."""
    if change.key in LINKS:
        model, entity_field = LINKS[change.key]
        rows = model.objects.filter(document=doc).select_related(entity_field).order_by("pk")
        return [(getattr(r, entity_field), r.role, r.uncertain, r.note) for r in rows]
    return list(getattr(doc, change.key).all())


def _matches(value, change: BulkChange) -> bool:
    if change.key in LINKS:
        entity, role, *_rest = value
        return entity.pk == change.target.pk and (not change.role or role == change.role)
    return value.pk == change.target.pk


def _wanted(current: list, change: BulkChange) -> list | None:
    """The new list, or None when this document already is as asked."""
    present = any(_matches(v, change) for v in current)
    if change.operation == ADD:
        if present:
            return None
        value = (change.target, change.role, False, "") if change.key in LINKS else change.target
        return [*current, value]
    if not present:
        return None
    return [v for v in current if not _matches(v, change)]


def bulk_preview(documents, change: BulkChange, user) -> list[Effect]:
    effects = []
    for doc in documents:
        wanted = _wanted(_current(doc, change), change)
        pending = wanted is not None and needs_approval(doc.status, user)
        if wanted is None:
            text = "already has it" if change.operation == ADD else "does not have it"
        else:
            text = (
                "will "
                + change.describe()
                + (" (waits for an editor's approval)" if pending else "")
            )
        effects.append(Effect(doc, wanted is not None, text, pending))
    return effects


def bulk_apply(*, documents, change: BulkChange, user) -> BulkOutcome:
    """Apply `change` to each document that needs it, in one transaction (all or none)."""
    outcome = BulkOutcome()
    comment = f"Bulk edit: {change.describe()}."
    with transaction.atomic():
        for doc in documents:
            wanted = _wanted(_current(doc, change), change)
            if wanted is None:
                outcome.unchanged.append(doc)
            elif needs_approval(doc.status, user):
                document_propose(document=doc, data={change.key: wanted}, user=user, note=comment)
                outcome.pending.append(doc)
            else:
                document_update(document=doc, data={change.key: wanted}, user=user, comment=comment)
                outcome.changed.append(doc)
    return outcome
