"""Planning one row (reads only): which document it is about, what it would change, each
field's value before and after, loud warnings, and whether the row may be written at all."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from archive.partialdates import PartialDate, Precision
from documents.interchange.formats import CLEAR
from documents.interchange.importing.entities import display_link
from documents.interchange.importing.existing import M2M, Existing
from documents.interchange.importing.fields import (
    TEXT_FIELDS,
    change_names,
    display,
    written_values,
)
from documents.interchange.importing.report import (
    CREATED,
    EMPTY,
    HELD,
    LABELS,
    REJECTED,
    UNCHANGED,
    UPDATED,
    FieldChange,
    RowResult,
)
from documents.interchange.importing.values import (
    STATUSES,
    identity,
    known_language,
    parse_moment,
    record_number,
    split_abbreviation,
    unique,
)
from documents.interchange.importing.vocabularies import display_name
from documents.models import Document, PlaceRole, Role
from documents.services.documents import prepare_document
from documents.services.publication import (
    PublicationState,
    Status,
    check_change,
    held_for_review,
    publication_problems,
    status_label,
)

DEFAULT_ROLES = {"people": Role.MENTIONED, "organizations": Role.MENTIONED}
DEFAULT_ROLES["places"] = PlaceRole.MENTIONED
ENTITY_KINDS = {"people": "person", "organizations": "organization", "places": "place"}
# Fields the model does not check in `clean_fields` here (keys, relations, bookkeeping).
_NOT_CLEANED = [
    "record_number",
    "document_type",
    "repository",
    "version",
    "created_at",
    "updated_at",
    "published_at",
    "publish_on",
    "entity_text",
    "search_vector",
    "slug",
]


def _text(value) -> str:
    return "" if value is None or value is CLEAR else str(value).strip()


@dataclass(eq=False)
class RowPlan:
    result: RowResult
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    doc: Document | None = None
    is_new: bool = True
    changed: bool = False
    write_fields: list = field(default_factory=list)
    m2m: dict = field(default_factory=dict)
    subjects: list | None = None
    links: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)
    held: bool = False  # kept as a pending revision, not written (see `RowPlanner.plan`)


class RowPlanner:
    """Plans rows one by one, remembering what earlier rows claimed (record numbers, the
    same document twice, new documents with the same title and date)."""

    def __init__(self, *, vocab, entities, existing: Existing, report, options, refused_numbers):
        self.vocab, self.entities, self.existing, self.report = vocab, entities, existing, report
        self.allow_publish = options["allow_publish"]
        self.create_repositories = options["create_repositories"]
        self.refused_numbers = refused_numbers
        self.claimed, self.new_keys, self.numbers = {}, {}, {}

    def plan(self, row) -> RowPlan:
        data = row.data
        plan = RowPlan(result=RowResult(row.number, None, _text(data.get("title"))))
        plan.errors = list(row.errors)
        number, date = self._key(data, plan)
        self._find(plan, number, date)
        doc = plan.doc
        was = None if plan.is_new else PublicationState.of(doc)
        was_missing = {} if plan.is_new else publication_problems(doc)
        plan.stored = {} if plan.is_new else written_values(doc)
        self._scalars(data, date, plan)
        verdict = check_change(
            was, doc, may_publish=self.allow_publish, already_missing=was_missing
        )
        plan.errors += verdict.messages()
        prepare_document(doc)
        self._validate(plan)
        changes = self._field_changes(plan)
        changes += self._lists(data, plan)
        changes += self._links(data, plan)
        self._warn_unpublishing(plan, was)
        # A published document changed by someone who may not publish: the change waits for
        # an editor as a pending revision, like an edit in the admin (publication rule).
        plan.held = bool(
            changes and was and held_for_review(was.status, may_publish=self.allow_publish)
        )
        self._conclude(plan, changes)
        return plan

    # Which document -----------------------------------------------------------------------

    def _key(self, data, plan):
        if data.get("record_number") is CLEAR:
            plan.errors.append("A record number cannot be cleared.")
        number = record_number(_text(data.get("record_number")))
        if isinstance(number, str):
            plan.errors.append(number)
            number = None
        date = None
        if data.get("date") is CLEAR:
            date = PartialDate(Precision.UNDATED)
        elif "date" in data or "date_precision" in data:
            try:
                date = PartialDate.parse(_text(data.get("date")), _text(data.get("date_precision")))
            except ValueError as exc:
                plan.errors.append(f"Bad date: {exc}")
        return number, date

    def _find(self, plan, number, date):
        result, errors = plan.result, plan.errors
        title, doc = result.title, None
        if number is not None:
            result.record_number = number
            if number in self.numbers:
                errors.append(f"Record number {number} is also on row {self.numbers[number]}.")
            self.numbers[number] = result.number
            doc = self.existing.by_number.get(number)
            if doc is None and number in self.refused_numbers:
                errors.append(self.refused_numbers[number])
        elif title and not errors:
            doc = self._find_by_title(plan, title, date or PartialDate(Precision.UNDATED))
        if doc is not None:
            if doc.pk in self.claimed and self.claimed[doc.pk] != result.number:
                errors.append(f"Row {self.claimed[doc.pk]} already imports this document.")
            self.claimed[doc.pk] = result.number
        plan.is_new = doc is None
        if doc is None:
            doc = Document(record_number=number) if number is not None else Document()
            doc.date_precision = Precision.UNDATED
            if not title:
                errors.append("Missing title.")
        plan.doc = doc

    def _find_by_title(self, plan, title, key_date):
        matches = [d for d in self.existing.by_title.get(title, []) if d.date == key_date]
        if len(matches) > 1:
            listed = ", ".join(str(d.record_number) for d in matches)
            plan.errors.append(
                f"{len(matches)} documents have this title and date (records {listed}); "
                "give the record number."
            )
            return None
        if matches:
            plan.result.record_number = matches[0].record_number
            return matches[0]
        key = (title, key_date)
        if key in self.new_keys:
            plan.errors.append(
                f"Same title and date as row {self.new_keys[key]}; give record numbers to "
                "import both."
            )
        self.new_keys[key] = plan.result.number
        return None

    # Fields -------------------------------------------------------------------------------

    def _scalars(self, data, date, plan):
        doc, errors = plan.doc, plan.errors
        for key, attr in TEXT_FIELDS.items():
            if key not in data:
                continue
            if data[key] is CLEAR and key == "title":
                errors.append("The title cannot be cleared.")
            else:
                setattr(doc, attr, _text(data[key]))
        if date is not None:
            doc.date_precision, doc.date_circa = date.precision, date.circa
            doc.date_earliest, doc.date_latest = date.earliest, date.latest
        if "slug" in data:
            doc.slug = slugify(_text(data["slug"]))  # cleared: made from the title again
        if "document_type" in data:
            doc.document_type = self._vocab_ref("document_type", _text(data["document_type"]), plan)
        if "original_archive" in data:
            doc.repository = self._repository(_text(data["original_archive"]), plan)
        if "status" in data:
            self._status(data["status"], plan)
        for key in ("publish_on", "published_at"):
            if data.get(key) is CLEAR and key == "published_at":
                errors.append("published_at cannot be cleared.")
            elif key in data:
                try:
                    setattr(doc, key, parse_moment(_text(data[key])))
                except ValueError as exc:
                    errors.append(f"{key}: {exc}")

    def _status(self, value, plan):
        if value is CLEAR:
            plan.errors.append("The status cannot be cleared; give draft, review or published.")
            return
        status = STATUSES.get(_text(value).lower())
        if status is None:
            plan.errors.append(
                f"Unknown status “{value}” (use draft, review, published, withdrawn)."
            )
        else:
            plan.doc.status = status

    def _validate(self, plan):
        doc = plan.doc
        if doc.source_url:
            try:
                URLValidator()(doc.source_url)
            except ValidationError:
                plan.errors.append(f"archive_url: “{doc.source_url}” is not a web address.")
        try:
            doc.clean_fields(exclude=_NOT_CLEANED + ([] if doc.title else ["title"]))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                plan.errors.extend(f"{name}: {e}" for e in errors)

    def _field_changes(self, plan) -> list[FieldChange]:
        if plan.is_new:
            return []
        doc, before = plan.doc, plan.stored
        after = written_values(doc)
        plan.write_fields = [name for name, value in before.items() if after[name] != value]
        return [
            FieldChange(
                key, display(before, key, doc, self.vocab), display(after, key, doc, self.vocab)
            )
            for key in change_names(plan.write_fields)
        ]

    def _lists(self, data, plan) -> list[FieldChange]:
        changes = []
        for key, (attr, kind) in [*M2M.items(), ("topics", ("subjects", "subject"))]:
            if key not in data:
                continue
            names = [] if data[key] is CLEAR else data[key]
            wanted = unique([self._vocab_ref(kind, name, plan) for name in names])
            if attr == "subjects":
                plan.subjects = wanted
                current = set() if plan.is_new else self.existing.subjects[plan.doc.pk]
            else:
                plan.m2m[attr] = wanted
                current = set() if plan.is_new else self.existing.m2m[attr][plan.doc.pk]
            if plan.is_new or {o.pk for o in wanted} == current:
                continue
            label = "subjects" if key == "topics" else key
            after = "; ".join(sorted(display_name(o) for o in wanted)) or EMPTY
            before = "; ".join(self.vocab[kind].names(current)) or EMPTY
            changes.append(FieldChange(label, before, after))
            removed = self.vocab[kind].names(current - {o.pk for o in wanted})
            if removed:
                plan.result.warnings.append(f"This row would remove {label}: {', '.join(removed)}.")
        return changes

    def _links(self, data, plan) -> list[FieldChange]:
        changes = []
        for key, kind in ENTITY_KINDS.items():
            if key not in data:
                continue
            wanted = self._wanted_links(key, kind, [] if data[key] is CLEAR else data[key], plan)
            plan.links[key] = list(wanted.values())
            if plan.is_new:
                continue
            current = self.existing.links[key][plan.doc.pk]
            desired = {k: (v[2], v[3]) for k, v in wanted.items()}
            if {k: v[1:] for k, v in current.items()} == desired:
                continue
            known = self.entities[kind].by_pk
            shown = [display_link(known[e], role, v[1]) for (e, role), v in current.items()]
            after = [
                display_link(entity, role, uncertain)
                for entity, role, uncertain, _ in wanted.values()
            ]
            changes.append(
                FieldChange(
                    key, "; ".join(sorted(shown)) or EMPTY, "; ".join(sorted(after)) or EMPTY
                )
            )
            removed = sorted(
                display_link(known[e], role, v[1])
                for (e, role), v in current.items()
                if (e, role) not in desired
            )
            if removed:
                plan.result.warnings.append(f"This row would remove {key}: {', '.join(removed)}.")
        return changes

    def _wanted_links(self, key, kind, specs, plan) -> dict:
        wanted, resolver = {}, self.entities[kind]
        for spec in specs:
            entity, error = resolver.resolve(spec)
            if error:
                plan.errors.append(error)
                continue
            if entity.pk is None and id(entity) not in resolver.announced:
                resolver.announced.add(id(entity))
                plan.notes.append(f"New {LABELS[kind][0]}: {entity.name}.")
            role = spec.role or DEFAULT_ROLES[key]
            link_key = (identity(entity), role)
            if link_key not in wanted:  # the same entity named twice (e.g. by two variants)
                wanted[link_key] = (entity, role, spec.uncertain, spec.note)
        return wanted

    def _warn_unpublishing(self, plan, was):
        doc = plan.doc
        if was is None or was.status != Status.PUBLISHED:
            return
        if doc.status != Status.PUBLISHED:
            plan.result.warnings.insert(
                0,
                f"This row would unpublish the document ({status_label(was.status)} → "
                f"{status_label(doc.status)}): it leaves the public site.",
            )
        elif doc.publish_on != was.publish_on and doc.publish_on is not None:
            plan.result.warnings.insert(
                0, f"This row would embargo the published document until {doc.publish_on:%Y-%m-%d}."
            )

    def _conclude(self, plan, changes):
        result, doc = plan.result, plan.doc
        result.title = doc.title or result.title
        result.changes = changes
        plan.changed = bool(changes)
        if plan.errors:
            result.action, result.messages = REJECTED, plan.errors
        elif plan.is_new:
            result.action, result.messages = CREATED, plan.notes
        elif changes:
            names = unique(change.field for change in changes)
            result.action = HELD if plan.held else UPDATED
            result.messages = ["Changes: " + ", ".join(names) + ".", *plan.notes]
            if plan.held:
                result.messages.append(
                    "It is published: the change is held for an editor's approval, and readers "
                    "keep the published version until then."
                )
        else:
            result.action, result.messages = UNCHANGED, plan.notes

    # Vocabularies -------------------------------------------------------------------------

    def _vocab_ref(self, kind, name, plan):
        name = str(name or "").strip()
        if not name:
            return None
        vocab = self.vocab[kind]
        obj = vocab.get(name)
        if obj is not None:
            return obj
        if kind == "language":
            code, name = known_language(name)
            if code is None:
                plan.errors.append(
                    f"Unknown language “{name}”: add it under Languages first (or declare it "
                    "in the file's top-level “languages” list)."
                )
                return None
            obj = vocab.create(name, self.report, code=code)
        else:
            obj = vocab.create(name, self.report)
        plan.notes.append(f"New {LABELS[kind][0]}: {name}.")
        return obj

    def _repository(self, name, plan):
        if not name:
            return None
        vocab = self.vocab["repository"]
        obj = vocab.get(name)
        if obj is None:
            bare, abbreviation = split_abbreviation(name)
            obj = vocab.get(bare) if abbreviation else None
        if obj is not None:
            return obj
        if not self.create_repositories:
            plan.errors.append(
                f"Unknown archive “{name}”: add it under Repositories first, or allow "
                "creating archives."
            )
            return None
        bare, abbreviation = split_abbreviation(name)
        obj = vocab.create(bare, self.report, abbreviation=abbreviation)
        vocab.add(obj, extra=[name])
        plan.notes.append(f"New archive: {name}.")
        return obj
