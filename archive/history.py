"""Change history with field-level diffs, revert and recovery, on django-reversion.

Every curated model's admin class includes `HistoryAdminMixin`. Which models are versioned, and
which related rows travel with them (a document's people, places, subjects, scans), is declared
once per app in a `history_registration` module with `register()` below; the mixin loads those
modules before reversion's admin would auto-register anything.

Diffs are computed from `Version.field_dict` (and the versions of followed rows stored in the
same revision), so what the page shows is exactly what a revert would restore.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import _get_options

from archive.locking import lock_field_name

EMPTY = "—"
# Bookkeeping columns that change on every save and say nothing to a curator.
NOISE_FIELDS = frozenset({"version", "updated_at", "created_at", "entity_text", "search_vector"})
LONG_TEXT = 120

_relation_labels: dict[tuple[str, str], dict[str, str]] = {}


# Registration ------------------------------------------------------------------------------


def register(model, *, follow: dict[str, str] | None = None, exclude=()):
    """Version `model` (idempotent). `follow` maps reverse relations whose rows are stored and
    restored with each version (e.g. a document's person links) to the label the diff shows."""
    follow = follow or {}
    _relation_labels[_key(model)] = dict(follow)
    if not reversion.is_registered(model):
        reversion.register(model, follow=tuple(follow), exclude=tuple(exclude))


def ensure_registered() -> None:
    """Import every app's `history_registration` module (once; imports are cached)."""
    autodiscover_modules("history_registration")


def _key(model) -> tuple[str, str]:
    return (model._meta.app_label, model._meta.model_name)


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


def versions_for(model, object_id):
    """All versions of one object, oldest first, with who saved them."""
    return (
        Version.objects.get_for_object_reference(model, str(object_id))
        .select_related("revision", "revision__user")
        .order_by("pk")
    )


def _follow_relations(model) -> list[tuple[str, type, str]]:
    """(relation name, related model, attname of its key to `model`) for followed relations."""
    relations = []
    if not reversion.is_registered(model):
        return relations
    for name in _get_options(model).follow:
        try:
            rel = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a follow that is not a field (a property) is skipped
            continue
        if getattr(rel, "one_to_many", False) and rel.related_model is not None:
            relations.append((name, rel.related_model, rel.field.attname))
    return relations


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


def _row_key(data: dict, fk_attname: str, pk_name: str) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in data.items() if k not in (pk_name, fk_attname)))


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
        pk_name = related._meta.pk.attname
        old_rows = {_row_key(d, fk, pk_name): d for d in old_links.get(name, [])}
        new_rows = {_row_key(d, fk, pk_name): d for d in new_links.get(name, [])}
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


def ensure_baseline(obj) -> None:
    """Give a record that has no history yet (imported, loaded from a fixture) a first version
    of its state before the change about to be made, so that change can be seen and undone.
    Must run outside any open revision (it would merge into it)."""
    model = type(obj)
    if obj.pk is None or reversion.is_active() or not reversion.is_registered(model):
        return
    if versions_for(model, obj.pk).exists():
        return
    saved = model._base_manager.filter(pk=obj.pk).first()
    if saved is None:
        return
    with reversion.create_revision():
        reversion.add_to_revision(saved)
        reversion.set_comment("As it was before its first recorded change.")


# Revert outside the admin ------------------------------------------------------------------


def revert_to(version: Version, user=None, comment: str = "") -> None:
    """Restore the object of `version` (and the rows that travel with it) as recorded there,
    as a new revision by `user`. The optimistic-lock counter moves forward, never back, so a
    form opened before the revert cannot overwrite it."""
    model = version._model
    lock = lock_field_name(model)
    with transaction.atomic(using=router.db_for_write(model)), reversion.create_revision():
        current = None
        if lock:
            current = (
                model._base_manager.select_for_update()
                .filter(pk=version.object_id)
                .values_list(lock, flat=True)
                .first()
            )
        _revert_object_only(version)
        obj = model._base_manager.get(pk=version.object_id)
        if lock and current is not None:
            setattr(obj, lock, current + 1)
            model._base_manager.filter(pk=obj.pk).update(**{lock: current + 1})
        reversion.add_to_revision(obj)
        reversion.set_user(user)
        when = formats.localize(template_localtime(version.revision.date_created))
        reversion.set_comment(comment or f"Reverted to the version saved on {when}.")


def _revert_object_only(version: Version) -> None:
    """Revert this object's own version and its followed rows, not every object that happened
    to share the revision (a bulk action may have saved many documents together)."""
    model = version._model
    revision = version.revision
    relations = _follow_relations(model)
    keep = [version]
    if relations:
        from django.contrib.contenttypes.models import ContentType

        cts = {ContentType.objects.get_for_model(r).pk: fk for _, r, fk in relations}
        for other in revision.version_set.filter(content_type_id__in=cts):
            if str(other.field_dict.get(cts[other.content_type_id])) == str(version.object_id):
                keep.append(other)
        obj = model._base_manager.filter(pk=version.object_id).first()
        if obj is not None:  # delete rows linked now that were not linked then
            wanted = {(o.content_type_id, str(o.object_id)) for o in keep}
            for name, related, _fk in relations:
                ct = ContentType.objects.get_for_model(related).pk
                for row in getattr(obj, name).all():
                    if (ct, str(row.pk)) not in wanted:
                        row.delete()
    for item in keep:
        item.revert()


# Admin -------------------------------------------------------------------------------------


def restoring(request, obj) -> tuple[bool, object | None]:
    """(True, the object as it was before) while this request reverts or recovers `obj`;
    the previous state is None for a recovery. Other mixins use it to judge a restore by what
    it changes, not by the already-restored row."""
    state = getattr(request, "_history_restore", None)
    if obj is None or state is None or state[0] != (type(obj)._meta.label, str(obj.pk)):
        return False, None
    return True, state[1]


class HistoryAdminMixin(VersionAdmin):
    """History list with what each save changed, a field-level diff page per version,
    revert, and recovery of deleted records (reversion's `VersionAdmin`).

    Admin edits are recorded by VersionAdmin with their author. An admin action that records
    its own revisions (one per record, so reverting one never reverts the rest) marks its
    function `records_history = True`; the changelist then does not wrap it in one shared
    revision. Deletions are snapshotted first, so anything deleted here can be recovered."""

    object_history_template = "admin/history/object_history.html"
    revision_form_template = "admin/history/revision_form.html"
    recover_form_template = "admin/history/recover_form.html"
    history_per_page = 50

    def __init__(self, *args, **kwargs):
        ensure_registered()  # before VersionAdmin would auto-register without follows
        super().__init__(*args, **kwargs)

    @property
    def change_list_template(self):
        """VersionAdmin's template (it adds “Recover deleted …”) unless a class later in the
        MRO (another mixin) names its own; a class attribute on the admin itself still wins."""
        for klass in type(self).__mro__:
            if klass in (HistoryAdminMixin, VersionAdmin):
                continue
            value = vars(klass).get("change_list_template")
            if value and not isinstance(value, property):
                return value
        return VersionAdmin.change_list_template

    def get_version_ordering(self, request):
        return ("-pk",)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.history_changes_view),
                name="{}_{}_history_changes".format(*info),
            ),
        ]
        return urls + super().get_urls()

    # The history list ----------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        newest_first = versions_for(self.model, object_id).order_by("-pk")
        paginator = Paginator(newest_first, self.history_per_page)
        page = paginator.get_page(request.GET.get("p"))  # odd or huge numbers: first or last
        shown = list(page.object_list)
        # One more (the version before the oldest shown) to say what that one changed.
        before = list(newest_first.filter(pk__lt=shown[-1].pk)[:1]) if shown else []
        labels = changed_labels(self.model, object_id, before + shown[::-1])
        info = self.opts.app_label, self.opts.model_name
        site = self.admin_site.name
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "is_first": not before and version is shown[-1],
                "changed": labels.get(version.pk, []),
                "changes_url": reverse(
                    f"{site}:{info[0]}_{info[1]}_history_changes",
                    args=(quote(object_id), version.pk),
                ),
                "revert_url": reverse(
                    f"{site}:{info[0]}_{info[1]}_revision", args=(quote(object_id), version.pk)
                ),
            }
            for version in shown
        ]
        context = {
            "history_rows": rows,
            "history_page": page,
            "history_paginator": paginator,
            "action_list": rows,
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).history_view(request, quote(object_id), context)

    # The diff page ---------------------------------------------------------------------------

    def history_changes_view(self, request, object_id, version_id, extra_context=None):
        """What one saved version changed, field by field, compared with the version before."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        versions = versions_for(self.model, object_id)
        version = get_object_or_404(versions, pk=version_id)
        previous = versions.filter(pk__lt=version.pk).order_by("-pk").first()
        later = versions.filter(pk__gt=version.pk).first()
        obj = self.model._base_manager.filter(pk=object_id).first()
        if obj is None and not self.has_add_permission(request):
            raise Http404
        info = self.opts.app_label, self.opts.model_name
        site = self.admin_site.name

        def changes_url(v):
            if v is None:
                return ""
            return reverse(f"{site}:%s_%s_history_changes" % info, args=(quote(object_id), v.pk))

        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes: {version.object_repr}",
            "subtitle": None,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "object": obj,
            "object_id": object_id,
            "version": version,
            "revision": version.revision,
            "previous": previous,
            "changes": changes_between(previous, version),
            "previous_url": changes_url(previous),
            "later_url": changes_url(later),
            "revert_url": reverse(
                f"{site}:%s_%s_revision" % info, args=(quote(object_id), version.pk)
            )
            if obj is not None
            else "",
            "history_url": reverse(f"{site}:%s_%s_history" % info, args=(quote(object_id),))
            if obj is not None
            else "",
            "can_revert": obj is not None and self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = site
        return TemplateResponse(request, "admin/history/changes.html", context)

    # Revert and recover ------------------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reversion's revert form, headed by what reverting would change. The object as it was
        is remembered (see `restoring`) and its lock counter is carried forward, not back."""
        pk = unquote(object_id)
        version = get_object_or_404(versions_for(self.model, pk), pk=version_id)
        with transaction.atomic(using=router.db_for_write(self.model)):
            current = self.model._base_manager.select_for_update().filter(pk=pk).first()
            if current is None:
                raise Http404
            request._history_restore = ((self.model._meta.label, str(pk)), current)
            latest = versions_for(self.model, pk).order_by("-pk").first()
            context = {
                "history_revert_changes": changes_between(latest, version),
                "history_version": version,
                **(extra_context or {}),
            }
            return super().revision_view(request, object_id, version_id, context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        request._history_restore = ((self.model._meta.label, str(version.object_id)), None)
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        is_restore, before = (
            restoring(request, self.model(pk=unquote(object_id))) if object_id else (False, None)
        )
        lock = lock_field_name(self.model)
        if is_restore and before is not None and lock:
            # The revert just wrote the old counter back; keep the current one so the form is
            # checked against the record as it stands (and a stale form elsewhere still loses).
            self.model._base_manager.filter(pk=before.pk).update(**{lock: getattr(before, lock)})
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if is_restore and request.method == "POST" and response.status_code == 302:
            messages.info(request, "Restored. The history keeps the version it replaced.")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.model._base_manager.filter(pk=unquote(object_id)).first()
            if obj is not None:
                ensure_baseline(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    # Deletions and self-recording actions --------------------------------------------------

    def _snapshot(self, request, objs, comment):
        """Record objects in their own revisions just before they are deleted, so that even a
        record never edited here can be recovered (reversion records saves, not deletions)."""
        for obj in objs:
            with reversion.create_revision():
                reversion.add_to_revision(obj)
                reversion.set_user(request.user)
                reversion.set_comment(comment)

    def delete_model(self, request, obj):
        self._snapshot(request, [obj], "Deleted.")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._snapshot(request, list(queryset), "Deleted.")
        super().delete_queryset(request, queryset)

    def _action_records_itself(self, request) -> bool:
        """True for a POST running an action that writes its own revisions (one per record):
        VersionAdmin's single changelist-wide revision would bundle every record together, and
        reverting one of them would then revert all."""
        if request.method != "POST" or "action" not in request.POST:
            return False
        names = request.POST.getlist("action")
        try:
            name = names[int(request.POST.get("index", 0) or 0)]
        except (ValueError, IndexError):
            return False
        if name == "delete_selected":
            return True
        action = self.get_actions(request).get(name)
        return bool(action and getattr(action[0], "records_history", False))

    def changelist_view(self, request, extra_context=None):
        if self._action_records_itself(request):
            context = {"has_change_permission": self.has_change_permission(request)}
            context.update(extra_context or {})
            return super(VersionAdmin, self).changelist_view(request, context)
        return super().changelist_view(request, extra_context)


__all__ = [
    "Change",
    "HistoryAdminMixin",
    "changes_between",
    "ensure_baseline",
    "ensure_registered",
    "register",
    "restoring",
    "revert_to",
    "versions_for",
]
