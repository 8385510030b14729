"""Restoring a recorded version, and giving unrecorded records a baseline first."""

from __future__ import annotations

import reversion
from django.db import router, transaction
from django.utils import formats
from django.utils.timezone import template_localtime
from reversion.models import Version

from archive.curation.history.registration import _follow_relations, versions_for
from archive.curation.locking import lock_field_name


def ensure_baseline(obj) -> None:
    """Give a record that has no history yet (imported, loaded from a fixture) a first version
    of its state before the change about to be made, so that change can be seen and undone.
    Must run outside any open revision (it would merge into it)."""
    model = type(obj)
    if obj.pk is None or reversion.is_active() or not reversion.is_registered(model):
        return
    if versions_for(model, obj.pk).exists():
        return
    saved = model._base_manager.filter(pk=obj.pk).first()
    if saved is None:
        return
    with reversion.create_revision():
        reversion.add_to_revision(saved)
        reversion.set_comment("As it was before its first recorded change.")


# Revert outside the admin ------------------------------------------------------------------


def revert_to(version: Version, user=None, comment: str = "") -> None:
    """Restore the object of `version` (and the rows that travel with it) as recorded there,
    as a new revision by `user`. The optimistic-lock counter moves forward, never back, so a
    form opened before the revert cannot overwrite it."""
    model = version._model
    lock = lock_field_name(model)
    with transaction.atomic(using=router.db_for_write(model)), reversion.create_revision():
        current = None
        if lock:
            current = (
                model._base_manager.select_for_update()
                .filter(pk=version.object_id)
                .values_list(lock, flat=True)
                .first()
            )
        revert_object(version)
        obj = model._base_manager.get(pk=version.object_id)
        if lock and current is not None:
            setattr(obj, lock, current + 1)
            model._base_manager.filter(pk=obj.pk).update(**{lock: current + 1})
        reversion.add_to_revision(obj)
        reversion.set_user(user)
        when = formats.localize(template_localtime(version.revision.date_created))
        reversion.set_comment(comment or f"Reverted to the version saved on {when}.")


def revert_object(version: Version) -> None:
    """Revert this object's own version and its followed rows, not every object that happened
    to share the revision (an import or a bulk action may have saved many documents together;
    each is restored from its own history, under its own rules)."""
    model = version._model
    revision = version.revision
    relations = _follow_relations(model)
    keep = [version]
    if relations:
        from django.contrib.contenttypes.models import ContentType

        cts = {ContentType.objects.get_for_model(r).pk: fk for _, r, fk in relations}
        for other in revision.version_set.filter(content_type_id__in=cts):
            if str(other.field_dict.get(cts[other.content_type_id])) == str(version.object_id):
                keep.append(other)
        obj = model._base_manager.filter(pk=version.object_id).first()
        if obj is not None:  # delete rows linked now that were not linked then
            wanted = {(o.content_type_id, str(o.object_id)) for o in keep}
            for name, related, _fk in relations:
                ct = ContentType.objects.get_for_model(related).pk
                for row in getattr(obj, name).all():
                    if (ct, str(row.pk)) not in wanted:
                        row.delete()
    for item in keep:
        item.revert()


def others_in_revision(version: Version, limit: int = 10) -> tuple[list[str], int]:
    """The other records saved in `version`'s revision, which reverting it does not restore
    (rows that travel with this object, such as its links, are not listed): the first
    `limit` names, and how many there are."""
    from django.contrib.contenttypes.models import ContentType

    relations = _follow_relations(version._model)
    followed = {ContentType.objects.get_for_model(related).pk for _, related, _fk in relations}
    others = (
        version.revision.version_set.exclude(pk=version.pk)
        .exclude(content_type_id__in=followed)
        .order_by("pk")
    )
    return [other.object_repr for other in others[:limit]], others.count()
