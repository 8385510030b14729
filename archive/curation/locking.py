"""Optimistic locking: two archivists editing the same record cannot overwrite each other.

Locked models carry an integer `version`. A save names the version it started from and the
UPDATE that moves the counter on checks it in its WHERE clause, so of two saves made from the
same version exactly one wins; the other is refused and told what changed in between, and keeps
what it submitted. Admin classes for Document, Person, Organization, Place and Collection include
`OptimisticLockAdminMixin`; code outside the admin uses `save_with_version_check`.
"""

from __future__ import annotations

from django.db import models, router, transaction
from django.db.models import F

LOCK_FIELD = "version"
FORM_FIELD = "lock_version"


class VersionConflict(Exception):
    """The record was saved by someone else after `expected` was read."""

    def __init__(self, instance, expected, current):
        self.instance, self.expected, self.current = instance, expected, current
        what = f"{instance._meta.verbose_name} {instance.pk}"
        super().__init__(
            f"{what} was changed by someone else (version {current}, you had {expected})."
            if current is not None
            else f"{what} no longer exists."
        )


def lock_field_name(model) -> str | None:
    """The model's lock counter field name, or None if it has none."""
    try:
        fld = model._meta.get_field(LOCK_FIELD)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: model without a lock
        return None
    return LOCK_FIELD if isinstance(fld, models.IntegerField) else None


def has_lock(model) -> bool:
    return lock_field_name(model) is not None


def claim_version(model, pk, expected: int, *, using=None) -> int:
    """`UPDATE … SET version = version + 1 WHERE pk = %s AND version = %s`; the new version, or
    VersionConflict when no row matched. Call inside the transaction that saves the record."""
    manager = model._base_manager.using(using or router.db_for_write(model))
    if manager.filter(pk=pk, **{LOCK_FIELD: expected}).update(**{LOCK_FIELD: F(LOCK_FIELD) + 1}):
        return expected + 1
    current = manager.filter(pk=pk).values_list(LOCK_FIELD, flat=True).first()
    raise VersionConflict(model(pk=pk), expected, current)


def save_with_version_check(instance, expected_version: int | None = None, **save_kwargs):
    """Save `instance` only if its row is still at `expected_version` (default: the version the
    instance was loaded with), moving the counter on; raise VersionConflict otherwise, leaving
    the row untouched. New instances are simply saved."""
    if instance.pk is None or instance._state.adding:
        instance.save(**save_kwargs)
        return instance
    expected = getattr(instance, LOCK_FIELD) if expected_version is None else expected_version
    model = type(instance)
    with transaction.atomic(using=router.db_for_write(model, instance=instance)):
        setattr(instance, LOCK_FIELD, claim_version(model, instance.pk, int(expected)))
        if save_kwargs.get("update_fields") is not None:
            save_kwargs["update_fields"] = {*save_kwargs["update_fields"], LOCK_FIELD}
        instance.save(**save_kwargs)
    return instance


def bump_version(instance) -> None:
    """Move the counter on without a check (for saves that carry no version, such as a list
    edit), so that forms opened earlier will notice the change."""
    model = type(instance)
    current = (
        model._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list(LOCK_FIELD, flat=True)
        .first()
    )
    if current is not None:
        setattr(instance, LOCK_FIELD, claim_version(model, instance.pk, current))
