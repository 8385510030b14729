"""What an import reports: per row its action, messages, each field's value before and after,
and loud warnings (unpublishing, removed links); for the file, new entries and a summary."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
# A change to a published document by someone who may not publish: kept as a pending revision.
HELD = "held"
EMPTY = "—"
LABELS = {
    "person": ("person", "people"),
    "organization": ("organization", "organizations"),
    "place": ("place", "places"),
    "repository": ("archive", "archives"),
    "document_type": ("document type", "document types"),
    "funder": ("funder", "funders"),
    "language": ("language", "languages"),
    "collection": ("collection", "collections"),
    "subject": ("subject", "subjects"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one row: its value now and after the import, as readers see them."""

    field: str
    before: str
    after: str


@dataclass
class RowResult:
    number: int
    record_number: int | None
    title: str
    action: str = ""
    messages: list = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list = field(default_factory=list)
    created: dict = field(default_factory=lambda: defaultdict(list))
    updated: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    written: bool = False

    @property
    def counts(self) -> Counter:
        counts = Counter({CREATED: 0, UPDATED: 0, HELD: 0, UNCHANGED: 0, REJECTED: 0})
        counts.update(row.action for row in self.rows)
        return counts

    @property
    def ok(self) -> bool:
        return not self.errors and not self.counts[REJECTED]

    @property
    def has_changes(self) -> bool:
        """Whether writing would change anything at all."""
        counts = self.counts
        return bool(
            counts[CREATED] or counts[UPDATED] or counts[HELD] or self.updated or self.new_entities
        )

    @property
    def row_warnings(self) -> int:
        """How many rows carry a loud warning (unpublishing, removing links)."""
        return sum(1 for row in self.rows if row.warnings and row.action != REJECTED)

    @property
    def new_entities(self) -> list[tuple[str, list[str]]]:
        """[("people", ["A", "B"]), ...] for display."""
        return [(LABELS[k][1 if len(v) > 1 else 0], v) for k, v in self.created.items() if v]

    def summary(self) -> str:
        counts = self.counts
        verb = "would be" if self.dry_run else ("were" if self.written else "would have been")
        text = (
            f"{len(self.rows)} rows: {counts[CREATED]} created, {counts[UPDATED]} updated, "
            f"{counts[UNCHANGED]} unchanged, {counts[REJECTED]} rejected."
        )
        if counts[HELD]:
            text = text[:-1] + f"; {counts[HELD]} held for an editor's approval."
        news = "; ".join(f"{len(v)} new {label}" for label, v in self.new_entities)
        if news:
            text += f" New entries {verb} made: {news}."
        if self.row_warnings:
            rows = "row" if self.row_warnings == 1 else "rows"
            text += f" Warnings on {self.row_warnings} {rows}: read them before confirming."
        if not self.dry_run and not self.written:
            text += " Nothing was written."
        return text
