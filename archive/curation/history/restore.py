"""A history restore under way, as an explicit object the admin mixins share.

Reverting or recovering in the admin restores the stored row first and then runs the ordinary
change form on it, so the mixins that judge a save (the workflow's status rule, the optimistic
lock) must judge it against the record as it was *before* the restore, not the restored row.
`HistoryAdminMixin` publishes a `Restore` for the duration of that view with `restoring()`;
other mixins ask `restore_in_progress(obj)`. It is a context variable (like reversion's own
revision stack), so concurrent requests never see each other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from reversion.models import Version


@dataclass(frozen=True)
class Restore:
    """Restoring `version`'s object: a revert (`before` is the record as it was) or a recovery
    of a deleted record (`before` is None). `others` name the records saved in the same
    revision (the first few; `others_count` of them in all), which this restore leaves as
    they are."""

    version: Version
    before: object | None
    others: tuple[str, ...] = field(default=())
    others_count: int = 0

    @property
    def others_not_named(self) -> int:
        return self.others_count - len(self.others)

    @property
    def is_recovery(self) -> bool:
        return self.before is None

    def is_for(self, obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        model = self.version._model
        return type(obj)._meta.concrete_model is model._meta.concrete_model and str(obj.pk) == str(
            self.version.object_id
        )


_current: ContextVar[Restore | None] = ContextVar("archive_history_restore", default=None)


@contextmanager
def restoring(restore: Restore) -> Iterator[Restore]:
    """Make `restore` the one under way while the block runs."""
    token = _current.set(restore)
    try:
        yield restore
    finally:
        _current.reset(token)


def restore_in_progress(obj) -> Restore | None:
    """The restore under way for `obj`, or None when `obj` is saved normally."""
    restore = _current.get()
    return restore if restore is not None and restore.is_for(obj) else None
