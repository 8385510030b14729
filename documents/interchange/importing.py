"""Importing documents with their entity links from CSV or JSON (see `import_formats` for the
file layouts).

Decisions an archivist should know:

* **Check first, then write everything or nothing.** Every row is checked (dates, archive,
  title, roles, field lengths, URLs...) and classified as created / updated / unchanged /
  rejected before anything is written. A dry run stops there. A real run writes inside one
  transaction, and only if no row is rejected; otherwise nothing at all is written and the
  report says why, row by row.
* **Keys.** A row's `record_number` is its key: an existing document with that number is
  updated, an unknown number creates a document with exactly that number. A row without a
  record number is matched by exact title + date (same precision, bounds and circa); if one
  document matches it is updated, if none a new one gets the next number, if several match
  the row is rejected (give the record number). Re-importing a file therefore changes nothing,
  and an edited file updates only what changed.
* **Absent means unchanged.** A column (CSV) or key (JSON) that is not in the file leaves the
  field as it is; a present but empty value clears it. In JSON, `null` lists ("not known")
  leave the value as it is. A present `people` (etc.) list replaces the document's links of
  that kind.
* **Entities** are matched by slug (JSON exports carry it), then by name, variant or (for
  organizations) abbreviation through `matching_name`; an exact name wins over a variant; a
  name matching several entities rejects the row. Unmatched names create new entities, which
  the report lists. Entity records in the file's top-level lists create entities or, for ones
  that already exist, only fill fields that are blank here and add missing variants: an
  import never overwrites curated entity text.
* **Vocabularies.** Unknown document types, funders, subjects and collections are created and
  reported. An unknown original archive rejects the row, unless the file declares it in its
  top-level `repositories` list or `create_repositories` is set (`--create-repositories`, or
  the checkbox on the admin page): a mistyped archive name should not become a new archive.
  Unknown languages reject the row unless declared in the top-level `languages` list.
* **Publishing** needs `documents.publish_document`: without it (`allow_publish=False`) rows
  that would publish, withdraw, embargo or unpublish a document are rejected.
* **History.** Updated documents get a version in the change history (with a baseline
  version first if they had none), commented with the file name; new documents get their
  first version when next edited.
* **Speed.** Lookups are loaded once per import, documents and links are written with bulk
  statements, and `entity_text` is refreshed once per batch instead of per saved row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from archive.curation import history
from archive.html import sanitize_html
from archive.partialdates import PartialDate, Precision
from documents.interchange.formats import ParsedFile, parse
from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    PlaceRole,
    Repository,
    Role,
    Subject,
    TaggedDocument,
)
from documents.search.entity_text import refresh_entity_text, sync_record_number_sequence
from documents.services import tombstones
from people.models import FormerSlug, Organization, Person, Place

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
MAX_RECORD_NUMBER = 2_147_483_647
BATCH = 1000

# Document text fields copied as given (stripped); the HTML ones are sanitized as on save.
TEXT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "source": "source_citation",
    "obtained_by": "obtained_by",
    "translated_by": "translated_by",
    "archive_url": "source_url",
    "original_classification": "original_classification",
    "rights": "rights",
    "internal_notes": "internal_notes",
}
HTML_FIELDS = {"full_text": "full_text", "original_text": "original_text"}
PUBLIC_STATES = {Document.Status.PUBLISHED, Document.Status.WITHDRAWN}
LINK_KINDS = {
    "people": ("person", Person, DocumentPerson, Role.MENTIONED),
    "organizations": ("organization", Organization, DocumentOrganization, Role.MENTIONED),
    "places": ("place", Place, DocumentPlace, PlaceRole.MENTIONED),
}
M2M = {
    "funders": ("funders", "funder"),
    "original_languages": ("original_languages", "language"),
    "collections": ("collections", "collection"),
}
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


@dataclass
class RowResult:
    number: int
    record_number: int | None
    title: str
    action: str = ""
    messages: list = field(default_factory=list)


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
        counts = Counter({CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0})
        counts.update(row.action for row in self.rows)
        return counts

    @property
    def ok(self) -> bool:
        return not self.errors and not self.counts[REJECTED]

    @property
    def has_changes(self) -> bool:
        """Whether writing would change anything at all."""
        counts = self.counts
        return bool(counts[CREATED] or counts[UPDATED] or self.updated or self.new_entities)

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
        news = "; ".join(f"{len(v)} new {label}" for label, v in self.new_entities)
        if news:
            text += f" New entries {verb} made: {news}."
        if not self.dry_run and not self.written:
            text += " Nothing was written."
        return text


def import_file(content, fmt, **options) -> ImportReport:
    """Parse and import a file's content (bytes or str). See `Importer` for the options."""
    from documents.interchange.formats import FormatError

    try:
        parsed = parse(content, fmt)
    except FormatError as exc:
        report = ImportReport(dry_run=options.get("dry_run", True))
        report.errors.append(str(exc))
        return report
    return Importer(parsed, **options).run()


class Importer:
    def __init__(
        self,
        parsed: ParsedFile,
        *,
        dry_run: bool = True,
        create_repositories: bool = False,
        allow_publish: bool = True,
        progress=None,
        user=None,
        comment: str = "",
    ):
        self.parsed = parsed
        self.dry_run = dry_run
        self.create_repositories = create_repositories
        self.allow_publish = allow_publish
        self.progress = progress or (lambda stage, done, total: None)
        self.user, self.comment = user, comment
        self.report = ImportReport(dry_run=dry_run, warnings=list(parsed.warnings))

    # --- entry point ----------------------------------------------------------------------

    def run(self) -> ImportReport:
        report = self.report
        report.errors.extend(self.parsed.errors)
        if report.errors:
            return report
        try:
            with transaction.atomic():
                self._plan()
                if self.dry_run or not report.ok:
                    return report
                self._apply()
                report.written = True
        except DatabaseError as exc:
            report.written = False
            report.errors.append(f"The database refused the import, nothing was written: {exc}")
        return report

    # --- planning (reads only) ------------------------------------------------------------

    def _plan(self):
        self.vocab = {
            "repository": Vocabulary(Repository, "repository", _repository_keys),
            "document_type": Vocabulary(DocumentType, "document_type", _name_keys),
            "funder": Vocabulary(Funder, "funder", _name_keys),
            "language": Vocabulary(Language, "language", lambda o: [o.code, o.name]),
            "collection": Vocabulary(Collection, "collection", lambda o: [o.slug, o.title]),
            "subject": Vocabulary(Subject, "subject", _name_keys),
        }
        self.entities = {
            kind: EntityResolver(model, kind, self.report)
            for kind, model, _link, _role in LINK_KINDS.values()
        }
        self._plan_vocabularies()
        for kind in ("person", "organization", "place"):
            self.entities[kind].declare(self.parsed.entities[kind], self.report)
        self._load_documents()
        self.plans = []
        self.claimed, self.new_keys, self.numbers = {}, {}, {}
        total = len(self.parsed.rows)
        for done, row in enumerate(self.parsed.rows, start=1):
            result = RowResult(row.number, None, str(row.data.get("title") or "").strip())
            plan = RowPlan(result=result, errors=list(row.errors))
            self._plan_row(row.data, plan)
            self.report.rows.append(result)
            if result.action != REJECTED:
                self.plans.append(plan)
            if done % 500 == 0 or done == total:
                self.progress("check", done, total)

    def _plan_vocabularies(self):
        declared = self.parsed.vocabularies
        for entry in declared["repositories"]:
            self.vocab["repository"].declare(
                entry,
                ["name", "abbreviation", "location", "url", "description", "slug"],
                self.report,
            )
        for entry in declared["document_types"]:
            self.vocab["document_type"].declare(entry, ["name", "description", "slug"], self.report)
        for entry in declared["funders"]:
            self.vocab["funder"].declare(entry, ["name", "slug"], self.report)
        for entry in declared["languages"]:
            self.vocab["language"].declare(entry, ["code", "name"], self.report)
        for entry in declared["collections"]:
            self.vocab["collection"].declare(entry, ["title", "slug", "description"], self.report)
        for entry in declared["subjects"]:
            self.vocab["subject"].declare(entry, ["name", "slug", "description"], self.report)

    def _load_documents(self):
        numbers, titles = set(), set()
        for row in self.parsed.rows:
            number = _record_number(row.data.get("record_number"))
            if isinstance(number, int):
                numbers.add(number)
            elif row.data.get("title"):
                titles.add(str(row.data["title"]).strip())
        self.by_number, self.by_title = {}, defaultdict(list)
        # Current relations as plain ids, {document id: ...}: far cheaper than prefetching
        # model instances for thousands of documents.
        self.current_m2m = {attr: defaultdict(set) for attr, _kind in M2M.values()}
        self.current_subjects = defaultdict(set)
        self.current_links = {key: defaultdict(dict) for key in LINK_KINDS}
        if not numbers and not titles:
            return
        docs = Document.objects.filter(Q(record_number__in=numbers) | Q(title__in=titles))
        if not self.dry_run:
            # A real run holds these rows until it commits: an edit saved meanwhile would
            # otherwise be overwritten by the copy read here.
            docs = docs.select_for_update(of=("self",))
        ids = []
        for doc in docs.defer("search_vector"):
            self.by_number[doc.record_number] = doc
            self.by_title[doc.title].append(doc)
            ids.append(doc.pk)
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for attr, kind in M2M.values():
                through = getattr(Document, attr).through
                column = through._meta.get_field(kind).attname
                pairs = through.objects.filter(document_id__in=chunk)
                for doc_id, target in pairs.values_list("document_id", column):
                    self.current_m2m[attr][doc_id].add(target)
            tagged = TaggedDocument.objects.filter(content_object_id__in=chunk)
            for doc_id, tag_id in tagged.values_list("content_object_id", "tag_id"):
                self.current_subjects[doc_id].add(tag_id)
            for key, (kind, _model, link_model, _role) in LINK_KINDS.items():
                links = link_model.objects.filter(document_id__in=chunk).values_list(
                    "document_id", f"{kind}_id", "role", "pk", "uncertain", "note"
                )
                for doc_id, entity_id, role, pk, uncertain, note in links:
                    self.current_links[key][doc_id][(entity_id, role)] = (pk, uncertain, note)

    def _plan_row(self, data: dict, plan: "RowPlan"):
        result, messages = plan.result, plan.errors
        number = _record_number(data.get("record_number"))
        if isinstance(number, str):
            messages.append(number)
            number = None
        title = str(data.get("title") or "").strip()
        date = None
        if "date" in data or "date_precision" in data:
            try:
                date = parse_partial_date(data.get("date"), data.get("date_precision"))
            except ValueError as exc:
                messages.append(f"Bad date: {exc}")

        # Find the document this row is about.
        doc = None
        if number is not None:
            result.record_number = number
            if number in self.numbers:
                messages.append(f"Record number {number} is also on row {self.numbers[number]}.")
            self.numbers[number] = result.number
            doc = self.by_number.get(number)
        elif title and not messages:
            key_date = date or PartialDate(Precision.UNDATED)
            matches = [d for d in self.by_title.get(title, []) if d.date == key_date]
            if len(matches) > 1:
                listed = ", ".join(str(d.record_number) for d in matches)
                messages.append(
                    f"{len(matches)} documents have this title and date (records {listed}); "
                    "give the record number."
                )
            elif matches:
                doc = matches[0]
                result.record_number = doc.record_number
            else:
                key = (title, key_date)
                if key in self.new_keys:
                    messages.append(
                        f"Same title and date as row {self.new_keys[key]}; give record numbers "
                        "to import both."
                    )
                self.new_keys[key] = result.number
        if doc is not None:
            if doc.pk in self.claimed and self.claimed[doc.pk] != result.number:
                messages.append(f"Row {self.claimed[doc.pk]} already imports this document.")
            self.claimed[doc.pk] = result.number

        is_new = doc is None
        if is_new:
            doc = Document(record_number=number) if number is not None else Document()
            if not title:
                messages.append("Missing title.")
        elif "title" in data and not title:
            messages.append("Missing title.")
        plan.doc, plan.is_new = doc, is_new
        before = {} if is_new else _snapshot(doc)
        stored = {} if is_new else _written_values(doc)

        # Scalar fields.
        for key, attr in TEXT_FIELDS.items():
            if key in data:
                setattr(doc, attr, str(data[key] or "").strip())
        for key, attr in HTML_FIELDS.items():
            if key in data:
                setattr(doc, attr, sanitize_html(str(data[key] or "").strip()))
        if date is not None:
            doc.date_precision, doc.date_circa = date.precision, date.circa
            doc.date_earliest, doc.date_latest = date.earliest, date.latest
        elif is_new:
            doc.date_precision = Precision.UNDATED
        if "slug" in data or is_new:
            doc.slug = slugify(str(data.get("slug") or "").strip()) or (
                slugify(doc.title)[:255] or "document"
            )
        if "document_type" in data:
            doc.document_type = self._vocab_ref("document_type", data["document_type"], plan)
        if "original_archive" in data:
            doc.repository = self._repository(data["original_archive"], plan)
        if "status" in data:
            status = _STATUSES.get(str(data["status"] or "").strip().lower())
            if status is None and str(data["status"] or "").strip():
                messages.append(
                    f"Unknown status “{data['status']}” (use draft, review, published, withdrawn)."
                )
            doc.status = status or Document.Status.DRAFT
        for key in ("publish_on", "published_at"):
            if key in data:
                try:
                    setattr(doc, key, parse_moment(data[key]))
                except ValueError as exc:
                    messages.append(f"{key}: {exc}")
        if doc.status == Document.Status.PUBLISHED and doc.published_at is None:
            plan.stamp_published = True
        if doc.source_url:
            try:
                URLValidator()(doc.source_url)
            except ValidationError:
                messages.append(f"archive_url: “{doc.source_url}” is not a web address.")
        try:
            doc.clean_fields(exclude=_NOT_CLEANED + ([] if doc.title else ["title"]))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                messages.extend(f"{name}: {e}" for e in errors)

        changes = [] if is_new else _changed(before, _snapshot(doc))
        if not is_new:
            after = _written_values(doc)
            plan.write_fields = [name for name in WRITTEN_FIELDS if stored[name] != after[name]]

        # Vocabulary lists and subjects.
        for key, (attr, kind) in M2M.items():
            if key in data:
                wanted = _unique([self._vocab_ref(kind, name, plan) for name in data[key]])
                plan.m2m[attr] = wanted
                current = set() if is_new else self.current_m2m[attr][doc.pk]
                if not is_new and {o.pk for o in wanted} != current:
                    changes.append(key)
        if "topics" in data:
            wanted = _unique([self._vocab_ref("subject", name, plan) for name in data["topics"]])
            plan.subjects = wanted
            current = set() if is_new else self.current_subjects[doc.pk]
            if not is_new and {o.pk for o in wanted} != current:
                changes.append("subjects")

        # Entity links.
        for key, (kind, _model, _link_model, default_role) in LINK_KINDS.items():
            if key not in data:
                continue
            wanted = {}
            for spec in data[key]:
                entity, error = self.entities[kind].resolve(spec)
                if error:
                    messages.append(error)
                    continue
                if entity.pk is None and id(entity) not in self.entities[kind].announced:
                    self.entities[kind].announced.add(id(entity))
                    plan.notes.append(f"New {LABELS[kind][0]}: {entity.name}.")
                link_key = (_identity(entity), spec.role or default_role)
                if link_key in wanted:
                    continue  # the same entity named twice in one role (e.g. by two variants)
                wanted[link_key] = (entity, spec.role or default_role, spec.uncertain, spec.note)
            plan.links[key] = list(wanted.values())
            if not is_new:
                current = {k: v[1:] for k, v in self.current_links[key][doc.pk].items()}
                desired = {(k[0], k[1]): (v[2], v[3]) for k, v in wanted.items()}
                if current != desired:
                    changes.append(key)

        if not self.allow_publish and _touches_publication(before, doc, is_new):
            messages.append(
                "You may not publish, withdraw or embargo documents; "
                "leave status, publish_on and published_at as they are."
            )
        result.title = doc.title or title
        plan.changed = bool(changes)
        if messages:
            result.action, result.messages = REJECTED, messages
        elif is_new:
            result.action, result.messages = CREATED, plan.notes
        elif changes:
            result.action = UPDATED
            result.messages = ["Changes: " + ", ".join(_unique(changes)) + ".", *plan.notes]
        else:
            result.action, result.messages = UNCHANGED, plan.notes

    def _vocab_ref(self, kind, name, plan):
        name = str(name or "").strip()
        if not name:
            return None
        vocab = self.vocab[kind]
        obj = vocab.get(name)
        if obj is not None:
            return obj
        if kind == "language":
            code, name = _known_language(name)
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
        name = str(name or "").strip()
        if not name:
            return None
        vocab = self.vocab["repository"]
        obj = vocab.get(name)
        if obj is None:
            bare, abbreviation = _split_abbreviation(name)
            obj = vocab.get(bare) if abbreviation else None
        if obj is not None:
            return obj
        if not self.create_repositories:
            plan.errors.append(
                f"Unknown archive “{name}”: add it under Repositories first, or allow "
                "creating archives."
            )
            return None
        bare, abbreviation = _split_abbreviation(name)
        obj = vocab.create(bare, self.report, abbreviation=abbreviation)
        vocab.add(obj, extra=[name])
        plan.notes.append(f"New archive: {name}.")
        return obj

    # --- writing --------------------------------------------------------------------------

    def _apply(self):
        for vocab in self.vocab.values():
            vocab.save_new()
        for resolver in self.entities.values():
            resolver.save()

        new_plans = [p for p in self.plans if p.is_new]
        changed_plans = [p for p in self.plans if not p.is_new and p.changed]
        history.ensure_registered()
        versioned = reversion.is_registered(Document)
        if versioned:
            for plan in changed_plans:  # so the import's change shows (and reverts) in history
                history.ensure_baseline(plan.doc)
        now = timezone.now()
        for plan in new_plans + changed_plans:
            if plan.stamp_published and plan.doc.published_at is None:
                plan.doc.published_at = now
                if not plan.is_new:
                    plan.write_fields = [*plan.write_fields, "published_at"]
        total, done = len(new_plans) + len(changed_plans), 0
        # Numbered rows first, then the sequence moves past them, then the unnumbered rows:
        # otherwise the sequence could hand an unnumbered row a number the file uses.
        numbered = [p for p in new_plans if isinstance(p.doc.record_number, int)]
        unnumbered = [p for p in new_plans if not isinstance(p.doc.record_number, int)]
        for group in (numbered, unnumbered):
            if group is unnumbered and numbered:
                sync_record_number_sequence()
            for start in range(0, len(group), BATCH):
                batch = [p.doc for p in group[start : start + BATCH]]
                Document.objects.bulk_create(batch)
                done += len(batch)
                self.progress("write", done, total)
        # bulk_update sends no signals: note what was public, to remember what this hides.
        were_public = tombstones.public_among([p.doc.pk for p in changed_plans])
        # Only the fields this import changes are written, and the version moves on from the
        # stored one, so nothing else saved in the meantime is undone.
        by_fields = defaultdict(list)
        for plan in changed_plans:
            plan.doc.version = F("version") + 1
            plan.doc.updated_at = now
            by_fields[tuple(plan.write_fields)].append(plan.doc)
        for fields, docs in by_fields.items():
            for start in range(0, len(docs), BATCH):
                batch = docs[start : start + BATCH]
                Document.objects.bulk_update(batch, [*fields, "version", "updated_at"])
                done += len(batch)
                self.progress("write", done, total)
        tombstones.remember_hidden(were_public)
        saved = {}
        changed_ids = [p.doc.pk for p in changed_plans]
        for start in range(0, len(changed_ids), BATCH):
            chunk = changed_ids[start : start + BATCH]
            saved.update(Document.objects.defer("search_vector").in_bulk(chunk))
        for plan in changed_plans:
            plan.doc.version = saved[plan.doc.pk].version

        touched = new_plans + changed_plans
        self._write_m2m(touched)
        self._write_links(touched)
        ids = [p.doc.pk for p in touched]
        for start in range(0, len(ids), 2000):
            refresh_entity_text(ids[start : start + 2000])
        if numbered:
            sync_record_number_sequence()
        for plan in new_plans:
            plan.result.record_number = plan.doc.record_number
        if versioned and changed_plans:
            with reversion.create_revision():
                reversion.set_comment(self.comment or "Updated by an import.")
                if self.user is not None:
                    reversion.set_user(self.user)
                for plan in changed_plans:
                    reversion.add_to_revision(saved[plan.doc.pk])

    def _write_m2m(self, plans):
        for attr, kind in M2M.values():
            through = getattr(Document, attr).through
            column = f"{through._meta.get_field(kind).attname}"
            add = []
            for plan in plans:
                if attr not in plan.m2m:
                    continue
                wanted = {o.pk for o in plan.m2m[attr] if o is not None}
                current = set() if plan.is_new else self.current_m2m[attr][plan.doc.pk]
                if current - wanted:
                    through.objects.filter(
                        document_id=plan.doc.pk, **{f"{column}__in": current - wanted}
                    ).delete()
                add += [through(document_id=plan.doc.pk, **{column: pk}) for pk in wanted - current]
            through.objects.bulk_create(add, batch_size=5000)
        add = []
        for plan in plans:
            if plan.subjects is None:
                continue
            wanted = {o.pk for o in plan.subjects if o is not None}
            current = set() if plan.is_new else self.current_subjects[plan.doc.pk]
            if current - wanted:
                TaggedDocument.objects.filter(
                    content_object_id=plan.doc.pk, tag_id__in=current - wanted
                ).delete()
            add += [
                TaggedDocument(content_object_id=plan.doc.pk, tag_id=pk) for pk in wanted - current
            ]
        TaggedDocument.objects.bulk_create(add, batch_size=5000)

    def _write_links(self, plans):
        for key, (kind, _model, link_model, _role) in LINK_KINDS.items():
            add, change, remove = [], [], []
            for plan in plans:
                if key not in plan.links:
                    continue
                current = {} if plan.is_new else dict(self.current_links[key][plan.doc.pk])
                for entity, role, uncertain, note in plan.links[key]:
                    link = current.pop((entity.pk, role), None)
                    if link is None:
                        add.append(
                            link_model(
                                document_id=plan.doc.pk,
                                role=role,
                                uncertain=uncertain,
                                note=note,
                                **{f"{kind}_id": entity.pk},
                            )
                        )
                    elif link[1:] != (uncertain, note):
                        change.append(link_model(pk=link[0], uncertain=uncertain, note=note))
                remove += [link[0] for link in current.values()]
            if remove:
                link_model.objects.filter(pk__in=remove).delete()
            link_model.objects.bulk_update(change, ["uncertain", "note"], batch_size=BATCH)
            link_model.objects.bulk_create(add, batch_size=5000)


@dataclass(eq=False)
class RowPlan:
    result: RowResult
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    doc: Document | None = None
    is_new: bool = True
    changed: bool = False
    write_fields: list = field(default_factory=list)
    stamp_published: bool = False
    m2m: dict = field(default_factory=dict)
    subjects: list | None = None
    links: dict = field(default_factory=dict)


class Vocabulary:
    """A small named vocabulary (archives, types, funders...), loaded once, matched by any of
    its names case-insensitively; new entries are created when the import is written."""

    def __init__(self, model, kind, keys):
        self.model, self.kind, self.keys = model, kind, keys
        self.index, self.new = {}, []
        self.slugs = set()
        for obj in model.objects.all():
            self.add(obj)
            self.slugs.add(getattr(obj, "slug", None))

    def add(self, obj, extra=()):
        for key in [*self.keys(obj), *extra]:
            if key:
                self.index.setdefault(key.strip().lower(), obj)

    def get(self, name):
        return self.index.get(str(name).strip().lower())

    def create(self, name, report, **fields):
        name_field = "title" if self.model is Collection else "name"
        obj = self.model(**{name_field: name}, **fields)
        self._slug(obj, fields.get("slug") or name)
        self.new.append(obj)
        self.add(obj)
        report.created[self.kind].append(name)
        return obj

    def declare(self, entry, allowed, report):
        values = {k: str(entry.get(k) or "").strip() for k in allowed if entry.get(k) is not None}
        name = values.get("title") or values.get("name")
        if not name or (self.model is Language and not values.get("code")):
            report.errors.append(f"A declared {LABELS[self.kind][0]} needs a name: {entry}.")
            return
        if any(self.get(values[k]) for k in ("slug", "code", "name", "title") if values.get(k)):
            return  # already known: declared vocabularies never overwrite curated entries
        obj = self.model(**values)
        self._slug(obj, values.get("slug") or name)
        try:
            obj.clean_fields(exclude=["slug"])
        except ValidationError as exc:
            report.errors.append(f"{LABELS[self.kind][0].capitalize()} “{name}”: {_flat(exc)}")
            return
        self.new.append(obj)
        self.add(obj)
        report.created[self.kind].append(name)

    def _slug(self, obj, source):
        if not hasattr(obj, "slug"):
            return
        base = slugify(source)[:240] or self.kind.replace("_", "-")
        obj.slug = _unique_slug(base, self.slugs)

    def save_new(self):
        for obj in self.new:
            obj.save()


class EntityResolver:
    """Finds people, organizations or places by slug, name, variant or abbreviation, and
    plans new ones (created in bulk when the import is written).

    The names are indexed in memory once per import: the same rule as
    `EntityQuerySet.matching_name` (case-insensitive, whole name, variant line or
    abbreviation) without one regex scan per name, which 10,000-row files cannot afford.
    """

    def __init__(self, model, kind, report):
        self.model, self.kind, self.report = model, kind, report
        self.names, self.by_slug = defaultdict(list), {}
        self.new, self.updated, self.announced = [], [], set()
        for obj in model.objects.all():
            self._register(obj)
        content_type = ContentType.objects.get_for_model(model)
        self.slugs = set(self.by_slug)
        self.slugs |= set(
            FormerSlug.objects.filter(content_type=content_type).values_list("slug", flat=True)
        )

    def find(self, name, slug=""):
        """(entity or None, error or None); an error when the name is ambiguous."""
        if slug and slug in self.by_slug:
            return self.by_slug[slug], None
        key = name.strip().lower()
        found = self.names.get(key, []) if key else []
        if len(found) > 1:
            exact = [o for o in found if o.name.strip().lower() == key]
            if len(exact) != 1:
                slugs = ", ".join(o.slug for o in found)
                return None, (
                    f"“{name}” matches several {LABELS[self.kind][1]} ({slugs}); "
                    "name one of them exactly (JSON: give its slug)."
                )
            found = exact
        return (found[0] if found else None), None

    def resolve(self, spec):
        obj, error = self.find(spec.name, spec.slug)
        if error or obj is not None:
            return obj, error
        if spec.abbreviation:
            obj, error = self.find(spec.abbreviation)
            if error or obj is not None:
                return obj, error
        if not spec.name:
            return None, f"A {LABELS[self.kind][0]} without a name."
        fields = {"abbreviation": spec.abbreviation} if spec.abbreviation else {}
        return self.plan_new(spec.name, fields, slug=spec.slug), None

    def plan_new(self, name, fields, slug=""):
        obj = self.model(name=name, **fields)
        obj.slug = _unique_slug(slugify(slug or name)[:240] or self.kind, self.slugs)
        if self.kind == "person" and not obj.sort_name:
            obj.sort_name = name
        self.new.append(obj)
        self._register(obj)
        self.report.created[self.kind].append(name)
        return obj

    def _register(self, obj):
        self.by_slug[obj.slug] = obj
        for name in obj.all_names:
            entries = self.names[name.strip().lower()]
            if obj not in entries:
                entries.append(obj)

    def declare(self, entries, report):
        """Create or complete entities from the file's top-level list."""
        parents = []
        for entry in entries:
            name = str(entry.get("name") or "").strip()
            if not name:
                report.errors.append(f"A {LABELS[self.kind][0]} entry without a name: {entry}.")
                continue
            values, warnings = _entity_values(self.kind, entry)
            report.warnings.extend(warnings)
            # Matched by slug or name only: variants are shared too often (“Altai” is a
            # district and a city) to identify an entity by.
            obj, error = self.find(name, str(entry.get("slug") or ""))
            if error:
                report.errors.append(error)
                continue
            if obj is None:
                obj = self.plan_new(name, values, slug=str(entry.get("slug") or ""))
            else:
                self._fill_blanks(obj, values)
            try:
                obj.clean_fields(exclude=["parent", "slug"])
            except ValidationError as exc:
                report.errors.append(f"{LABELS[self.kind][0].capitalize()} “{name}”: {_flat(exc)}")
            parent = str(entry.get("parent") or "").strip()
            if parent or entry.get("parent_slug"):
                parents.append((obj, parent, str(entry.get("parent_slug") or "")))
        for obj, parent_name, parent_slug in parents:
            if obj.parent_id is not None and obj.pk is not None:
                continue  # an existing parent is curated: leave it
            parent, error = self.find(parent_name, parent_slug)
            if error:
                report.errors.append(error)
                continue
            if parent is None:
                parent = self.plan_new(parent_name, {}, slug=parent_slug)
            if parent is obj:
                report.warnings.append(f"“{obj.name}” cannot be its own parent; ignored.")
                continue
            obj._import_parent = parent
            if obj.pk is not None and obj not in self.updated:
                self.updated.append(obj)
                report.updated.append(f"{LABELS[self.kind][0].capitalize()} {obj.name}: parent")

    def _fill_blanks(self, obj, values):
        filled = _fill_blanks(obj, values)
        if obj.pk is not None:
            obj._import_values = {**getattr(obj, "_import_values", {}), **values}
        if filled and obj.pk is not None:
            if obj not in self.updated:
                self.updated.append(obj)
            label = LABELS[self.kind][0].capitalize()
            self.report.updated.append(f"{label} {obj.name}: {', '.join(filled)}")

    def save(self):
        self.model.objects.bulk_create(self.new, batch_size=2000)
        with_parent = [o for o in self.new if getattr(o, "_import_parent", None) is not None]
        for obj in with_parent:
            obj.parent_id = obj._import_parent.pk
        if with_parent:
            self.model.objects.bulk_update(with_parent, ["parent"], batch_size=2000)
        if not self.updated:
            return
        # The blanks are filled again on a locked fresh copy, so an edit saved since the
        # import started is kept, and the version moves on from the stored one.
        fresh = self.model.objects.select_for_update().in_bulk([o.pk for o in self.updated])
        for obj in self.updated:
            current = fresh[obj.pk]
            fields = _fill_blanks(current, getattr(obj, "_import_values", {}))
            parent = getattr(obj, "_import_parent", None)
            if parent is not None and current.parent_id is None:
                current.parent_id = parent.pk
                fields.append("parent")
            if fields:
                current.version = F("version") + 1
                current.save(update_fields=[*fields, "version", "updated_at"])


# --- helpers ------------------------------------------------------------------------------


def _fill_blanks(obj, values) -> list[str]:
    """Set the entity fields that are blank (and add missing variants); the names set."""
    filled = []
    for name, value in values.items():
        if name == "variants":
            have = {v.lower() for v in obj.all_names}
            extra = [v for v in value.splitlines() if v.lower() not in have]
            if extra:
                obj.variants = "\n".join([*obj.variant_list, *extra])
                filled.append("variants")
        elif value not in ("", None) and getattr(obj, name) in ("", None):
            setattr(obj, name, value)
            filled.append(name)
    return filled


_STATUSES = {}
for _value, _label in Document.Status.choices:
    _STATUSES[_value] = _value
    _STATUSES[str(_label).lower()] = _value

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

_SNAPSHOT_FIELDS = [
    "title",
    "slug",
    "summary",
    "full_text",
    "original_text",
    "source_citation",
    "obtained_by",
    "translated_by",
    "source_url",
    "original_classification",
    "rights",
    "internal_notes",
    "status",
    "publish_on",
    "published_at",
]
_CHANGE_NAMES = {
    "source_citation": "source",
    "source_url": "archive_url",
    "repository_id": "original_archive",
    "document_type_id": "document_type",
}


WRITTEN_FIELDS = list(
    dict.fromkeys(
        [
            "slug",
            "date_precision",
            "date_earliest",
            "date_latest",
            "date_circa",
            "document_type",
            "repository",
            "status",
            "publish_on",
            "published_at",
            *TEXT_FIELDS.values(),
            *HTML_FIELDS.values(),
        ]
    )
)


def _written_values(doc) -> dict:
    """The values of the fields an import may write, to write only those it changes."""
    return {
        name: _reference(doc, name)
        if name in ("document_type", "repository")
        else getattr(doc, name)
        for name in WRITTEN_FIELDS
    }


def _snapshot(doc) -> dict:
    values = {name: getattr(doc, name) for name in _SNAPSHOT_FIELDS}
    values["date"] = (doc.date_precision, doc.date_earliest, doc.date_latest, doc.date_circa)
    values["repository_id"] = _reference(doc, "repository")
    values["document_type_id"] = _reference(doc, "document_type")
    return values


def _reference(doc, name):
    """The foreign key's identity without a query (planned objects have no pk yet)."""
    field = doc._meta.get_field(name)
    if field.is_cached(doc):
        return _identity(field.get_cached_value(doc))
    return getattr(doc, field.attname)


def _changed(before: dict, after: dict) -> list[str]:
    return [_CHANGE_NAMES.get(k, k) for k in before if before[k] != after[k]]


def _identity(obj):
    """Existing objects compare by primary key, planned ones by object identity."""
    if obj is None:
        return None
    return obj.pk if obj.pk is not None else ("new", id(obj))


def _touches_publication(before, doc, is_new) -> bool:
    if is_new:
        return doc.status in PUBLIC_STATES or doc.publish_on is not None
    if before["status"] == doc.status and before["publish_on"] == doc.publish_on:
        return before["published_at"] != doc.published_at
    return (
        before["status"] in PUBLIC_STATES
        or doc.status in PUBLIC_STATES
        or (before["publish_on"] != doc.publish_on)
    )


def _unique(items):
    seen, out = set(), []
    for item in items:
        key = _identity(item) if hasattr(item, "pk") else item
        if item is not None and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _unique_slug(base: str, taken: set) -> str:
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _name_keys(obj):
    return [obj.name, obj.slug]


def _repository_keys(obj):
    return [obj.name, obj.slug, obj.abbreviation, str(obj), f"{obj.name} ({obj.abbreviation})"]


def _split_abbreviation(name: str) -> tuple[str, str]:
    """“Russian State Archive of Socio-Political History (RGASPI)” -> (name, “RGASPI”)."""
    name = name.strip()
    if name.endswith(")") and " (" in name:
        bare, _, abbreviation = name[:-1].rpartition(" (")
        if bare.strip() and abbreviation.strip() and " " not in abbreviation.strip():
            return bare.strip(), abbreviation.strip()
    return name, ""


def _known_language(text: str) -> tuple[str | None, str]:
    """(ISO code, English name) for a language Django knows by code or English name."""
    from django.conf.locale import LANG_INFO

    wanted = text.strip().lower()
    if wanted in ("chinese", "zh"):
        return "zh", "Chinese"
    for code, info in LANG_INFO.items():
        if "name" in info and wanted in (code, info["name"].lower()):
            return code, info["name"]
    return None, text


def _record_number(value) -> int | str | None:
    """An int, None when blank, or an error message."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if text.isdigit() and 0 < int(text) <= MAX_RECORD_NUMBER:
        return int(text)
    return f"Record number “{text}” is not a positive whole number."


def parse_partial_date(text, precision=None) -> PartialDate:
    """Our partial-date text, optionally with the seed file's explicit precision.

    With a precision, a full day stands for its month or year (“1945-07-01” + month = July
    1945, the seed's convention); a date that contradicts its precision is an error.
    """
    text = str(text or "").strip()
    precision = str(precision or "").strip().lower()
    if not precision:
        return PartialDate.parse(text)
    if precision not in Precision.values:
        raise ValueError(f"unknown precision “{precision}” (use {', '.join(Precision.values)}).")
    if precision == Precision.UNDATED:
        if text:
            raise ValueError(f"“{text}” is given but the precision says undated.")
        return PartialDate(Precision.UNDATED)
    if not text:
        raise ValueError(f"no date, but the precision says “{precision}”.")
    value = PartialDate.parse(text)
    if value.precision == precision:
        return value
    narrower = {Precision.DAY: 3, Precision.MONTH: 2, Precision.YEAR: 1}
    if narrower.get(value.precision, 0) > narrower.get(precision, 9):
        earliest = value.earliest
        point = (
            f"{earliest.year:04d}" if precision == Precision.YEAR else earliest.strftime("%Y-%m")
        )
        return PartialDate.parse(point + ("~" if value.circa else ""))
    raise ValueError(f"“{text}” does not fit the precision “{precision}”.")


def parse_moment(value) -> datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"“{text}” is not a date and time (use ISO 8601, e.g. 2024-05-01T09:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _entity_values(kind: str, entry: dict) -> tuple[dict, list[str]]:
    """Model field values from a top-level entity record (seed or export shape)."""
    warnings = []

    def text(*keys):
        for key in keys:
            if entry.get(key) not in (None, ""):
                return str(entry[key]).strip()
        return ""

    variants = entry.get("variants") or []
    if isinstance(variants, str):
        variants = variants.splitlines()
    variants = [str(v).strip() for v in variants if str(v).strip()]
    values = {
        "description": text("description"),
        "certainty_note": text("certainty_note", "uncertain_note"),
        "notes": text("notes"),
    }
    if kind == "person":
        values.update(
            sort_name=text("sort_name"),
            birth=text("birth", "birth_year"),
            death=text("death", "death_year"),
        )
    elif kind == "organization":
        values.update(
            abbreviation=text("abbreviation"),
            founded=text("founded"),
            dissolved=text("dissolved"),
        )
        heading = text("archive_heading")
        if heading and heading not in variants:
            variants.append(heading)
    else:
        kind_text = text("kind").lower()
        if kind_text and kind_text not in Place.Kind.values:
            warnings.append(f"Place “{entry.get('name')}”: kind “{kind_text}” read as “other”.")
            kind_text = Place.Kind.OTHER
        values["kind"] = kind_text or Place.Kind.OTHER
        note = text("note")
        if note:
            target = "certainty_note" if entry.get("uncertain") else "description"
            values[target] = values[target] or note
        for attr, keys in (("latitude", ("latitude", "lat")), ("longitude", ("longitude", "lon"))):
            raw = text(*keys)
            if raw:
                try:
                    values[attr] = Decimal(raw).quantize(Decimal("0.00001"))
                except InvalidOperation:
                    warnings.append(f"Place “{entry.get('name')}”: {attr} “{raw}” ignored.")
    values["variants"] = "\n".join(variants)
    return {k: v for k, v in values.items() if v not in ("", None) or k == "variants"}, warnings
