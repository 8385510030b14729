"""Sitemaps for search engines: every public document and every entity page worth a visit.

Each section is built on the visibility selectors (`published_documents()`,
`public_entities_joined()`), so a draft, an item in review, a withdrawn or an embargoed document
never appears, and an entity appears only while at least one published document names it (the
same rule as the browse lists). Sections are paginated by Django's sitemap index
(`/sitemap.xml` lists `/sitemap-<section>.xml?p=N`).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import DateTimeField, Max
from django.db.models.functions import Greatest
from django.urls import reverse

from documents.models import Collection, Subject
from documents.selectors import ENTITY_DOCUMENTS, public_entities_joined, published_documents
from people.models import Organization, Person, Place

# Smaller than the protocol's 50,000 so one sitemap page stays a quick, small response.
PAGE_SIZE = 5000


class DocumentSitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self):
        return (
            published_documents()
            .only("record_number", "slug", "updated_at")
            .order_by("record_number")
        )

    def lastmod(self, document):
        return document.updated_at

    def get_latest_lastmod(self):
        # The default walks every item in Python; one aggregate is enough.
        return published_documents().aggregate(latest=Max("updated_at"))["latest"]


class EntitySitemap(Sitemap):
    """Entities of one model named by at least one published document.

    lastmod is the later of the entity's own edit and the last change to one of its published
    documents, since either changes what its page shows.
    """

    limit = PAGE_SIZE

    def __init__(self, model, own_updated_at: bool = True):
        self.model = model
        self.documents_path = ENTITY_DOCUMENTS[model]  # lookup from the entity to its documents
        self.own_updated_at = own_updated_at

    def _public(self):
        return public_entities_joined(self.model)

    def items(self):
        # Filtering before annotating makes the Max range over published documents only.
        last_change = Max(f"{self.documents_path}__updated_at")
        if self.own_updated_at:
            last_change = Greatest(last_change, "updated_at", output_field=DateTimeField())
        return self._public().annotate(last_change=last_change).only("pk", "slug").order_by("pk")

    def lastmod(self, entity):
        return entity.last_change

    def get_latest_lastmod(self):
        aggregates = {"documents": Max(f"{self.documents_path}__updated_at")}
        if self.own_updated_at:
            aggregates["own"] = Max("updated_at")
        dates = [d for d in self._public().aggregate(**aggregates).values() if d is not None]
        return max(dates, default=None)


class StaticSitemap(Sitemap):
    """The home page and the browse lists: the doors into everything else."""

    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "document_list",
            "person_list",
            "organization_list",
            "place_list",
            "subject_list",
            "collection_list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticSitemap,
    "documents": DocumentSitemap,
    "people": EntitySitemap(Person),
    "organizations": EntitySitemap(Organization),
    "places": EntitySitemap(Place),
    "subjects": EntitySitemap(Subject, own_updated_at=False),
    "collections": EntitySitemap(Collection),
}
