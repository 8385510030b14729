"""History in the admin: the list of versions with what each changed, a diff page per version,
revert and recovery of deleted records (on reversion's `VersionAdmin`)."""

from __future__ import annotations

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Version

from archive.curation.history import (
    changed_labels,
    changes_between,
    ensure_baseline,
    ensure_registered,
    versions_for,
)
from archive.curation.locking import lock_field_name
from archive.params import int_param, parse_int

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
        # A malformed number is the first page; one past the end, the last (get_page).
        page = paginator.get_page(int_param(request.GET.get("p"), 1))
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
        index = parse_int(request.POST.get("index") or "0", minimum=0)
        if index is None or index >= len(names):
            return False
        name = names[index]
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
