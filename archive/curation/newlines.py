"""Text is stored with Unix newlines, whatever the source.

Browsers submit textareas with CRLF and CSV files may carry it too; stored as-is, every
multi-line field would count as "changed" in history on each save and variants would split
unevenly. One receiver for the archive's own apps keeps the stored form canonical.
"""

from django.db import models
from django.db.models.signals import pre_save

CURATED_APPS = {"people", "documents"}


def normalize_newlines(sender, instance, raw=False, **kwargs):
    if sender._meta.app_label not in CURATED_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.generated:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))


def connect():
    pre_save.connect(normalize_newlines, dispatch_uid="archive_normalize_newlines")
