"""Merge action for duplicate records in the admin, with a confirmation page and an undo.

Admin classes for Person, Organization, Place and Subject include `MergeActionMixin`. It only
extends (`get_actions`, `get_urls`), so it cooperates with the other admin mixins. The work
itself is done by `people.merge`.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from reversion.models import Revision

from people.merge.history import is_undo_point, merge_record
from people.merge.service import (
    SNAPSHOT_PREFIX,
    MergeError,
    merge_entities,
    merge_permission,
    summarize,
)
from people.merge.undo import undo_merge


def counted(n: int, singular: str, plural: str) -> str:
    """“1 link”, “3 links”, “no links”."""
    if n == 0:
        return f"no {plural}"
    return f"{n} {singular if n == 1 else plural}"


class MergeActionMixin:
    """Adds “Merge selected …” to the changelist for users with the model's merge permission."""

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm(merge_permission(self.model)) and self.has_change_permission(
            request
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_merge_permission(request) and "_popup" not in request.GET:
            actions["merge_selected"] = (
                MergeActionMixin.merge_selected,
                "merge_selected",
                "Merge selected %(verbose_name_plural)s",
            )
        return actions

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "merge/undo/<int:revision_id>/",
                self.admin_site.admin_view(self.merge_undo_view),
                name="{}_{}_merge_undo".format(*info),
            ),
            *super().get_urls(),
        ]

    def merge_selected(self, request, queryset):
        """The action: show what would move, then merge into the record the user keeps."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        objects = list(queryset)
        opts = self.opts
        if len(objects) < 2:
            self.message_user(
                request,
                f"Select two or more {opts.verbose_name_plural} to merge.",
                messages.WARNING,
            )
            return None
        summaries = summarize(objects)
        error = ""
        if request.POST.get("post") == "yes":
            chosen = request.POST.get("survivor", "")
            survivor = next((o for o in objects if str(o.pk) == chosen), None)
            if survivor is None:
                error = f"Choose the {opts.verbose_name} to keep."
            else:
                try:
                    result = merge_entities(
                        survivor, [o for o in objects if o is not survivor], user=request.user
                    )
                except MergeError as exc:
                    error = str(exc)
                else:
                    self._merge_message(request, result)
                    return HttpResponseRedirect(
                        reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_change",
                            args=[result.survivor.pk],
                            current_app=self.admin_site.name,
                        )
                    )
        busiest = max(summaries, key=lambda s: sum(r.total for r in s.relations))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "summaries": summaries,
            "default_survivor": busiest.obj.pk,
            "error": error,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/merge/confirm.html", context)

    def _merge_message(self, request, result):
        opts = self.opts
        undo_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_merge_undo",
            args=[result.undo_revision.pk],
            current_app=self.admin_site.name,
        )
        moved = counted(sum(result.moved.values()), "link", "links")
        collapsed = counted(sum(result.collapsed.values()), "duplicate link", "duplicate links")
        self.message_user(
            request,
            format_html(
                "Merged {} into “{}”: {} moved, {} collapsed; the old addresses now redirect. "
                '<a href="{}">Undo this merge</a> (also offered in the history).',
                ", ".join(f"“{name}”" for name in result.loser_names),
                result.survivor,
                moved,
                collapsed,
                undo_url,
            ),
            messages.SUCCESS,
        )

    # History -------------------------------------------------------------------------------

    def _merge_undo_url(self, record):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_merge_undo",
            args=[record.undo_point.pk],
        )

    def history_rows(self, request, object_id, rows) -> None:
        """Merge rows say what the merge did, on the survivor and on each merged-away record,
        with “Undo this merge” while it can be undone (see HistoryAdminMixin.history_rows)."""
        later = getattr(super(), "history_rows", None)
        if later:
            later(request, object_id, rows)
        model = self.model._meta.concrete_model
        may_undo = self.has_merge_permission(request)
        for row in rows:
            revision = row["revision"]
            record = merge_record(revision, model)
            if record is None:
                continue
            losers = ", ".join(record.loser_reprs)
            if str(object_id) != str(record.survivor_id):
                row["summary"] = (
                    f"Merged into {record.survivor_repr} by "
                    f"{revision.user or 'unknown'}: {record.moved_text()}."
                )
            elif is_undo_point(revision):
                row["summary"] = (
                    f"As it was before merging {losers} into it (the merge's undo point)."
                )
            else:
                changed = ", ".join(row["changed"]) or "no field"
                row["summary"] = (
                    f"Merged {losers} into {record.survivor_repr}: {record.moved_text()}; "
                    f"changed here: {changed}."
                )
            row["no_revert"] = is_undo_point(revision)
            if record.undoable and may_undo:
                row.setdefault("actions", []).append(
                    ("Undo this merge…", self._merge_undo_url(record))
                )

    def revert_redirect(self, request, version):
        """A merge's undo point is brought back by undoing the merge (which restores the
        merged-away records and their links), never by reverting the survivor alone."""
        later = getattr(super(), "revert_redirect", None)
        target = later(request, version) if later else None
        if target or not is_undo_point(version.revision):
            return target
        record = merge_record(version.revision, self.model._meta.concrete_model)
        if record is None:
            return None
        if not record.undoable:
            messages.info(request, "This merge has already been undone.")
            return self._history_url("history", version.object_id)
        return self._merge_undo_url(record)

    def merge_undo_view(self, request, revision_id):
        """Confirm, then restore the merged-away records and move their links back."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_id)
        first = revision.version_set.order_by("pk").select_related("content_type").first()
        if (
            not revision.comment.startswith(SNAPSHOT_PREFIX)
            or first is None
            or first.content_type.model_class() is not self.model._meta.concrete_model
        ):
            raise Http404("No merge of this kind with that number.")
        opts = self.opts
        restored = list(
            revision.version_set.filter(content_type=first.content_type)
            .exclude(pk=first.pk)
            .order_by("pk")
            .values_list("object_repr", flat=True)
        )
        if request.method == "POST":
            try:
                survivor = undo_merge(revision, user=request.user)
            except MergeError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                names = ", ".join(f"“{name}”" for name in restored)
                self.message_user(
                    request, f"Merge undone: {names} restored, with their links.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change",
                        args=[survivor.pk],
                        current_app=self.admin_site.name,
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Undo merge",
            "opts": opts,
            "revision": revision,
            "survivor_repr": first.object_repr,
            "restored": restored,
            "link_count": revision.version_set.exclude(content_type=first.content_type).count(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/merge/undo_confirm.html", context)
