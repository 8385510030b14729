"""Facet values of a list, rendered in Python.

A list page shows eight facets of up to `listing.FACET_LIMIT` values each: through an
`{% include %}` per value, those links were most of the page's rendering time (and
`format_html` per value still a fifth of it). The markup is the one its template had, one
`<li>` per value; labels and addresses are escaped here, counts are integers.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CHECK = '<span class="facet-value__check" aria-hidden="true">✓ </span>'


def _item(value) -> str:
    selected = value.selected
    count = int(value.count)
    return (
        f'<li><a class="facet-value{" is-selected" if selected else ""}" '
        f'href="{escape(value.url)}" rel="nofollow"><span class="facet-value__label">'
        f"{_CHECK if selected else ''}{escape(str(value.label))}</span> "
        f'<span class="facet-value__count">{count}<span class="visually-hidden"> '
        f"document{'' if count == 1 else 's'}"
        f"{'; chosen, select to remove' if selected else ''}</span></span></a></li>"
    )


@register.simple_tag
def facet_values(values) -> SafeString:
    """`<li>` links of `values` (FacetValue: label, count, url, selected), escaped."""
    return mark_safe("".join(_item(value) for value in values))  # noqa: S308 - escaped above
