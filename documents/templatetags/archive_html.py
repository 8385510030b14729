"""Template filters for archivist HTML (full text, original text).

Text is sanitized when written (`documents.services.documents.prepare_document`); `sanitized`
sanitizes again at render time for rows that bypassed the service (fixtures, raw SQL), so
stored HTML is never rendered raw.
"""

from django import template
from django.utils.safestring import mark_safe

from archive.html import html_to_text, sanitize_html

register = template.Library()


@register.filter
def sanitized(value):
    return mark_safe(sanitize_html(value))  # noqa: S308 - the output of nh3 is safe by design


@register.filter
def plain_text(value):
    """One line of plain text (escaped by autoescape as usual), e.g. for meta descriptions."""
    return html_to_text(value)
