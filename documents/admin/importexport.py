"""Bulk import and export in the admin. `DocumentAdmin` includes `ImportExportAdminMixin`.

Import is two steps: upload → dry-run report (row, record number, title, action, messages)
→ confirm → the real, all-or-nothing import. Between the steps the uploaded file waits in
default storage under `imports/<token>.<format>`; the token is remembered in the uploader's
session, so nobody else can confirm it, and files older than a day are swept away on upload.

Export: two actions (selected documents as CSV / JSON) and two changelist links that export
whatever the changelist currently shows (its filters and search), in the importer's layout.
"""

import io
import re
import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from documents.interchange import exporting
from documents.interchange import formats as import_formats
from documents.interchange.importing import UNCHANGED, Importer

SESSION_KEY = "document_imports"
UPLOAD_DIR = "imports"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Larger files list only the rows that would change or are rejected.
FULL_TABLE_ROWS = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV or JSON file in the layout described below (at most 50 MB)."
    )
    format = forms.ChoiceField(
        choices=[("", "From the file name"), ("csv", "CSV"), ("json", "JSON")],
        required=False,
        help_text="Only needed when the file name does not end in .csv or .json.",
    )
    create_repositories = forms.BooleanField(
        required=False,
        label="Create unknown original archives",
        help_text="Otherwise a row naming an archive that is not under Repositories is "
        "rejected, so that a typo does not become a new archive.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB; split it.")
        return upload


def _export_response(queryset, fmt):
    stream = io.StringIO()
    exporting.write(queryset, stream, fmt)
    response = HttpResponse(stream.getvalue(), content_type=exporting.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exporting.filename(fmt)}"'
    return response


def _export_action(fmt):
    def action(modeladmin, request, queryset):
        return _export_response(queryset, fmt)

    action.__name__ = f"export_selected_{fmt}"
    return action


class ImportExportAdminMixin:
    import_template = "admin/documents/import.html"

    # --- URLs and changelist links --------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path("export/", wrap(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        query = request.GET.copy()
        query.pop(ERROR_FLAG, None)
        export_url = reverse("admin:{}_{}_export".format(*info))
        extra = {
            "import_url": reverse("admin:{}_{}_import".format(*info))
            if _may_import(request.user)
            else "",
            "export_urls": [
                (fmt.upper(), f"{export_url}?{_with(query, format=fmt)}") for fmt in ("csv", "json")
            ],
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request):
            for fmt in ("csv", "json"):
                func = _export_action(fmt)
                actions[func.__name__] = (
                    func,
                    func.__name__,
                    f"Export selected documents as {fmt.upper()}",
                )
        return actions

    # --- export -----------------------------------------------------------------------------

    def export_view(self, request):
        """Export what the changelist shows with the same filters and search."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        fmt = request.GET.get("format", "csv")
        if fmt not in exporting.FORMATS:
            return HttpResponseBadRequest("Unknown export format: use csv or json.")
        request.GET = request.GET.copy()
        request.GET.pop("format", None)
        from django.contrib.admin.options import IncorrectLookupParameters

        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("These filters are not valid for documents.")
        return _export_response(changelist.get_queryset(request), fmt)

    # --- import -----------------------------------------------------------------------------

    def import_view(self, request):
        if not _may_import(request.user):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm_import(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            fmt = form.cleaned_data["format"] or import_formats.guess_format(upload.name, content)
            try:
                parsed = import_formats.parse(content, fmt)
            except import_formats.FormatError as exc:
                form.add_error("file", str(exc))
            else:
                options = {"create_repositories": form.cleaned_data["create_repositories"]}
                report = self._importer(request, parsed, options, dry_run=True).run()
                token = self._keep(request, content, fmt, upload.name, options)
                return self._render(request, form=None, report=report, token=token)
        return self._render(request, form=form)

    def _confirm_import(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.get(token) if TOKEN_RE.match(token) else None
        storage_name = f"{UPLOAD_DIR}/{token}.{entry['format']}" if entry else ""
        if not entry or not default_storage.exists(storage_name):
            messages.error(request, "That upload has expired or is not yours; upload it again.")
            return redirect(request.path)
        with default_storage.open(storage_name, "rb") as stored:
            content = stored.read()
        self._forget(request, token, storage_name)
        try:
            parsed = import_formats.parse(content, entry["format"])
        except import_formats.FormatError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        importer = self._importer(request, parsed, entry["options"], dry_run=False)
        importer.comment = f"Imported from {entry['name']}."
        report = importer.run()
        if report.written:
            messages.success(request, f"Imported {entry['name']}: {report.summary()}")
            info = self.opts.app_label, self.opts.model_name
            return redirect(reverse("admin:{}_{}_changelist".format(*info)))
        return self._render(request, form=None, report=report, token="")

    def _importer(self, request, parsed, options, dry_run):
        return Importer(
            parsed,
            dry_run=dry_run,
            create_repositories=bool(options.get("create_repositories")),
            allow_publish=request.user.has_perm("documents.publish_document"),
            user=request.user,
        )

    def _keep(self, request, content, fmt, name, options):
        """Store the upload for the confirm step; returns its token."""
        _sweep_old_uploads()
        token = secrets.token_urlsafe(24)
        default_storage.save(f"{UPLOAD_DIR}/{token}.{fmt}", ContentFile(content))
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending[token] = {"format": fmt, "name": name, "options": options}
        request.session[SESSION_KEY] = pending
        return token

    def _forget(self, request, token, storage_name):
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        default_storage.delete(storage_name)

    def _render(self, request, form, report=None, token=""):
        rows = report.rows if report else []
        hidden = 0
        if len(rows) > FULL_TABLE_ROWS:
            shown = [r for r in rows if r.action != UNCHANGED]
            hidden, rows = len(rows) - len(shown), shown
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import documents",
            "form": form,
            "report": report,
            "rows": rows,
            "hidden_unchanged": hidden,
            "token": token if report and report.ok and report.has_changes else "",
            "layout": import_formats.__doc__,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)


def _may_import(user) -> bool:
    """An import both creates and updates documents, so it needs both permissions."""
    return user.has_perms(["documents.add_document", "documents.change_document"])


def _with(query, **params):
    query = query.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


def _sweep_old_uploads():
    """Delete uploads abandoned before confirmation (older than a day)."""
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - timedelta(days=1)
    for name in files:
        try:
            if default_storage.get_modified_time(f"{UPLOAD_DIR}/{name}") < cutoff:
                default_storage.delete(f"{UPLOAD_DIR}/{name}")
        except (OSError, NotImplementedError):
            continue
