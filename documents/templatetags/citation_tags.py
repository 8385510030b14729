"""Citation metadata on list pages: a COinS span per result, so a reference manager's
browser connector offers to save the whole page's documents at once."""

from django import template

from documents.citations import zotero_item_type
from documents.citations.coins import authors_by_document, coins_context

register = template.Library()


@register.simple_tag(takes_context=True)
def with_coins(context, documents):
    """The documents, each with `.coins` (its OpenURL ContextObject); one query for all
    their authors."""
    rows = list(documents)
    authors = authors_by_document(rows)
    request = context.get("request")
    for doc in rows:
        permalink = request.build_absolute_uri(doc.get_absolute_url()) if request else ""
        doc.coins = coins_context(doc, permalink, authors[doc.pk], zotero_item_type(doc))
    return rows
