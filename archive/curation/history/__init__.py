"""Change history with field-level diffs, revert and recovery, on django-reversion.

Every curated model's admin class includes `HistoryAdminMixin` (archive.curation.admin.history).
Which models are versioned, and which related rows travel with them (a document's people, places, subjects, scans), is declared
once per app in a `history_registration` module with `register()` below; the mixin loads those
modules before reversion's admin would auto-register anything.

Diffs are computed from `Version.field_dict` (and the versions of followed rows stored in the
same revision), so what the page shows is exactly what a revert would restore.
"""


from archive.curation.history.diffs import (
    Change,
    changed_labels,
    changes_between,
    version_with_lock_value,
)
from archive.curation.history.registration import ensure_registered, register, versions_for
from archive.curation.history.revert import ensure_baseline, revert_to

__all__ = [
    "Change",
    "changed_labels",
    "changes_between",
    "ensure_baseline",
    "ensure_registered",
    "register",
    "revert_to",
    "version_with_lock_value",
    "versions_for",
]
