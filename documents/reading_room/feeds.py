"""Atom feed of newly public documents, optionally narrowed like /documents/.

`/documents/feed/` takes the same parameters as the document list (`?q=…&subject=…&place=…`),
so a reader can follow a search or an entity. The search engine finds them, newest public
first (`public_since()`: the later of `published_at` and the end of any embargo, so an
embargoed document enters the feed on the day readers can first open it); the entries are
then loaded by id from `published_documents()`, subjects included, in one statement.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from documents.models import Document
from documents.search import reader
from documents.search.engine import search
from documents.search.facets import FACETS
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
        filterset = DocumentFilter(request.GET, queryset=Document.objects.none())
        if not filterset.is_valid():
            errors = "; ".join(e for errs in filterset.errors.values() for e in errs)
            return HttpResponseBadRequest(
                f"We could not read that request: {errors}",
                content_type="text/plain; charset=utf-8",
            )
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return FeedRequest(
            filterset=DocumentFilter(request.GET, queryset=Document.objects.none()),
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
        cleaned = obj.filterset.form.cleaned_data
        ids = reader.resolve({spec.param: cleaned.get(spec.param) or [] for spec in FACETS})
        request = reader.search_request(
            cleaned, ids, sort="recent", page_size=FEED_SIZE, with_facets=False,
            with_histogram=False,
        )  # fmt: skip
        found = search(request).ids
        rows = (
            published_documents()
            .filter(pk__in=found)
            .annotate(
                public_since=public_since(),
                subject_names=ArrayAgg("subject_links__tag__name", distinct=True, default=[]),
            )
            .defer("full_text", "original_text", "entity_text", "internal_notes")
        )
        by_id = {document.pk: document for document in rows}
        documents = [by_id[pk] for pk in found if pk in by_id]
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
        return [name for name in document.subject_names if name]

    def item_guid(self, document):
        # The short address never changes when a title (and so the slug) is corrected.
        return document.feed_site_root + reverse(
            "document_detail_short", kwargs={"record_number": document.record_number}
        )
