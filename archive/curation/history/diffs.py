"""Field-level diffs between versions, from `Version.field_dict` and the followed rows stored
in the same revision: what the page shows is exactly what a revert would restore."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from reversion.models import Version

from archive.curation.history.registration import (
    EMPTY,
    LONG_TEXT,
    NOISE_FIELDS,
    _follow_relations,
    _key,
    _relation_labels,
    versions_for,
)
from archive.curation.locking import lock_field_name

# Diffs -------------------------------------------------------------------------------------


@dataclass
class Change:
    """One changed field or relation between two versions, ready to show."""

    name: str
    label: str
    old: str = EMPTY
    new: str = EMPTY
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    text_diff: str = ""  # safe HTML with <del>/<ins>, for long text
    is_relation: bool = False

    @property
    def summary(self) -> str:
        if self.removed or self.added:
            parts = []
            if self.added:
                parts.append("added " + "; ".join(self.added))
            if self.removed:
                parts.append("removed " + "; ".join(self.removed))
            return ", ".join(parts)
        return f"“{_short(self.old)}” → “{_short(self.new)}”"


def _short(text: str, limit: int = LONG_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link_versions(model, object_id, revision_ids) -> dict[int, dict[str, list[dict]]]:
    """For each revision: followed relation name -> field dicts of its rows for this object.
    One query for all revisions."""
    relations = _follow_relations(model)
    result: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    if not relations or not revision_ids:
        return result
    from django.contrib.contenttypes.models import ContentType

    by_ct = {
        ContentType.objects.get_for_model(related).pk: (name, fk) for name, related, fk in relations
    }
    rows = Version.objects.filter(revision_id__in=list(revision_ids), content_type_id__in=by_ct)
    for version in rows.order_by("pk"):
        name, fk = by_ct[version.content_type_id]
        data = version.field_dict
        if str(data.get(fk)) == str(object_id):
            result[version.revision_id][name].append(data)
    return result


class _Resolver:
    """Turns stored values into words, fetching related names in one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[type, dict] = {}

    def want(self, model, pks):
        for pk in pks:
            if pk not in (None, ""):
                self.wanted[model].add(pk)

    def fetch(self):
        for model, pks in self.wanted.items():
            try:
                objs = model._base_manager.in_bulk(list(pks))
            except (ValueError, TypeError):
                objs = {}
            self.found[model] = {str(k): v for k, v in objs.items()}

    def name(self, model, pk) -> str:
        if pk in (None, ""):
            return EMPTY
        obj = self.found.get(model, {}).get(str(pk))
        return str(obj) if obj is not None else f"#{pk} (deleted)"


def _fields_by_attname(model) -> dict[str, models.Field]:
    opts = model._meta
    fields = {f.attname: f for f in opts.concrete_fields}
    fields.update(
        {f.attname: f for f in opts.many_to_many if isinstance(f, models.ManyToManyField)}
    )
    return fields


def _want_field(resolver: _Resolver, fld, value):
    if fld.many_to_many:
        resolver.want(fld.related_model, value or [])
    elif fld.is_relation and fld.related_model is not None:
        resolver.want(fld.related_model, [value])


def _display(resolver: _Resolver, fld, value) -> str:
    if fld.many_to_many:
        names = sorted(resolver.name(fld.related_model, pk) for pk in value or [])
        return ", ".join(names) or EMPTY
    if fld.is_relation and fld.related_model is not None:
        return resolver.name(fld.related_model, value)
    if value is None or value == "":
        return EMPTY
    if fld.choices:
        return str(dict(fld.flatchoices).get(value, value))
    if isinstance(fld, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(fld, models.DateTimeField):
        return formats.localize(template_localtime(value))
    if isinstance(fld, models.FileField):
        return str(getattr(value, "name", value))
    return str(formats.localize(value) if not isinstance(value, str) else value)


def _link_label(resolver: _Resolver, related_model, fk_attname: str, data: dict) -> str:
    """“Lavrentiy Beria (Author, uncertain)”: the row's targets first, then its qualities."""
    primary, secondary = [], []
    for fld in related_model._meta.concrete_fields:
        if fld.primary_key or fld.attname == fk_attname or not fld.editable:
            continue
        if isinstance(fld, models.DateTimeField) and (fld.auto_now or fld.auto_now_add):
            continue
        value = data.get(fld.attname)
        if fld.is_relation or isinstance(fld, models.FileField):
            primary.append(_display(resolver, fld, value))
        elif isinstance(fld, models.BooleanField):
            if value:
                secondary.append(str(fld.verbose_name))
        elif value not in (None, ""):
            text = _display(resolver, fld, value)
            if isinstance(fld, models.IntegerField):
                text = f"{fld.verbose_name} {text}"
            secondary.append(text)
    label = ", ".join(primary) or EMPTY
    return f"{label} ({', '.join(secondary)})" if secondary else label


def _shown_attnames(related_model, fk_attname: str) -> frozenset[str]:
    """The columns of a followed row that a curator sets (and `_link_label` shows): not its
    key, not bookkeeping such as timestamps or dimensions measured later."""
    return frozenset(
        fld.attname
        for fld in related_model._meta.concrete_fields
        if not fld.primary_key
        and fld.attname != fk_attname
        and fld.editable
        and not getattr(fld, "auto_now", False)
        and not getattr(fld, "auto_now_add", False)
    )


def _row_key(data: dict, shown: frozenset[str]) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in data.items() if k in shown))


def _text_diff(old: str, new: str) -> str:
    """Word-level diff as safe HTML: unchanged words plain, removed <del>, added <ins>."""
    a, b = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BLOCK_END = re.compile(r"(</(p|li|h[1-6]|tr|blockquote|div)>|<br\s*/?>)", re.IGNORECASE)


def _readable(text: str) -> str:
    """Limited-HTML text as a reader sees it: tags dropped, one line per paragraph."""
    import html

    from django.utils.html import strip_tags

    lines = html.unescape(strip_tags(_BLOCK_END.sub("\n", text))).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def _long_text_diff(old: str, new: str) -> str:
    """Diff HTML fields by their visible text (unless only the markup changed)."""
    if _TAG.search(old) or _TAG.search(new):
        readable_old, readable_new = _readable(old), _readable(new)
        if readable_old != readable_new:
            return _text_diff(readable_old, readable_new)
    return _text_diff(old, new)


def _raw_changes(model, old: dict | None, new: dict, old_links: dict, new_links: dict):
    """What differs, without any database access: (field, old, new) and relation row deltas."""
    fields = _fields_by_attname(model)
    field_changes = []
    for attname, value in new.items():
        fld = fields.get(attname)
        if fld is None or fld.name in NOISE_FIELDS or fld.primary_key:
            continue
        before = None if old is None else old.get(attname)
        if fld.many_to_many:
            same = sorted(map(str, before or [])) == sorted(map(str, value or []))
        else:
            same = before == value or (before in (None, "") and value in (None, ""))
        if not same:
            field_changes.append((fld, before, value))
    relation_changes = []
    for name, related, fk in _follow_relations(model):
        shown = _shown_attnames(related, fk)
        old_rows = {_row_key(d, shown): d for d in old_links.get(name, [])}
        new_rows = {_row_key(d, shown): d for d in new_links.get(name, [])}
        removed = [old_rows[k] for k in old_rows if k not in new_rows]
        added = [new_rows[k] for k in new_rows if k not in old_rows]
        if removed or added:
            relation_changes.append((name, related, fk, removed, added))
    return field_changes, relation_changes


def _render_changes(model, field_changes, relation_changes) -> list[Change]:
    resolver = _Resolver()
    for fld, before, after in field_changes:
        _want_field(resolver, fld, before)
        _want_field(resolver, fld, after)
    for _name, related, fk, removed, added in relation_changes:
        for fld in related._meta.concrete_fields:
            if fld.is_relation and fld.attname != fk:
                resolver.want(fld.related_model, [d.get(fld.attname) for d in removed + added])
    resolver.fetch()
    labels = _relation_labels.get(_key(model), {})
    changes = []
    for fld, before, after in field_changes:
        change = Change(
            name=fld.name,
            label=capfirst(str(fld.verbose_name)),
            old=_display(resolver, fld, before),
            new=_display(resolver, fld, after),
        )
        if fld.many_to_many:
            old_set, new_set = set(map(str, before or [])), set(map(str, after or []))
            change.removed = sorted(
                resolver.name(fld.related_model, pk) for pk in old_set - new_set
            )
            change.added = sorted(resolver.name(fld.related_model, pk) for pk in new_set - old_set)
        elif isinstance(fld, models.TextField) or max(len(change.old), len(change.new)) > LONG_TEXT:
            if before and after:
                change.text_diff = _long_text_diff(str(before), str(after))
        changes.append(change)
    for name, related, fk, removed, added in relation_changes:
        changes.append(
            Change(
                name=name,
                label=labels.get(name) or capfirst(name.replace("_", " ")),
                removed=[_link_label(resolver, related, fk, d) for d in removed],
                added=[_link_label(resolver, related, fk, d) for d in added],
                is_relation=True,
            )
        )
    return changes


def changes_between(old: Version | None, new: Version) -> list[Change]:
    """Field-level changes from version `old` (None: nothing before) to `new`, links included."""
    model = new._model
    links = _link_versions(model, new.object_id, {v.revision_id for v in (old, new) if v})
    field_changes, relation_changes = _raw_changes(
        model,
        old.field_dict if old else None,
        new.field_dict,
        links.get(old.revision_id, {}) if old else {},
        links.get(new.revision_id, {}),
    )
    return _render_changes(model, field_changes, relation_changes)


def changes_between_states(
    model, old: dict, new: dict, old_links: dict, new_links: dict
) -> list[Change]:
    """Field-level changes between two states that are not (both) stored versions — the live
    record and a proposed change — in the same form as `Version.field_dict` (attname ->
    value) and followed rows (relation name -> list of row field dicts)."""
    return _render_changes(model, *_raw_changes(model, old, new, old_links, new_links))


def changed_labels(model, object_id, versions: list[Version]) -> dict[int, list[str]]:
    """Version pk -> labels of what it changed relative to the version before it (the list is
    oldest first). Two queries however long the list; no names are looked up."""
    links = _link_versions(model, object_id, {v.revision_id for v in versions})
    fields_labels = {}
    relation_labels = _relation_labels.get(_key(model), {})
    previous = None
    for version in versions:
        field_changes, relation_changes = _raw_changes(
            model,
            previous.field_dict if previous else None,
            version.field_dict,
            links.get(previous.revision_id, {}) if previous else {},
            links.get(version.revision_id, {}),
        )
        fields_labels[version.pk] = [capfirst(str(f.verbose_name)) for f, _, _ in field_changes] + [
            relation_labels.get(name) or capfirst(name.replace("_", " "))
            for name, *_ in relation_changes
        ]
        previous = version
    return fields_labels


def version_with_lock_value(model, object_id, lock_value: int, *, limit: int = 200):
    """The newest stored version whose optimistic-lock counter was `lock_value`: what the
    record looked like when a form carrying that counter was opened."""
    name = lock_field_name(model)
    if name is None:
        return None
    for version in versions_for(model, object_id).order_by("-pk")[:limit]:
        if version.field_dict.get(name) == lock_value:
            return version
    return None
