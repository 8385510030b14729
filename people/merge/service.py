"""Merging duplicate records (people, organizations, places, subjects) into one, and undoing it.

Generic on purpose: `people` may not import `documents`, so everything that points at an entity
is found through `_meta.related_objects` (document links, subject taggings, child records) and
moved with one UPDATE per relation; rows that would break a unique constraint (a document
linked to two of the duplicates in the same role) are collapsed with one DELETE first. The
cost is a fixed number of statements however many documents are linked.

History (django-reversion), all in the merge's one transaction:

* an *undo point* revision, "Before merging X, Y into Z", holds every row the merge changes
  or deletes exactly as it was (the survivor, the losers, their links and child records,
  their former slugs); `undo_merge()` writes those rows back;
* the merge revision, "Merged X, Y into Z", holds the survivor as it is afterwards.
"""

import json
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from reversion.models import Revision, Version

from people.models import FormerSlug
from people.services import entity_save
from people.signals import entities_merged

SNAPSHOT_PREFIX = "Before merging "
UNDONE_PREFIX = "Undid merge: "
# Fields that identify the survivor and are never taken from a loser.
_OWN_FIELDS = {"name", "slug", "version"}
# Long-text fields whose losers' text is appended to the survivor's, not just used if blank.
_UNITED_TEXT_FIELDS = {"description", "certainty_note", "notes"}
_MAX_DEPTH = 100


class MergeError(Exception):
    """The merge (or its undo) cannot be done; the message says why, for the curator."""


@dataclass(frozen=True)
class Relation:
    """A foreign key on `model` that points at the merged model."""

    model: type[models.Model]
    field: models.ForeignKey
    accessor: str

    @property
    def is_self(self) -> bool:
        return self.model._meta.concrete_model is self.field.remote_field.model._meta.concrete_model

    @property
    def label(self) -> str:
        if self.is_self:
            return f"Records under it ({self.model._meta.verbose_name_plural})"
        return capfirst(self.model._meta.verbose_name_plural)

    @property
    def role_field(self):
        try:
            return self.model._meta.get_field("role")
        except FieldDoesNotExist:
            return None


@dataclass
class RelationCount:
    label: str
    total: int
    by_role: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class EntitySummary:
    """What the confirmation page shows for one selected record."""

    obj: models.Model
    variants: list[str]
    relations: list[RelationCount]
    former_slugs: list[str]


@dataclass
class MergeResult:
    survivor: models.Model
    loser_names: list[str]
    undo_revision: Revision
    moved: dict[str, int]
    collapsed: dict[str, int]


def merge_permission(model) -> str:
    """`people.merge_person`, `documents.merge_subject`..."""
    opts = model._meta.concrete_model._meta
    return f"{opts.app_label}.merge_{opts.model_name}"


def relations_for(model) -> list[Relation]:
    """Every foreign key pointing at `model`, including the through-tables of many-to-many
    fields (taggit's included), each once."""
    found: dict[tuple, Relation] = {}
    for rel in model._meta.concrete_model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            if through is None or not through._meta.auto_created:
                continue  # an explicit through model's own foreign key is listed separately
            fk = through._meta.get_field(rel.field.m2m_reverse_field_name())
            found.setdefault((through, fk.name), Relation(through, fk, rel.get_accessor_name()))
        elif rel.field.concrete:
            key = (rel.related_model, rel.field.name)
            found.setdefault(key, Relation(rel.related_model, rel.field, rel.get_accessor_name()))
    return list(found.values())


def _unique_sets(relation: Relation) -> list[list[str]]:
    """Field names of each unique constraint on the relation's model that includes its FK."""
    opts = relation.model._meta
    name = relation.field.name
    sets = [list(c.fields) for c in opts.total_unique_constraints]
    sets += [list(t) for t in opts.unique_together]
    return [s for s in sets if name in s] + ([[name]] if relation.field.unique else [])


def summarize(objects) -> list[EntitySummary]:
    """Per record: variants, document links by role, child records, former addresses.
    One query per relation, whatever the number of records."""
    objects = list(objects)
    if not objects:
        return []
    model = type(objects[0])
    ids = [o.pk for o in objects]
    counts: dict[int, list[RelationCount]] = {pk: [] for pk in ids}
    for relation in relations_for(model):
        attname = relation.field.attname
        role = relation.role_field
        values = [attname, role.name] if role is not None else [attname]
        rows = (
            relation.model._base_manager.filter(**{f"{attname}__in": ids})
            .values(*values)
            .annotate(n=Count("pk"))
            .order_by(*values)
        )
        per_entity: dict[int, RelationCount] = {}
        for row in rows:
            item = per_entity.setdefault(row[attname], RelationCount(relation.label, 0))
            item.total += row["n"]
            if role is not None:
                label = dict(role.flatchoices).get(row[role.name], row[role.name])
                item.by_role.append((str(label), row["n"]))
        for pk in ids:
            counts[pk].append(per_entity.get(pk, RelationCount(relation.label, 0)))
    content_type = ContentType.objects.get_for_model(model)
    slugs: dict[int, list[str]] = {pk: [] for pk in ids}
    for object_id, slug in FormerSlug.objects.filter(
        content_type=content_type, object_id__in=ids
    ).values_list("object_id", "slug"):
        slugs[object_id].append(slug)
    return [
        EntitySummary(
            obj=o,
            variants=list(getattr(o, "variant_list", [])),
            relations=counts[o.pk],
            former_slugs=sorted(slugs[o.pk]),
        )
        for o in objects
    ]


def _ensure_registered(model) -> None:
    """The workflow registers curated models with reversion at start-up; a model merged
    before that (or in a project without it) is registered here so its history is kept."""
    if not reversion.is_registered(model):
        reversion.register(model)


def merge_comment(survivor, losers) -> str:
    return f"Merged {', '.join(str(o) for o in losers)} into {survivor}"


def merge_entities(survivor, losers, *, user=None) -> MergeResult:
    """Merge `losers` into `survivor` in one transaction; see the module docstring."""
    model = type(survivor)
    concrete = model._meta.concrete_model
    loser_ids = list(dict.fromkeys(o.pk for o in losers if o.pk != survivor.pk))
    if not loser_ids:
        raise MergeError("Choose at least one record to merge into the survivor.")
    if any(type(o)._meta.concrete_model is not concrete for o in losers):
        raise MergeError("Only records of the same kind can be merged.")
    _ensure_registered(concrete)
    db = router.db_for_write(concrete)
    relations = relations_for(concrete)
    content_type = ContentType.objects.db_manager(db).get_for_model(concrete)

    with transaction.atomic(using=db):
        locked = (
            concrete._base_manager.using(db).select_for_update().in_bulk([survivor.pk, *loser_ids])
        )
        if len(locked) != len(loser_ids) + 1:
            raise MergeError("One of the records was deleted meanwhile; reload and try again.")
        survivor = locked[survivor.pk]
        losers = [locked[pk] for pk in loser_ids]
        comment = merge_comment(survivor, losers)

        undo_revision = _snapshot(survivor, losers, relations, content_type, user, comment, db)
        _unite_fields(survivor, losers)
        moved, collapsed = _move_relations(survivor, losers, relations, db)
        _retire_slugs(survivor, losers, content_type, db)
        _save_survivor(survivor, loser_ids, user, comment, db)

        loser_names = [str(o) for o in losers]
        transaction.on_commit(
            lambda: entities_merged.send(
                sender=concrete, survivor=survivor, loser_ids=loser_ids, user=user
            ),
            using=db,
        )
    return MergeResult(survivor, loser_names, undo_revision, moved, collapsed)


def _move_relations(survivor, losers, relations, db) -> tuple[dict, dict]:
    """Repoint every row that points at a loser to the survivor (duplicates collapsed first);
    (moved, collapsed) row counts by relation label."""
    loser_ids = [o.pk for o in losers]
    for relation in relations:
        if relation.is_self:
            _reparent_survivor(survivor, losers, relation, db)
    moved, collapsed = {}, {}
    for relation in relations:
        label = relation.label
        collapsed[label] = _collapse_duplicates(relation, survivor.pk, loser_ids, db)
        queryset = relation.model._base_manager.using(db).filter(
            **{f"{relation.field.attname}__in": loser_ids}
        )
        if relation.is_self:
            queryset = queryset.exclude(pk=survivor.pk)
        moved[label] = queryset.update(**{relation.field.attname: survivor.pk})
    return moved, collapsed


def _save_survivor(survivor, loser_ids, user, comment, db) -> None:
    """Save the survivor through the entity service (its stored form, its version moves on)
    in the merge's revision, and delete the losers. Documents refresh the search text of
    everything now linked to the survivor on its save, in one statement."""
    concrete = type(survivor)._meta.concrete_model
    with reversion.create_revision(using=db):
        reversion.set_user(user)
        reversion.set_comment(comment)
        entity_save(entity=survivor, using=db)
        reversion.add_to_revision(survivor, model_db=db)
        concrete._base_manager.using(db).filter(pk__in=loser_ids).delete()


def _unite_fields(survivor, losers) -> None:
    """Blank fields are filled from the first loser that has them; descriptions and notes
    are joined; the losers' names and variants become variants of the survivor."""
    for f in type(survivor)._meta.concrete_fields:
        if f.primary_key or not f.editable or f.name in _OWN_FIELDS or f.name == "variants":
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.name in _UNITED_TEXT_FIELDS:
            setattr(
                survivor,
                f.attname,
                _join_texts([getattr(o, f.attname) for o in (survivor, *losers)]),
            )
        elif getattr(survivor, f.attname) in ("", None):
            for loser in losers:
                value = getattr(loser, f.attname)
                if value not in ("", None):
                    setattr(survivor, f.attname, value)
                    break
    if hasattr(survivor, "variants"):
        variants = list(survivor.variant_list)
        seen = {n.casefold() for n in survivor.all_names}
        for loser in losers:
            for name in getattr(loser, "all_names", [loser.name]):
                if name and name.casefold() not in seen:
                    seen.add(name.casefold())
                    variants.append(name)
        survivor.variants = "\n".join(variants)


def _join_texts(texts) -> str:
    """Paragraphs of all texts, in order, each once (compared ignoring case and spacing)."""
    kept, seen = [], set()
    for text in texts:
        text = (text or "").strip()
        key = " ".join(text.split()).casefold()
        if not key or any(key in s for s in seen):
            continue
        kept.append(text)
        seen.add(key)
    return "\n\n".join(kept)


def _reparent_survivor(survivor, losers, relation: Relation, db) -> None:
    """Keep a tree (Organization/Place `parent`) a tree: the survivor climbs above merged
    ancestors, and a merge that would make a record its own ancestor is refused."""
    attname = relation.field.attname
    merged = {survivor.pk} | {o.pk for o in losers}
    by_pk = {o.pk: o for o in losers}
    parent, seen = getattr(survivor, attname), set()
    while parent in merged and parent not in seen:
        seen.add(parent)
        parent = None if parent == survivor.pk else getattr(by_pk[parent], attname)
    if parent in merged:
        parent = None
    setattr(survivor, attname, parent)
    manager = relation.model._base_manager.using(db)
    ancestor, depth = parent, 0
    while ancestor is not None and depth < _MAX_DEPTH:
        up = manager.filter(pk=ancestor).values_list(attname, flat=True).first()
        if up in merged and up != survivor.pk:
            raise MergeError(
                f"“{manager.get(pk=ancestor)}” lies both above “{survivor}” and below a record "
                "being merged into it; change its parent first."
            )
        ancestor, depth = up, depth + 1


def _collapse_duplicates(relation: Relation, survivor_id, loser_ids, db) -> int:
    """Delete the losers' rows that would duplicate a row once repointed: the survivor's own
    row wins, else the oldest of the losers' rows. One DELETE per unique constraint."""
    attname = relation.field.attname
    manager = relation.model._base_manager.using(db)
    total = 0
    for fields in _unique_sets(relation):
        others = [
            relation.model._meta.get_field(f).attname for f in fields if f != relation.field.name
        ]
        twin = (
            manager.filter(**{f"{attname}__in": [survivor_id, *loser_ids]})
            .filter(**{a: OuterRef(a) for a in others})
            .exclude(pk=OuterRef("pk"))
            .filter(Q(**{attname: survivor_id}) | Q(pk__lt=OuterRef("pk")))
        )
        doomed = manager.filter(**{f"{attname}__in": loser_ids}).filter(Exists(twin))
        if relation.is_self:
            doomed = doomed.exclude(pk=survivor_id)
        total += _delete_rows(doomed, db)
    return total


def _delete_rows(queryset, db) -> int:
    """One DELETE statement when nothing depends on these rows (link tables); otherwise the
    ORM's delete, which cascades. Bulk: the search text is refreshed once afterwards."""
    model = queryset.model
    if model._meta.related_objects:
        return queryset.delete()[0]
    sql, params = queryset.values("pk").query.sql_with_params()
    table = connections[db].ops.quote_name(model._meta.db_table)
    pk = connections[db].ops.quote_name(model._meta.pk.column)
    with connections[db].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)
        return cursor.rowcount


def _retire_slugs(survivor, losers, content_type, db) -> None:
    """The losers' addresses, and those they had retired, now redirect to the survivor."""
    former = FormerSlug.objects.using(db).filter(content_type=content_type)
    loser_ids = [o.pk for o in losers]
    slugs = [o.slug for o in losers if o.slug and o.slug != survivor.slug]
    former.filter(object_id__in=loser_ids).update(object_id=survivor.pk)
    former.filter(slug__in=slugs).delete()
    former.filter(slug=survivor.slug).delete()
    FormerSlug.objects.using(db).bulk_create(
        FormerSlug(content_type=content_type, object_id=survivor.pk, slug=s)
        for s in dict.fromkeys(slugs)
    )


def _snapshot(survivor, losers, relations, content_type, user, comment, db) -> Revision:
    """Write the undo point: every row the merge will change or delete, as it is now.

    Versions are serialized exactly as django-reversion does (JSON, one object each) but
    bulk-inserted: `reversion.add_to_revision` copies its bookkeeping on every call, which
    is quadratic for 10,000 links."""
    loser_ids = [o.pk for o in losers]
    rows: dict[tuple, tuple[models.Model, str]] = {}
    for obj in (survivor, *losers):
        rows[(type(obj)._meta.concrete_model, obj.pk)] = (obj, str(obj))
    names = {o.pk: str(o) for o in losers}
    for relation in relations:
        attname = relation.field.attname
        noun = capfirst(relation.model._meta.verbose_name)
        queryset = relation.model._base_manager.using(db).filter(**{f"{attname}__in": loser_ids})
        for obj in queryset.order_by("pk").iterator(chunk_size=2000):
            key = (relation.model._meta.concrete_model, obj.pk)
            if key not in rows:
                rows[key] = (obj, f"{noun} #{obj.pk} (was {names[getattr(obj, attname)]})")
    slugs = [o.slug for o in losers]
    for obj in (
        FormerSlug.objects.using(db)
        .filter(content_type=content_type)
        .filter(Q(object_id__in=loser_ids) | Q(slug__in=slugs) | Q(slug=survivor.slug))
    ):
        rows[(FormerSlug, obj.pk)] = (obj, f"Former address “{obj.slug}”")

    revision = Revision.objects.using(db).create(
        date_created=timezone.now(),
        user=user,
        comment=SNAPSHOT_PREFIX + comment.removeprefix("Merged "),
    )
    content_types = ContentType.objects.db_manager(db).get_for_models(
        *{model for model, _ in rows}, for_concrete_models=True
    )
    # The same JSON reversion writes (a one-object list), serialized in one pass.
    data = serializers.serialize("python", [obj for obj, _ in rows.values()])
    versions = [
        Version(
            revision=revision,
            content_type=content_types[model],
            object_id=str(pk),
            db=db,
            format="json",
            serialized_data=json.dumps([item], cls=DjangoJSONEncoder),
            object_repr=text[:191],
        )
        for ((model, pk), (_, text)), item in zip(rows.items(), data, strict=True)
    ]
    Version.objects.using(db).bulk_create(versions)
    return revision
