"""People, organizations and places in an import: matched by slug, name, variant or
abbreviation; new ones planned and created in bulk in their stored form (people.services);
existing ones only completed (blank fields filled, variants added), never overwritten."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F

from archive.curation.slugs import next_free, slug_base
from documents.interchange.importing.report import LABELS
from documents.interchange.importing.values import flat
from people.models import FormerSlug, Place
from people.services import prepare_entity


def display_link(entity, role: str, uncertain: bool) -> str:
    return f"{entity.name} ({role}{'?' if uncertain else ''})"


class EntityResolver:
    """Finds people, organizations or places by slug, name, variant or abbreviation, and
    plans new ones (created in bulk when the import is written).

    The names are indexed in memory once per import: the same rule as
    `EntityQuerySet.matching_name` (case-insensitive, whole name, variant line or
    abbreviation) without one regex scan per name, which 10,000-row files cannot afford.
    """

    def __init__(self, model, kind, report):
        self.model, self.kind, self.report = model, kind, report
        self.names, self.by_slug, self.by_pk = defaultdict(list), {}, {}
        self.new, self.updated, self.announced = [], [], set()
        for obj in model.objects.all():
            self._register(obj)
            self.by_pk[obj.pk] = obj
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
        obj.slug = next_free(slug_base(slug or name, self.kind), self.slugs)
        self.slugs.add(obj.slug)
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
            values, warnings = entity_values(self.kind, entry)
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
                report.errors.append(f"{LABELS[self.kind][0].capitalize()} “{name}”: {flat(exc)}")
            parent = str(entry.get("parent") or "").strip()
            if parent or entry.get("parent_slug"):
                parents.append((obj, parent, str(entry.get("parent_slug") or "")))
        self._declare_parents(parents, report)

    def _declare_parents(self, parents, report):
        """Parents named by the file's entity records; an existing parent is curated: kept."""
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
        filled = fill_blanks(obj, values)
        if obj.pk is not None:
            obj._import_values = {**getattr(obj, "_import_values", {}), **values}
        if filled and obj.pk is not None:
            if obj not in self.updated:
                self.updated.append(obj)
            label = LABELS[self.kind][0].capitalize()
            self.report.updated.append(f"{label} {obj.name}: {', '.join(filled)}")

    def save(self):
        for obj in self.new:
            prepare_entity(obj)
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
            fields = fill_blanks(current, getattr(obj, "_import_values", {}))
            parent = getattr(obj, "_import_parent", None)
            if parent is not None and current.parent_id is None:
                current.parent_id = parent.pk
                fields.append("parent")
            if fields:
                prepare_entity(current)
                current.version = F("version") + 1
                current.save(update_fields=[*fields, "version", "updated_at"])


def fill_blanks(obj, values) -> list[str]:
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


def entity_values(kind: str, entry: dict) -> tuple[dict, list[str]]:
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
