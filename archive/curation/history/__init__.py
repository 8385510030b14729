"""Change history with field-level diffs, revert and recovery, on django-reversion.

Which models are versioned, and which related rows travel with them (a document's people,
places, subjects, scans), is declared once per app in a `history_registration` module with
`register()`; the admin's `HistoryAdminMixin` (archive.curation.admin.history) loads those
modules before reversion's admin would auto-register anything.
"""

from archive.curation.history.diffs import (
    Change,
    changed_labels,
    changes_between,
    changes_between_states,
    version_with_lock_value,
)
from archive.curation.history.registration import (
    ensure_registered,
    follow_relations,
    register,
    versions_for,
)
from archive.curation.history.restore import Restore, restore_in_progress, restoring
from archive.curation.history.revert import (
    ensure_baseline,
    others_in_revision,
    revert_object,
    revert_to,
)

__all__ = [
    "Change",
    "changed_labels",
    "changes_between",
    "changes_between_states",
    "ensure_baseline",
    "ensure_registered",
    "follow_relations",
    "Restore",
    "others_in_revision",
    "register",
    "restore_in_progress",
    "restoring",
    "revert_object",
    "revert_to",
    "version_with_lock_value",
    "versions_for",
]
