"""Text is stored with Unix newlines, whatever the source.

Browsers submit textareas with CRLF and CSV files may carry it too; stored as-is, every
multi-line field would count as "changed" in history on each save and variants would split
unevenly. The write services (documents, entities) call `normalize_newlines` on what they
save; the importer's bulk path reads its files through `unix_newlines`.
"""

from django.db import models


def unix_newlines(value):
    """Text with "\\r\\n" and "\\r" as "\\n", in strings nested in lists and dicts too."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [unix_newlines(v) for v in value]
    if isinstance(value, dict):
        return {k: unix_newlines(v) for k, v in value.items()}
    return value


def normalize_newlines(instance) -> None:
    """Give every stored text field of `instance` Unix newlines (in place)."""
    for field in type(instance)._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.generated:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, unix_newlines(value))
