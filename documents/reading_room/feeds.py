"""Atom feed of newly public documents, optionally narrowed like /documents/.

`/documents/feed/` takes the same parameters as the document list (`?q=…&subject=…&place=…`),
so a reader can follow a search or an entity. Items come only from `published_documents()`
and are ordered by when they became public (`public_since()`: the later of `published_at` and
the end of any embargo), so an embargoed document enters the feed on the day readers can first
open it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from documents.search.filters import DocumentFilter
from documents.selectors import public_since, published_documents

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedRequest:
    """What one request asked for; passed to every item hook (the Feed itself is shared)."""

    filterset: DocumentFilter
    query_string: str
    site_root: str  # e.g. "https://archive.example.org", for stable entry ids


class DocumentFeed(Feed):
    feed_type = Atom1Feed

    def author_name(self):
        return settings.ARCHIVE_NAME

    def __call__(self, request, *args, **kwargs):
        """Refuse unreadable input with a 400 (as /documents/ does) before building the feed."""
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(
                "The address contains a NUL character; remove it.",
                content_type="text/plain; charset=utf-8",
            )
        filterset = DocumentFilter(request.GET, queryset=published_documents())
        if not filterset.is_valid():
            errors = "; ".join(e for errs in filterset.errors.values() for e in errs)
            return HttpResponseBadRequest(
                f"We could not read that request: {errors}",
                content_type="text/plain; charset=utf-8",
            )
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return FeedRequest(
            filterset=DocumentFilter(request.GET, queryset=published_documents()),
            query_string=request.GET.urlencode(),
            site_root=request.build_absolute_uri("/").rstrip("/"),
        )

    def title(self, obj):
        q = obj.filterset.search_terms
        if q:
            return f"{settings.ARCHIVE_NAME}: new documents matching “{q}”"
        if obj.query_string:
            return f"{settings.ARCHIVE_NAME}: new documents (filtered)"
        return f"{settings.ARCHIVE_NAME}: new documents"

    def subtitle(self, obj):
        return "Documents most recently made public in the archive."

    def link(self, obj):
        url = reverse("document_list")
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def feed_url(self, obj):
        url = reverse("document_feed")
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def items(self, obj):
        documents = (
            obj.filterset.qs.annotate(public_since=public_since())
            .order_by(F("public_since").desc(nulls_last=True), "-record_number")
            .prefetch_related("subjects")[:FEED_SIZE]
        )
        for document in documents:
            document.feed_site_root = obj.site_root
        return documents

    def item_title(self, document):
        return document.title

    def item_description(self, document):
        return document.summary

    def item_pubdate(self, document):
        return document.public_since

    def item_updateddate(self, document):
        return document.updated_at

    def item_categories(self, document):
        return [subject.name for subject in document.subjects.all()]

    def item_guid(self, document):
        # The short address never changes when a title (and so the slug) is corrected.
        return document.feed_site_root + reverse(
            "document_detail_short", kwargs={"record_number": document.record_number}
        )
