"""Pending revisions: a published document changed by someone who may not publish.

The change is kept as a `PendingRevision` (only what differs from the live document, as the
plain values `document_update` takes, objects by primary key) and nothing of the document
is written: its row, links, search text and every public path stay as published until an
editor approves. Approval applies the change through `document_update` — the one write
path — as one history revision by the editor naming the author; returning it keeps it
with the editor's comment for its author. `pending_diff` shows live against proposed with
the history's diff machinery.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from archive.curation.history import changes_between_states, follow_relations
from archive.partialdates import PartialDate
from documents.models import Document, PendingRevision, Subject, WorkflowNote
from documents.services.documents import LINKS, RELATIONS, document_update
from documents.services.publication import can_edit, can_publish, needs_approval

State = PendingRevision.State
# Document fields a pending revision may carry: everything an archivist edits, nothing of
# the publication state (publishers' alone) or of the bookkeeping.
NOT_PROPOSED = {"status", "publish_on", "published_at", "record_number", "version"}
_RELATED_MODELS = {"subjects": Subject}


def _plain(value):
    """A value as JSON can hold it (objects by primary key, dates as text)."""
    if hasattr(value, "input_text"):  # a PartialDate
        return value.input_text()
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def proposed_changes(*, fields: dict, relations: dict, links: dict) -> dict:
    """The JSON form of a change: `fields` by model field name (`date` as partial-date text
    or a PartialDate), `relations` as lists of objects, `links` as lists of (entity, role,
    uncertain, note)."""
    refused = sorted(set(fields) & NOT_PROPOSED)
    if refused:
        raise PermissionDenied(f"Only editors may change {', '.join(refused)}.")
    return {
        "fields": {name: _plain(value) for name, value in fields.items()},
        "relations": {name: [_plain(v) for v in values] for name, values in relations.items()},
        "links": {
            key: [[_plain(e), role, bool(unc), note or ""] for e, role, unc, note in rows]
            for key, rows in links.items()
        },
    }


def pending_create(*, document: Document, changes: dict, user, note: str = "") -> PendingRevision:
    """Keep `changes` (from `proposed_changes`) to the published `document` for approval."""
    if not can_edit(user):
        raise PermissionDenied("You may not change documents.")
    if not needs_approval(document.status, user):
        raise ValidationError("Only changes to a published document by an archivist wait.")
    if not any(changes.get(part) for part in ("fields", "relations", "links")):
        raise ValidationError("Nothing was changed.")
    return PendingRevision.objects.create(
        document=document,
        author=user,
        note=note,
        changes=changes,
        base_version=document.version,
    )


def document_propose(*, document: Document, data: dict, user, note: str = "") -> PendingRevision:
    """`document_update`'s twin for someone who may not publish: the same plain `data`,
    kept as a pending revision of the published document."""
    fields = {k: v for k, v in data.items() if k not in (*RELATIONS, *LINKS)}
    relations = {k: list(v) for k, v in data.items() if k in RELATIONS}
    links = {k: [(*row, False, "")[:4] for row in v] for k, v in data.items() if k in LINKS}
    changes = proposed_changes(fields=fields, relations=relations, links=links)
    return pending_create(document=document, changes=changes, user=user, note=note)


def resolved(changes: dict) -> dict:
    """The change as `document_update` data: primary keys back to objects (one query per
    kind), refused if one has been deleted meanwhile."""
    data = {}
    for name, value in changes.get("fields", {}).items():
        field = Document._meta.get_field(name) if name != "date" else None
        if field is not None and field.is_relation and value is not None:
            value = _fetch(field.related_model, [value], name)[0]
        data[name] = value
    for name, ids in changes.get("relations", {}).items():
        model = _RELATED_MODELS.get(name) or Document._meta.get_field(name).related_model
        data[name] = _fetch(model, ids, name)
    for key, rows in changes.get("links", {}).items():
        model, entity_field = LINKS[key]
        entity_model = model._meta.get_field(entity_field).related_model
        entities = _fetch(entity_model, [row[0] for row in rows], key)
        data[key] = [(e, *row[1:]) for e, row in zip(entities, rows, strict=True)]
    return data


def _fetch(model, ids, what):
    found = model._base_manager.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(f"Some {what} in this change no longer exist; return it instead.")
    return [found[i] for i in ids]


def pending_approve(*, pending: PendingRevision, user, comment: str = "") -> PendingRevision:
    """Apply the change through `document_update` (history: one revision by the editor,
    naming the author), and close it."""
    if not can_publish(user):
        raise PermissionDenied("Only editors may approve changes to published documents.")
    with transaction.atomic():
        pending = PendingRevision.objects.select_for_update().get(pk=pending.pk)
        _check_open(pending)
        document = Document.objects.get(pk=pending.document_id)
        author = pending.author.get_username() if pending.author else "unknown"
        text = f"Approved the change by {author}" + (f": {pending.note}" if pending.note else ".")
        document_update(document=document, data=resolved(pending.changes), user=user, comment=text)
        _close(pending, State.APPROVED, user, comment)
    return pending


def pending_return(*, pending: PendingRevision, user, comment: str) -> PendingRevision:
    """Send the change back to its author with `comment`; the document stays as it is."""
    if not can_publish(user):
        raise PermissionDenied("Only editors may return changes to published documents.")
    if not comment.strip():
        raise ValidationError("Say why it goes back: the author sees your comment.")
    with transaction.atomic():
        pending = PendingRevision.objects.select_for_update().get(pk=pending.pk)
        _check_open(pending)
        _close(pending, State.RETURNED, user, comment)
    return pending


def _check_open(pending) -> None:
    if pending.state != State.OPEN:
        raise ValidationError(f"This change was already {pending.get_state_display().lower()}.")


def _close(pending, state, user, comment) -> None:
    pending.state, pending.reviewer, pending.comment = state, user, comment.strip()
    pending.reviewed_at = timezone.now()
    pending.save(update_fields=["state", "reviewer", "comment", "reviewed_at"])
    WorkflowNote.objects.create(
        document_id=pending.document_id,
        step=f"pending_{state}",
        user=user,
        addressee=pending.author,
        note=pending.comment,
    )


def pending_diff(pending: PendingRevision) -> list:
    """What approving would change: the live document against the proposed one, field by
    field and link by link (archive.curation.history's Change objects)."""
    document = Document.objects.get(pk=pending.document_id)
    old, old_links = _state(document)
    new, new_links = dict(old), dict(old_links)
    changes = pending.changes
    for name, value in changes.get("fields", {}).items():
        if name == "date":
            date = PartialDate.parse(value or "")
            new.update(
                date_precision=date.precision,
                date_earliest=date.earliest,
                date_latest=date.latest,
                date_circa=date.circa,
            )
        else:
            new[Document._meta.get_field(name).attname] = value
    relations = dict(changes.get("relations", {}))
    if "subjects" in relations:
        new_links["subject_links"] = [
            {"content_object_id": document.pk, "tag_id": pk} for pk in relations.pop("subjects")
        ]
    new.update(relations)
    for key, rows in changes.get("links", {}).items():
        model, entity_field = LINKS[key]
        name = model._meta.get_field("document").remote_field.related_name
        new_links[name] = [
            {
                "document_id": document.pk,
                f"{entity_field}_id": pk,
                "role": role,
                "uncertain": unc,
                "note": note,
            }
            for pk, role, unc, note in rows
        ]
    return changes_between_states(Document, old, new, old_links, new_links)


def _state(document) -> tuple[dict, dict]:
    """The live document as a version's field dict, and its followed rows."""
    fields = {f.attname: getattr(document, f.attname) for f in Document._meta.concrete_fields}
    for name in ("collections", "funders", "original_languages"):
        fields[name] = list(getattr(document, name).values_list("pk", flat=True))
    links = {}
    for name, related, _fk in follow_relations(Document):
        columns = [f.attname for f in related._meta.concrete_fields]
        links[name] = list(getattr(document, name).values(*columns))
    return fields, links
