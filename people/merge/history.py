"""What a merge looks like in the history of its records.

A merge writes two revisions (people.merge.service): the undo point (“Before merging X into
Z”, every row as it was) and the merge (“Merged X into Z”, the survivor after). Here they are
read back for the history pages of the survivor and of every merged-away record: who, when,
what moved, and whether the merge can still be undone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from reversion.models import Revision

from people.merge.service import SNAPSHOT_PREFIX
from people.merge.undo import find_undo_point
from people.models import FormerSlug


@dataclass
class MergeRecord:
    undo_point: Revision
    survivor_id: str
    survivor_repr: str
    loser_ids: list[str]
    loser_reprs: list[str]
    moved: list[tuple[str, int]] = field(default_factory=list)  # (rows' plural label, count)
    undoable: bool = False

    def moved_text(self) -> str:
        parts = [f"{n} {label} moved" for label, n in self.moved if n]
        return ", ".join(parts) or "nothing linked to move"


def merge_record(revision: Revision, model) -> MergeRecord | None:
    """The merge `revision` belongs to (its undo point or the merge itself), else None."""
    undo_point = find_undo_point(revision)
    if undo_point is None:
        return None
    versions = list(undo_point.version_set.select_related("content_type").order_by("pk"))
    if not versions or versions[0].content_type.model_class() is not model:
        return None
    entity_ct = versions[0].content_type_id
    entities = [v for v in versions if v.content_type_id == entity_ct]
    counts: Counter = Counter()
    labels = {}
    for version in versions:
        related = version.content_type.model_class()
        if version.content_type_id == entity_ct or related in (None, FormerSlug):
            continue
        counts[version.content_type_id] += 1
        labels[version.content_type_id] = str(related._meta.verbose_name_plural)
    record = MergeRecord(
        undo_point=undo_point,
        survivor_id=entities[0].object_id,
        survivor_repr=entities[0].object_repr,
        loser_ids=[v.object_id for v in entities[1:]],
        loser_reprs=[v.object_repr for v in entities[1:]],
        moved=[(labels[ct], n) for ct, n in counts.items()],
    )
    manager = model._base_manager
    record.undoable = (
        manager.filter(pk=record.survivor_id).exists()
        and not manager.filter(pk__in=record.loser_ids).exists()
    )
    return record


def is_undo_point(revision: Revision) -> bool:
    return revision.comment.startswith(SNAPSHOT_PREFIX)
