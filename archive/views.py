"""Site-wide views that need no app: the health check and the sitemap sections."""

from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404

from archive.params import parse_int


def sitemap_section(request, sitemaps, section=None, **kwargs):
    """Django's sitemap view, its page number (`?p=`) read by the one parser: `int()` would
    take "١" for 1, and a page that is not a plain number is no page."""
    raw = request.GET.get("p")
    if raw is not None and parse_int(raw) is None:
        raise Http404("No such sitemap page.")
    return sitemap_views.sitemap(request, sitemaps, section=section, **kwargs)
