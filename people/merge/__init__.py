"""Merging duplicate records (people, organizations, places, subjects) into one, and undoing it.

`service` merges; `undo` writes a merge's undo point back; `admin` offers both in the admin.
"""

from people.merge.service import (
    MergeError,
    MergeResult,
    merge_comment,
    merge_entities,
    merge_permission,
    relations_for,
    summarize,
)
from people.merge.undo import find_undo_point, undo_merge
from people.models import resolve_former_slug

__all__ = [
    "MergeError",
    "MergeResult",
    "find_undo_point",
    "merge_comment",
    "merge_entities",
    "merge_permission",
    "relations_for",
    "resolve_former_slug",
    "summarize",
    "undo_merge",
]
