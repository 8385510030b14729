"""Undoing a merge: the rows stored at its undo point are written back in bulk."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, transaction
from reversion.models import Revision

from people.merge.service import (
    SNAPSHOT_PREFIX,
    UNDONE_PREFIX,
    MergeError,
    _delete_rows,
    _ensure_registered,
)
from people.models import FormerSlug
from people.services import entity_save
from people.signals import merge_undone


def find_undo_point(revision) -> Revision | None:
    """The undo point of a merge, given either itself or the "Merged ..." revision."""
    if revision.comment.startswith(SNAPSHOT_PREFIX):
        return revision
    if not revision.comment.startswith("Merged "):
        return None
    expected = SNAPSHOT_PREFIX + revision.comment.removeprefix("Merged ")
    return Revision.objects.filter(pk__lt=revision.pk, comment=expected).order_by("-pk").first()


@transaction.atomic
def undo_merge(undo_point: Revision, *, user=None) -> models.Model:
    """Write back every row stored at the undo point, in bulk, and retire the addresses the
    merge gave the survivor. Returns the survivor.

    `Revision.revert()` would do the same row by row (10,000 saves, each refreshing a
    document's search text); this restores the same versions with a few statements per model
    and refreshes each entity's documents once. Edits made to the survivor after the merge
    are lost, as with any revert."""
    if not undo_point.comment.startswith(SNAPSHOT_PREFIX):
        raise MergeError("This history entry is not a merge.")
    by_model, entity_model = _stored_rows(undo_point)
    _ensure_registered(entity_model)
    entities = by_model[entity_model]
    survivor, losers = _check_undoable(entity_model, entities)

    content_type = ContentType.objects.get_for_model(entity_model)
    FormerSlug.objects.filter(
        content_type=content_type, object_id=survivor.pk, slug__in=[o.slug for o in losers]
    ).delete()
    restore_order = [entity_model, *(m for m in by_model if m is not entity_model)]
    for model in restore_order:
        _restore(model, by_model[model])

    comment = UNDONE_PREFIX + undo_point.comment.removeprefix(SNAPSHOT_PREFIX)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        restored = entity_model._base_manager.filter(pk__in=[survivor.pk, *(o.pk for o in losers)])
        for obj in restored:  # a handful of records; each save refreshes its documents
            entity_save(entity=obj)
            reversion.add_to_revision(obj)
    transaction.on_commit(
        lambda: merge_undone.send(
            sender=entity_model, survivor=survivor, loser_ids=[o.pk for o in losers], user=user
        )
    )
    return entity_model._base_manager.get(pk=survivor.pk)


def _stored_rows(undo_point) -> tuple[dict[type, list[models.Model]], type]:
    """The rows stored at the undo point, by model, and the merged entities' model."""
    versions = list(undo_point.version_set.select_related("content_type").order_by("pk"))
    if not versions:
        raise MergeError("This merge has no stored records to restore.")
    by_model: dict[type, list[models.Model]] = {}
    for version in versions:
        model = version.content_type.model_class()
        if model is None:
            raise MergeError("A merged record's type no longer exists.")
        (item,) = serializers.deserialize(
            version.format, version.serialized_data, ignorenonexistent=True
        )
        by_model.setdefault(model, []).append(item.object)
    return by_model, versions[0].content_type.model_class()


def _check_undoable(entity_model, entities):
    """(the survivor, locked; the losers to bring back), or MergeError saying why not."""
    survivor = entity_model._base_manager.select_for_update().filter(pk=entities[0].pk).first()
    if survivor is None:
        raise MergeError("The record the others were merged into has since been deleted.")
    existing = set(
        entity_model._base_manager.filter(pk__in=[o.pk for o in entities[1:]]).values_list(
            "pk", flat=True
        )
    )
    losers = [o for o in entities[1:] if o.pk not in existing]
    if not losers:
        raise MergeError("This merge has already been undone.")
    taken = entity_model._base_manager.filter(slug__in=[o.slug for o in losers]).exclude(
        pk__in=[o.pk for o in losers]
    )
    if taken.exists():
        raise MergeError(
            f"The address “{taken.first().slug}” now belongs to another record; "
            "change that record's slug first."
        )
    return survivor, losers


def _restore(model, objects) -> None:
    """Write the stored rows back: re-create those that are gone, overwrite the rest.

    Rows nothing points at (document links, former slugs) are deleted and re-inserted, one
    statement each; `bulk_update` builds a CASE per field and row, far too slow for 10,000
    links. Rows others point at (the entities) are few and updated in place."""
    manager = model._base_manager
    pks = [o.pk for o in objects]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    stamped = [
        f.name for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if not model._meta.related_objects:
        _delete_rows(manager.filter(pk__in=pks), manager.db)
        manager.bulk_create(objects)
        if stamped:  # bulk_create stamps these with the current time
            manager.bulk_update(objects, stamped, batch_size=1000)
        return
    current = (
        dict(manager.filter(pk__in=pks).values_list("pk", "version"))
        if any(f.name == "version" for f in fields)
        else {pk: None for pk in manager.filter(pk__in=pks).values_list("pk", flat=True)}
    )
    for obj in objects:
        if current.get(obj.pk) is not None:  # a restored record is a new edit for locking
            obj.version = max(obj.version, current[obj.pk]) + 1
    missing = [o for o in objects if o.pk not in current]
    if missing:
        manager.bulk_create(missing)
    manager.bulk_update(objects, [f.name for f in fields], batch_size=1000)
