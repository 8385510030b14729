"""Pending revisions in the admin: the list of changes to published documents awaiting
approval, and the review page — the diff between the live and the proposed version, with
Approve, Approve and edit further, and Return with a comment (documents.services.pending)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from archive.curation.locking import VersionConflict
from documents.models import PendingRevision
from documents.services.pending import pending_approve, pending_diff, pending_return
from documents.services.publication import can_edit, can_publish


@admin.register(PendingRevision)
class PendingRevisionAdmin(admin.ModelAdmin):
    list_display = ["document", "author", "created_at", "state", "note"]
    list_display_links = ["document"]
    list_filter = ["state"]
    list_select_related = ["document", "author"]
    search_fields = ["document__title", "note"]
    ordering = ["-created_at"]
    date_hierarchy = None

    # Written only by the services: seen by everyone who edits documents, decided by editors.
    def has_view_permission(self, request, obj=None):
        return can_edit(request.user)

    def has_module_permission(self, request):
        return can_edit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        pending = (
            PendingRevision.objects.select_related("document", "author", "reviewer")
            .filter(pk=unquote(object_id))
            .first()
        )
        if pending is None:
            raise Http404("No such pending revision.")
        error = ""
        if request.method == "POST":
            done, error = self._decide(request, pending)
            if done is not None:
                return done
        try:
            changes = pending_diff(pending)
        except ValueError:
            changes = []
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change to “{pending.document}” for approval",
            "opts": self.opts,
            "pending": pending,
            "changes": changes,
            "before_label": "Published now",
            "after_label": "Proposed",
            "may_decide": can_publish(request.user) and pending.state == pending.State.OPEN,
            "document_url": reverse("admin:documents_document_change", args=[pending.document_id]),
            "error": error,
            "moved_on": pending.document.version != pending.base_version,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/documents/pending_review.html", context)

    def _decide(self, request, pending):
        """Approve, approve and edit, or return; (redirect or None, error text)."""
        action = request.POST.get("decision", "")
        comment = request.POST.get("comment", "").strip()
        try:
            if action in ("approve", "approve_edit"):
                pending_approve(pending=pending, user=request.user, comment=comment)
                messages.success(
                    request, f"Approved: readers now see the change to “{pending.document}”."
                )
                target = reverse("admin:documents_document_change", args=[pending.document_id])
                if action == "approve":
                    target = (
                        reverse("admin:documents_pendingrevision_changelist") + "?state__exact=open"
                    )
                return HttpResponseRedirect(target), ""
            if action == "return":
                pending_return(pending=pending, user=request.user, comment=comment)
                messages.success(
                    request, f"Returned to {pending.author or 'its author'} with your comment."
                )
                return HttpResponseRedirect(
                    reverse("admin:documents_pendingrevision_changelist") + "?state__exact=open"
                ), ""
        except PermissionDenied as exc:
            return None, str(exc) or "Not allowed."
        except (ValidationError, VersionConflict) as exc:
            return None, " ".join(getattr(exc, "messages", [str(exc)]))
        return None, "Choose Approve or Return."
