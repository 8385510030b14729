"""Creating a record straight from an autocomplete (“Create “L. Beria”…” in the box), with
the same duplicate check as the add form: a likely duplicate is answered with the
candidates, and the record is made only when the curator confirms.

`QuickAddMixin` adds `<model>/quick-add/` (POST `name`, optional `confirm=1`) to an admin.
JSON answers: 201 `{"id", "text"}`; 409 `{"duplicates": [{"id", "text", "url", "matched"}]}`;
400 `{"error"}`; 403 without the add permission. The admin supplies `quick_add_duplicates`
and `quick_add_create`."""

from __future__ import annotations

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

MAX_NAME = 255


class QuickAddMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "quick-add/",
                self.admin_site.admin_view(require_POST(self.quick_add_view)),
                name="{}_{}_quick_add".format(*info),
            ),
            *super().get_urls(),
        ]

    def quick_add_url(self, request) -> str:
        """The address for this user's autocomplete, or "" without the add permission."""
        if not self.has_add_permission(request):
            return ""
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return reverse("{}:{}_{}_quick_add".format(*info))

    def quick_add_duplicates(self, name: str) -> list:
        """Candidates (objects with `.entity`, `.matched`) that may already be `name`."""
        return []

    def quick_add_create(self, request, name: str):
        raise NotImplementedError

    def quick_add_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        name = " ".join(request.POST.get("name", "").split())
        if not name or len(name) > MAX_NAME or "\x00" in name:
            return JsonResponse(
                {"error": f"Give a name of at most {MAX_NAME} characters."}, status=400
            )
        if request.POST.get("confirm") != "1":
            found = self.quick_add_duplicates(name)
            if found:
                return JsonResponse({"duplicates": [self._candidate(c) for c in found]}, status=409)
        try:
            with transaction.atomic():
                obj = self.quick_add_create(request, name)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return JsonResponse({"id": obj.pk, "text": str(obj)}, status=201)

    def _candidate(self, candidate) -> dict:
        entity = candidate.entity
        opts = entity._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[quote(entity.pk)],
        )
        return {"id": entity.pk, "text": str(entity), "url": url, "matched": candidate.matched}
