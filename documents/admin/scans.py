"""Scans inline for the document admin: upload, caption and order a document's scans.

The form checks each upload with `documents.services.scans.check_upload` (so a bad file is a form
error, not a broken page) and stores the thumbnail made during that check.
"""

import copy

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.html import format_html

from archive.curation.history import restore_in_progress
from documents.admin import kept_uploads
from documents.models import Scan
from documents.services import scans
from documents.services.publication import needs_approval


class KeptFileInput(forms.ClearableFileInput):
    """The file input, saying which file a refused form kept for this row."""

    kept = ""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept:
            return html
        note = format_html(
            '<span class="scan-kept">Kept: {} (choose a file only to replace it)</span>',
            self.kept,
        )
        return format_html("{}{}", html, note)


class ScanForm(forms.ModelForm):
    kept_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Scan
        fields = ["file", "caption", "position", "kept_upload"]
        widgets = {"file": KeptFileInput(attrs={"accept": scans.ACCEPT})}
        help_texts = {
            "file": "A JPEG, PNG, TIFF or WebP image, or a PDF, of at most "
            f"{scans.max_upload_bytes() // 1024 // 1024} MB."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked = None
        self._kept_token = ""
        self.fields["file"].widget = copy.copy(self.fields["file"].widget)
        if self.is_bound:
            self._take_kept_upload()

    def _take_kept_upload(self):
        """A row whose file was kept from a refused submission gets it back as its upload."""
        token = self.data.get(self.add_prefix("kept_upload"), "")
        key = self.add_prefix("file")
        if not token or self.files.get(key):
            return
        upload = kept_uploads.reopen(token)
        if upload is None:
            self.data = self.data.copy()
            self.data[self.add_prefix("kept_upload")] = ""
            return
        self.files = self.files.copy()
        self.files[key] = upload
        self._kept_token = token

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            self._checked = scans.check_upload(upload)
            if not self._kept_token:
                self._kept_token = kept_uploads.keep(upload)
        return upload

    def clean(self):
        """Kept or not, the row carries its token into a refused form's next rendering."""
        cleaned = super().clean()
        if self._kept_token:
            self.data = self.data.copy()
            self.data[self.add_prefix("kept_upload")] = self._kept_token
            self.fields["file"].widget.kept = kept_uploads.kept_name(self._kept_token)
        return cleaned

    def save(self, commit=True):
        scan = super().save(commit=commit)
        if self._kept_token:
            token = self._kept_token
            transaction.on_commit(lambda: kept_uploads.forget(token))
        return scan

    def _save_m2m(self):
        # Runs after the scan row is saved, on both `save()` and `save(commit=False)` +
        # `save_m2m()`, so the thumbnail is stored whichever way the admin saves the formset.
        super()._save_m2m()
        if self._checked is not None:
            scans.store_thumbnail(self.instance, self._checked)
            self._checked = None


class ScanInline(admin.TabularInline):
    model = Scan
    form = ScanForm
    extra = 0
    fields = ["preview", "file", "caption", "position", "kept_upload"]
    readonly_fields = ["preview"]
    ordering = ["position", "pk"]

    def _proposing(self, request, obj) -> bool:
        """Scans of a published document are changed by editors: a pending revision holds
        field and link changes, not files."""
        if obj is None or obj.pk is None:
            return False
        restore = restore_in_progress(obj)  # the row holds the restored version meanwhile
        if restore is not None:
            return restore.before is not None and needs_approval(
                restore.before.status, request.user
            )
        return needs_approval(obj.status, request.user)

    def has_add_permission(self, request, obj=None):
        return not self._proposing(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._proposing(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._proposing(request, obj) and super().has_delete_permission(request, obj)

    @admin.display(description="Preview")
    def preview(self, obj):
        if obj is None or not obj.pk or not obj.file:
            return "—"
        if obj.thumbnail:
            return format_html(
                '<a href="{}"><img src="{}" alt="Open {}" width="100"></a>',
                obj.get_file_url(),
                obj.get_thumbnail_url(),
                obj.caption or obj.file.name,
            )
        label = "PDF" if scans.is_pdf(obj.file.name) else "File"
        return format_html('<a href="{}">{}</a>', obj.get_file_url(), label)
