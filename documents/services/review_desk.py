"""The review desk, the admin's home for staff: what waits for this user in the workflow and
what moved lately, each list with its count — a few queries, whatever the size of the
archive. Reads only; the admin's template links each item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from reversion.models import Version

from documents.models import Document, PendingRevision, WorkflowNote
from documents.services.publication import can_publish

Status = Document.Status
SHOWN = 8
RECENT_DAYS = 30


@dataclass
class Item:
    document: Document
    pending_id: int | None = None  # a pending revision's item
    who: object = None
    when: object = None
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    empty: str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    more: str = ""  # the admin list that shows them all: a changelist query, or "pending"


def _list_query(**params) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(params)


def _latest_note(step: str | None = None):
    notes = WorkflowNote.objects.filter(document=OuterRef("pk"))
    if step:
        notes = notes.filter(step=step)
    return notes.order_by("-created_at", "-pk")


def _annotated(queryset, step: str):
    latest = _latest_note(step)
    return queryset.annotate(
        note_id=Subquery(latest.values("pk")[:1]),
    )


def _with_notes(documents: list[Document]) -> dict[int, WorkflowNote]:
    ids = [d.note_id for d in documents if getattr(d, "note_id", None)]
    notes = WorkflowNote.objects.filter(pk__in=ids).select_related("user", "addressee")
    return {n.pk: n for n in notes}


def _section(key, title, empty, queryset, *, more="", order=("-updated_at",)) -> Section:
    section = Section(key, title, empty, count=queryset.count(), more=more)
    documents = list(queryset.order_by(*order, "-pk")[:SHOWN])
    notes = _with_notes(documents)
    for doc in documents:
        note = notes.get(getattr(doc, "note_id", None))
        section.items.append(
            Item(
                doc,
                who=note.user if note else None,
                when=note.created_at if note else doc.updated_at,
                note=note.note if note else "",
            )
        )
    return section


def _lean(queryset):
    return queryset.only("pk", "record_number", "title", "status", "updated_at", "published_at")


def my_drafts(user) -> Section:
    content_type = ContentType.objects.get_for_model(Document)
    mine = Version.objects.filter(
        content_type=content_type,
        object_id=Cast(OuterRef("pk"), CharField()),
        revision__user=user,
    )
    drafts = _lean(Document.objects.filter(status=Status.DRAFT).filter(Exists(mine)))
    return _section("drafts", "My drafts", "No drafts of yours.", drafts)


def awaiting_review() -> Section:
    queryset = _annotated(_lean(Document.objects.filter(status=Status.REVIEW)), "submit_for_review")
    return _section(
        "review",
        "Awaiting review",
        "Nothing is waiting for review.",
        queryset,
        more=_list_query(status__exact=Status.REVIEW),
        order=("updated_at",),
    )


def returned_to(user) -> Section:
    latest = _latest_note()
    queryset = _lean(Document.objects.filter(status=Status.DRAFT)).annotate(
        note_id=Subquery(latest.values("pk")[:1]),
        last_step=Subquery(latest.values("step")[:1]),
        last_addressee=Subquery(latest.values("addressee")[:1]),
    )
    returned = queryset.filter(last_step="return_to_draft", last_addressee=user.pk)
    return _section("returned", "Returned to me", "Nothing has been returned to you.", returned)


def recently_published() -> Section:
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    queryset = _lean(Document.objects.filter(status=Status.PUBLISHED, published_at__gte=since))
    return _section(
        "published",
        f"Published in the last {RECENT_DAYS} days",
        "Nothing was published lately.",
        _annotated(queryset, "publish"),
        more=_list_query(status__exact=Status.PUBLISHED, o="-7"),
        order=("-published_at",),
    )


def recently_changed() -> Section:
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    queryset = _lean(Document.objects.filter(updated_at__gte=since))
    return _section(
        "changed",
        f"Changed in the last {RECENT_DAYS} days",
        "Nothing changed lately.",
        queryset,
        more=_list_query(o="-7"),
    )


def pending_revisions(author=None) -> Section:
    open_revisions = PendingRevision.objects.filter(state=PendingRevision.State.OPEN)
    if author is not None:
        open_revisions = open_revisions.filter(author=author)
    section = Section(
        "pending",
        "Changes to published documents awaiting approval"
        if author is None
        else "My changes to published documents awaiting approval",
        "No changes are waiting for approval.",
        count=open_revisions.count(),
        more="pending",
    )
    rows = open_revisions.select_related("document", "author").order_by("created_at")[:SHOWN]
    for pending in rows:
        section.items.append(
            Item(
                pending.document,
                pending_id=pending.pk,
                who=pending.author,
                when=pending.created_at,
                note=pending.note,
            )
        )
    return section


def desk(user) -> list[Section]:
    """The sections of this user's desk, in the order they are shown."""
    sections = [my_drafts(user), returned_to(user), awaiting_review()]
    sections.append(pending_revisions(None if can_publish(user) else user))
    return [*sections, recently_published(), recently_changed()]
