"""Facets of the document list: what each one filters on, and the values a list shows.

Counts follow the usual multi-select rule: a facet's counts are computed over the results
filtered by every *other* choice, so choosing "Xinjiang" does not hide "Kashgar" (OR within a
facet, AND across facets). The search engine counts them (`documents.search.engine`, over
published documents only); `documents.search.reader` turns slugs into ids and back.
"""

from dataclasses import dataclass, field

from django.db import models

from documents.models import Collection, Document, DocumentType, Language, Repository, Subject
from people.models import Organization, Person, Place

VISIBLE_VALUES = 8


@dataclass(frozen=True)
class FacetSpec:
    param: str  # the URL parameter, e.g. "place"
    label: str  # heading, e.g. "Places"
    singular: str  # chip label, e.g. "Place"
    model: type[models.Model]
    document_path: str  # lookup from Document to the value, e.g. "place_links__place__slug"
    entity_path: str  # lookup from the value's model to its documents
    value_field: str = "slug"
    order_fields: tuple[str, ...] = ("name",)

    def documents_matching(self, values) -> models.QuerySet:
        """Ids of documents (any status; callers intersect) having any of these values."""
        return Document.objects.filter(**{f"{self.document_path}__in": list(values)}).values("pk")


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec(
        "place", "Places", "Place", Place, "place_links__place__slug", "document_links__document"
    ),
    FacetSpec(
        "person",
        "People",
        "Person",
        Person,
        "person_links__person__slug",
        "document_links__document",
        order_fields=("sort_name", "name"),
    ),
    FacetSpec(
        "organization",
        "Organizations",
        "Organization",
        Organization,
        "organization_links__organization__slug",
        "document_links__document",
    ),
    FacetSpec(
        "subject",
        "Subjects",
        "Subject",
        Subject,
        "subject_links__tag__slug",
        "document_links__content_object",
    ),
    FacetSpec(
        "collection",
        "Collections",
        "Collection",
        Collection,
        "collections__slug",
        "documents",
        order_fields=("title",),
    ),
    FacetSpec(
        "language",
        "Original language",
        "Language",
        Language,
        "original_languages__code",
        "documents",
        value_field="code",
    ),
    FacetSpec("type", "Document type", "Type", DocumentType, "document_type__slug", "documents"),
    FacetSpec(
        "archive",
        "Original archive",
        "Archive",
        Repository,
        "repository__slug",
        "documents",
    ),
)
FACETS_BY_PARAM = {spec.param: spec for spec in FACETS}
FACETS_BY_MODEL = {spec.model: spec for spec in FACETS}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""  # set by the listing: the address that adds or removes this value


@dataclass
class Facet:
    spec: FacetSpec
    values: list[FacetValue] = field(default_factory=list)
    truncated: bool = False  # more values exist than are listed (the most frequent are)
    browse_url: str = ""  # where every value of this kind is listed, when it is cut

    @property
    def param(self) -> str:
        return self.spec.param

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]

    @property
    def visible(self) -> list[FacetValue]:
        """The top values, plus any chosen value that would otherwise sit below the fold."""
        top = self.values[:VISIBLE_VALUES]
        return top + [v for v in self.values[VISIBLE_VALUES:] if v.selected]

    @property
    def rest(self) -> list[FacetValue]:
        return [v for v in self.values[VISIBLE_VALUES:] if not v.selected]
