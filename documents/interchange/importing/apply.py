"""Writing a checked import: the bulk twin of the document service. Rows were brought to their
stored form by `prepare_document` and judged by the publication rule when planned; here they
are written in batches, then the search upkeep, the record-number sequence and the history
follow, all in the import's transaction."""

from collections import defaultdict

import reversion
from django.db.models import F
from django.utils import timezone

from archive.curation import history
from documents.interchange.importing.existing import M2M, Existing
from documents.models import (
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    TaggedDocument,
)
from documents.services import tombstones
from documents.services.pending import pending_create, proposed_changes
from documents.services.record_numbers import sync_record_number_sequence
from documents.services.search_upkeep import documents_changed

BATCH = 1000
LINK_MODELS = {
    "people": ("person", DocumentPerson),
    "organizations": ("organization", DocumentOrganization),
    "places": ("place", DocumentPlace),
}


class Writer:
    def __init__(self, plans, existing: Existing, *, progress, user, comment):
        self.new = [p for p in plans if p.is_new]
        self.changed = [p for p in plans if not p.is_new and p.changed and not p.held]
        self.held = [p for p in plans if p.held]
        self.existing, self.progress = existing, progress
        self.user, self.comment = user, comment
        self.done, self.total = 0, len(self.new) + len(self.changed)

    def write(self, vocab, entities) -> None:
        for vocabulary in vocab.values():
            vocabulary.save_new()
        for resolver in entities.values():
            resolver.save()
        history.ensure_registered()
        versioned = reversion.is_registered(Document)
        if versioned:
            for plan in self.changed:  # so the import's change shows (and reverts) in history
                history.ensure_baseline(plan.doc)
        self._hold()
        numbered = self._create()
        saved = self._update()
        touched = self.new + self.changed
        self._write_m2m(touched)
        self._write_links(touched)
        documents_changed(p.doc.pk for p in touched)
        if numbered:
            sync_record_number_sequence()
        for plan in self.new:
            plan.result.record_number = plan.doc.record_number
        if versioned and self.changed:
            with reversion.create_revision():
                reversion.set_comment(self.comment or "Updated by an import.")
                if self.user is not None:
                    reversion.set_user(self.user)
                for plan in self.changed:
                    reversion.add_to_revision(saved[plan.doc.pk])

    def _hold(self) -> None:
        """Rows changing a published document for someone who may not publish: each kept as
        a pending revision (the document, its links and every public path stay as they are)."""
        for plan in self.held:
            changes = proposed_changes(
                fields=held_fields(plan), relations=held_relations(plan), links=plan.links
            )
            pending_create(
                document=plan.doc, changes=changes, user=self.user, note=self.comment or "Import."
            )

    def _step(self, count):
        self.done += count
        self.progress("write", self.done, self.total)

    def _create(self) -> bool:
        """Numbered rows first, then the sequence moves past them, then the unnumbered rows:
        otherwise the sequence could hand an unnumbered row a number the file uses."""
        numbered = [p for p in self.new if isinstance(p.doc.record_number, int)]
        unnumbered = [p for p in self.new if not isinstance(p.doc.record_number, int)]
        for group in (numbered, unnumbered):
            if group is unnumbered and numbered:
                sync_record_number_sequence()
            for start in range(0, len(group), BATCH):
                batch = [p.doc for p in group[start : start + BATCH]]
                Document.objects.bulk_create(batch)
                self._step(len(batch))
        return bool(numbered)

    def _update(self) -> dict:
        """Only the fields this import changes are written, and the version moves on from the
        stored one, so nothing else saved in the meantime is undone."""
        now = timezone.now()
        by_fields = defaultdict(list)
        for plan in self.changed:
            plan.doc.version = F("version") + 1
            plan.doc.updated_at = now
            by_fields[tuple(plan.write_fields)].append(plan.doc)
        # bulk_update sends no signals: note what was public, to remember what this hides.
        were_public = tombstones.public_among([p.doc.pk for p in self.changed])
        for fields, docs in by_fields.items():
            for start in range(0, len(docs), BATCH):
                batch = docs[start : start + BATCH]
                Document.objects.bulk_update(batch, [*fields, "version", "updated_at"])
                self._step(len(batch))
        tombstones.remember_hidden(were_public)
        saved = {}
        ids = [p.doc.pk for p in self.changed]
        for start in range(0, len(ids), BATCH):
            saved.update(
                Document.objects.defer("search_vector").in_bulk(ids[start : start + BATCH])
            )
        for plan in self.changed:
            plan.doc.version = saved[plan.doc.pk].version
        return saved

    def _write_m2m(self, plans):
        for attr, kind in M2M.values():
            through = getattr(Document, attr).through
            column = through._meta.get_field(kind).attname
            add = []
            for plan in plans:
                if attr not in plan.m2m:
                    continue
                wanted = {o.pk for o in plan.m2m[attr] if o is not None}
                current = set() if plan.is_new else self.existing.m2m[attr][plan.doc.pk]
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
            current = set() if plan.is_new else self.existing.subjects[plan.doc.pk]
            if current - wanted:
                TaggedDocument.objects.filter(
                    content_object_id=plan.doc.pk, tag_id__in=current - wanted
                ).delete()
            add += [
                TaggedDocument(content_object_id=plan.doc.pk, tag_id=pk) for pk in wanted - current
            ]
        TaggedDocument.objects.bulk_create(add, batch_size=5000)

    def _write_links(self, plans):
        for key, (kind, link_model) in LINK_MODELS.items():
            add, change, remove = [], [], []
            for plan in plans:
                if key not in plan.links:
                    continue
                current = {} if plan.is_new else dict(self.existing.links[key][plan.doc.pk])
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


DATE_FIELDS = {"date_precision", "date_earliest", "date_latest", "date_circa"}


def held_fields(plan) -> dict:
    """The plain fields a held row changes, the date as one partial date."""
    names = set(plan.write_fields)
    fields = {name: getattr(plan.doc, name) for name in names - DATE_FIELDS - {"slug"}}
    if names & DATE_FIELDS:
        fields["date"] = plan.doc.date
    return fields


def held_relations(plan) -> dict:
    relations = {attr: [o for o in values if o is not None] for attr, values in plan.m2m.items()}
    if plan.subjects is not None:
        relations["subjects"] = [o for o in plan.subjects if o is not None]
    return relations
