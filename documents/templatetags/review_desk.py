"""`{% review_desk %}` on the admin's home page (documents.services.review_desk)."""

from django import template

from documents.services.review_desk import desk

register = template.Library()


@register.inclusion_tag("admin/documents/review_desk.html", takes_context=True)
def review_desk(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("documents.view_document"):
        return {"sections": []}
    return {"sections": desk(user)}
