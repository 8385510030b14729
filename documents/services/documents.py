"""Writing documents: the one service every write path goes through.

It owns what every stored document must satisfy and every write must do:

* `prepare_document` (pure, no database): Unix newlines, sanitized HTML, a slug from the title
  when blank, `published_at` stamped on first publication. The importer's bulk path calls it
  on each row's document.
* the publication rule (`documents.services.publication.check_change`): who may move the
  status where, embargoes, and that a published document is complete;
* record numbers within their range (`documents.services.record_numbers`);
* the optimistic lock (`version`), the change history, and the search upkeep
  (`documents.services.search_upkeep.documents_changed`), inside the write's transaction.

`document_create` and `document_update` take plain values; `document_save` saves an instance a
form has already changed (the admin), with the history recorded by the caller's revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from archive.curation.history import ensure_baseline
from archive.curation.locking import save_with_version_check
from archive.curation.newlines import normalize_newlines
from archive.curation.slugs import slug_base
from archive.html import sanitize_html
from archive.partialdates import PartialDate
from documents import history_registration  # noqa: F401  (documents are versioned)
from documents.models import Document, DocumentOrganization, DocumentPerson, DocumentPlace
from documents.services.publication import (
    PublicationState,
    Status,
    can_edit,
    can_publish,
    check_change,
    duplicate_warnings,
    needs_approval,
    status_label,
)
from documents.services.record_numbers import record_number_problems
from documents.services.search_upkeep import documents_changed

ADD_PERMISSION = "documents.add_document"
HTML_FIELDS = ("full_text", "original_text")
# Many-to-many values `document_create`/`document_update` accept besides plain fields.
RELATIONS = ("collections", "funders", "original_languages", "subjects")
# Typed links they accept: key -> (link model, entity field).
LINKS = {
    "people": (DocumentPerson, "person"),
    "organizations": (DocumentOrganization, "organization"),
    "places": (DocumentPlace, "place"),
}
_STORED = object()


@dataclass
class SaveOutcome:
    """What a save did besides saving: warnings for the user (likely duplicates, a status
    kept as it was) and whether the publication state was kept instead of the one asked."""

    document: Document
    warnings: list[str] = field(default_factory=list)
    kept_publication: bool = False


def prepare_document(doc: Document) -> None:
    """Bring `doc` (in memory) to its stored form. No database access: bulk paths call it on
    every row."""
    normalize_newlines(doc)
    for name in HTML_FIELDS:
        setattr(doc, name, sanitize_html(getattr(doc, name) or ""))
    if not doc.slug:
        doc.slug = slug_base(doc.title, "document")
    if doc.status == Status.PUBLISHED and doc.published_at is None:
        doc.published_at = timezone.now()


def stored_state(document) -> PublicationState | None:
    """The publication state saved now (row locked until the transaction ends); None if new."""
    if document.pk is None:
        return None
    row = (
        Document._base_manager.select_for_update()
        .filter(pk=document.pk)
        .values("status", "publish_on", "published_at")
        .first()
    )
    return None if row is None else PublicationState(**row)


def document_save(
    *,
    document: Document,
    user,
    before=_STORED,
    expected_version: int | None = None,
    keep_publication: bool = False,
    links_follow: bool = False,
) -> SaveOutcome:
    """Check and save `document` as it is in memory.

    `before` is the publication state to judge the change against (default: the stored
    one; a history restore passes the state before the restore, None for a recovery). A
    change the user may not make raises PermissionDenied, or with `keep_publication` (history
    restores) leaves the status, embargo and publication date as they were and says so. An
    incomplete published document raises TransitionRefused. History is the caller's (its
    revision); with `links_follow` the caller saves links next and then calls
    `document_links_saved`, which does the search upkeep."""
    with transaction.atomic():
        stored = stored_state(document)
        before = stored if before is _STORED else before
        _check_permission(user, new=stored is None)
        if before is not None and needs_approval(before.status, user):
            raise PermissionDenied(
                "Only editors change a published document directly; your change is proposed "
                "for approval instead (a pending revision)."
            )
        outcome = SaveOutcome(document)
        may_publish = can_publish(user)
        verdict = check_change(before, document, may_publish=may_publish)
        if verdict.refused and keep_publication:
            _keep(document, before, verdict.refused, outcome)
            verdict = check_change(before, document, may_publish=may_publish)
        verdict.raise_if_refused()
        was_public = before is not None and before.status == Status.PUBLISHED
        if document.status == Status.PUBLISHED and not was_public:
            outcome.warnings += duplicate_warnings(document)
        prepare_document(document)
        if stored is None and document.pk is None:
            _check_record_number(document)
            document.save()
        else:
            save_with_version_check(document, expected_version)
        if not links_follow:
            documents_changed([document.pk])
    return outcome


def document_links_saved(*, document: Document) -> None:
    """The caller of `document_save(links_follow=True)` has saved the links and subjects."""
    documents_changed([document.pk])


def document_create(*, data: dict, user, comment: str = "") -> SaveOutcome:
    """A new document from plain values, recorded in the history: model field names;
    `date` as partial-date text (`1941-02`, `c. 1936`; blank: undated) or a PartialDate;
    `collections`, `funders`, `original_languages`, `subjects` as lists of objects;
    `people`, `organizations`, `places` as lists of `(entity, role[, uncertain[, note]])`."""
    fields, relations = _split(data)
    fields.setdefault("date", "")
    document = Document()
    _assign(document, fields)
    return _write(document, relations, user, comment or "Created.", expected_version=None)


def document_update(
    *, document: Document, data: dict, user, expected_version: int | None = None, comment=""
) -> SaveOutcome:
    """Change `document` with plain values (as `document_create`), refused if it was saved
    since `expected_version`; recorded in the history as one revision."""
    fields, relations = _split(data)
    _assign(document, fields)
    names = ", ".join([*fields, *relations]) or "nothing"
    return _write(
        document, relations, user, comment or f"Changed {names}.", expected_version=expected_version
    )


def document_delete(*, document: Document, user, snapshot: bool = True) -> None:
    """Delete `document` (its links go with it), first recording it in the history so that
    it can be recovered (`snapshot=False` when the caller already did, as the admin does)."""
    if not (user and user.has_perm("documents.delete_document")):
        raise PermissionDenied("You may not delete documents.")
    with transaction.atomic():
        pk = document.pk
        if snapshot:
            with reversion.create_revision():
                reversion.add_to_revision(document)
                reversion.set_user(user)
                reversion.set_comment("Deleted.")
        document.delete()
        documents_changed([pk])


def documents_deleted(ids) -> None:
    """Documents deleted in bulk (the admin's delete action): the search forgets them."""
    documents_changed(ids)


# Helpers ----------------------------------------------------------------------------------------


def _write(document, relations, user, comment, *, expected_version) -> SaveOutcome:
    if document.pk is not None:
        ensure_baseline(document)
    with transaction.atomic(), reversion.create_revision():
        outcome = document_save(
            document=document, user=user, expected_version=expected_version, links_follow=True
        )
        for name, values in relations.items():
            if name in LINKS:
                _set_links(document, name, values)
            else:
                getattr(document, name).set(values)
        document_links_saved(document=document)
        reversion.add_to_revision(document)
        reversion.set_user(user)
        reversion.set_comment(comment)
    return outcome


def _split(data: dict) -> tuple[dict, dict]:
    related = (*RELATIONS, *LINKS)
    fields = {k: v for k, v in data.items() if k not in related}
    relations = {k: list(v) for k, v in data.items() if k in related}
    known = {f.name for f in Document._meta.concrete_fields} | {"date"}
    unknown = [k for k in fields if k not in known]
    if unknown:
        raise ValueError(f"Not document fields: {', '.join(unknown)}.")
    return fields, relations


def _assign(document, fields: dict) -> None:
    """Set plain values; `date` goes through the one partial-date parser. The model's own
    field checks run here, so bad values are a ValidationError, not a database error."""
    for name, value in fields.items():
        if name != "date":
            setattr(document, name, value)
    if "date" in fields:
        value = fields["date"]
        try:
            value = value if isinstance(value, PartialDate) else PartialDate.parse(value)
        except ValueError as exc:
            raise ValidationError({"date": str(exc)}) from None
        document.date_precision, document.date_circa = value.precision, value.circa
        document.date_earliest, document.date_latest = value.earliest, value.latest
    exclude = ["record_number", "slug", "entity_text", "search_vector", "version"]
    document.clean_fields(exclude=exclude)
    document.clean()


def _set_links(document, key, links) -> None:
    """Make the document's links of this kind exactly `links` ((entity, role[, uncertain[,
    note]]) each), keeping the rows that stay."""
    model, entity_field = LINKS[key]
    wanted = {}
    for link in links:
        entity, role, *rest = link
        wanted[(entity.pk, role)] = (
            bool(rest[0]) if rest else False,
            rest[1] if len(rest) > 1 else "",
        )
    current = {
        (getattr(row, f"{entity_field}_id"), row.role): row
        for row in model.objects.filter(document=document)
    }
    model.objects.filter(pk__in=[row.pk for k, row in current.items() if k not in wanted]).delete()
    for (entity_id, role), (uncertain, note) in wanted.items():
        row = current.get((entity_id, role))
        if row is None:
            model.objects.create(
                document=document,
                role=role,
                uncertain=uncertain,
                note=note,
                **{f"{entity_field}_id": entity_id},
            )
        elif (row.uncertain, row.note) != (uncertain, note):
            row.uncertain, row.note = uncertain, note
            row.save(update_fields=["uncertain", "note"])


def _check_permission(user, *, new: bool) -> None:
    if new and not (user and user.is_active and user.has_perm(ADD_PERMISSION)):
        raise PermissionDenied("You may not add documents.")
    if not new and not can_edit(user):
        raise PermissionDenied("You may not change documents.")


def _check_record_number(document) -> None:
    number = document.record_number
    if isinstance(number, int):
        problem = record_number_problems([number]).get(number)
        if problem:
            raise ValidationError({"record_number": problem})


def _keep(document, before, reasons, outcome) -> None:
    """Leave the publication state as it was (a new record: a draft, not embargoed)."""
    asked = document.status
    (before or PublicationState(Status.DRAFT)).apply_to(document)
    outcome.kept_publication = True
    outcome.warnings.append(kept_publication_note(before, asked, reasons))


def kept_publication_note(before: PublicationState | None, asked: str, reasons) -> str:
    """What a save that may not change the publication state tells the user (the revert
    page says it beforehand)."""
    kept = Status.DRAFT if before is None else before.status
    if asked != kept:
        text = f"The status stays {status_label(kept)} (this version has {status_label(asked)})"
    else:
        text = f"The status stays {status_label(kept)}, with its embargo and publication date"
    return f"{text}: {' '.join(reasons)}"
