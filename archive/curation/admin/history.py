"""History in the admin: the list of versions with what each changed, a diff page per version,
revert and recovery of deleted records (on reversion's `VersionAdmin`)."""

from __future__ import annotations

from contextlib import nullcontext

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from archive.curation.history import (
    Restore,
    changed_labels,
    changes_between,
    ensure_baseline,
    ensure_registered,
    others_in_revision,
    restore_in_progress,
    restoring,
    revert_object,
    versions_for,
)
from archive.curation.locking import lock_field_name
from archive.params import int_param, parse_int

# Admin -------------------------------------------------------------------------------------


class _RolledBack(Exception):
    """Leaves the restore's transaction without keeping it (a preview, or an invalid form)."""

    def __init__(self, response):
        self.response = response


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
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "is_first": not before and version is shown[-1],
                "changed": labels.get(version.pk, []),
                "changes_url": self._history_url("history_changes", object_id, version.pk),
                "revert_url": self._history_url("revision", object_id, version.pk),
            }
            for version in shown
        ]
        self.history_rows(request, object_id, rows)
        context = {
            "history_rows": rows,
            "history_page": page,
            "history_paginator": paginator,
            "action_list": rows,
            **(extra_context or {}),
        }
        if self.model._base_manager.filter(pk=object_id).exists() or not shown:
            return super(VersionAdmin, self).history_view(request, quote(object_id), context)
        return self._deleted_history(request, shown[0], context)

    def _history_url(self, name, object_id, *args):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            f"{self.admin_site.name}:{info[0]}_{info[1]}_{name}", args=(quote(object_id), *args)
        )

    def _deleted_history(self, request, latest, context):
        """The history of a record that no longer exists (deleted, or merged into another):
        its versions stay readable, with what happened to it."""
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {latest.object_repr} (no longer exists)",
            "subtitle": None,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": None,
            "object_repr": latest.object_repr,
            "opts": self.opts,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_rows(self, request, object_id, rows) -> None:
        """Let mixins explain rows a field list cannot (a merge and its undo point): a row may
        get `summary` (shown instead of the changed fields) and `actions` ((label, url)
        pairs). Chained through the MRO like `restore_notes`."""
        later = getattr(super(), "history_rows", None)
        if later:
            later(request, object_id, rows)

    def revert_redirect(self, request, version):
        """Where to send a revert of `version` that a mixin handles itself (None: revert here).
        A merge's undo point is undone by undoing the merge, not by a revert."""
        later = getattr(super(), "revert_redirect", None)
        return later(request, version) if later else None

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
        """The revert form, headed by what reverting would change and by what it will not
        (other records of the same revision; anything a mixin's `restore_notes` reports)."""
        pk = unquote(object_id)
        version = get_object_or_404(versions_for(self.model, pk), pk=version_id)
        elsewhere = self.revert_redirect(request, version)
        if elsewhere:
            return redirect(elsewhere)
        latest = versions_for(self.model, pk).order_by("-pk").first()
        context = {
            "title": f"Revert {version.object_repr}",
            "revert": True,
            "history_revert_changes": changes_between(latest, version),
            "history_version": version,
            **(extra_context or {}),
        }
        return self._restore_view(request, version, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version, pk=version_id)
        if version._model._meta.concrete_model is not self.model._meta.concrete_model:
            raise Http404
        context = {"title": f"Recover {version.object_repr}", "recover": True}
        return self._restore_view(
            request, version, self.recover_form_template, {**context, **(extra_context or {})}
        )

    def restore_notes(self, request, restore: Restore, obj) -> list[str]:
        """What restoring `obj` (already restored in memory) will not bring back for this user,
        shown on the revert and recover pages. Mixins anywhere in the MRO add theirs by
        defining `restore_notes` and chaining the same way (the workflow: a status the user
        may not set)."""
        later = getattr(super(), "restore_notes", None)
        return list(later(request, restore, obj)) if later else []

    def _restore_view(self, request, version, template, context):
        """Restore the version's object (with its followed rows, never the other records of
        its revision), then run the change form on it: a GET shows it and rolls back, a valid
        POST keeps it. The object as it was is published as a `Restore` for the other mixins,
        and its lock counter is carried forward, not back."""
        model = self.model
        muted = mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
        try:
            with transaction.atomic(using=router.db_for_write(model)):
                with muted if request.method == "GET" else nullcontext():
                    before = (
                        model._base_manager.select_for_update().filter(pk=version.object_id).first()
                    )
                    if before is None and not context.get("recover"):
                        raise Http404
                    revert_object(version)
                    others, count = others_in_revision(version)
                    restore = Restore(version, before, tuple(others), count)
                    obj = model._base_manager.get(pk=version.object_id)
                    context["history_restore"] = restore
                    context["history_restore_notes"] = self.restore_notes(request, restore, obj)
                    with restoring(restore), self.create_revision(request):
                        response = self.changeform_view(
                            request, quote(version.object_id), request.path, context
                        )
                        if request.method == "POST" and response.status_code == 302:
                            when = formats.localize(
                                template_localtime(version.revision.date_created)
                            )
                            reversion.set_comment(f"Reverted to the version saved on {when}.")
                            return response
                        if response.status_code != 200:
                            raise Http404
                        response.template_name = template
                        response.render()
                        raise _RolledBack(response)
        except _RolledBack as rolled_back:
            return rolled_back.response
        except (RevertError, models.ProtectedError) as exc:
            messages.error(request, str(exc))
            info = self.opts.app_label, self.opts.model_name
            return redirect(f"{self.admin_site.name}:{info[0]}_{info[1]}_changelist")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        restore = restore_in_progress(self.model(pk=unquote(object_id))) if object_id else None
        lock = lock_field_name(self.model)
        if restore is not None and restore.before is not None and lock:
            # The revert just wrote the old counter back; keep the current one so the form is
            # checked against the record as it stands (and a stale form elsewhere still loses).
            before = restore.before
            self.model._base_manager.filter(pk=before.pk).update(**{lock: getattr(before, lock)})
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if restore is not None and request.method == "POST" and response.status_code == 302:
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
