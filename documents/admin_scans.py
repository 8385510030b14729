"""Scans inline for the document admin. (Curation work fills this in.)"""

from django.contrib import admin

from documents.models import Scan


class ScanInline(admin.TabularInline):
    model = Scan
    extra = 0
    fields = ["position", "file", "caption"]
