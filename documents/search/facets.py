"""Facets of the document list: what each one filters on, and its counts for a result set.

Counts follow the usual multi-select rule: a facet's counts are computed over the results
filtered by every *other* choice, so choosing "Xinjiang" does not hide "Kashgar" (OR within a
facet, AND across facets). Each facet costs one GROUP BY query over its link table, joined to
the filtered document ids as a subquery; nothing unpublished can be counted because the base
queryset always comes from `documents.selectors.published_documents()`.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q

from documents.models import Collection, Document, DocumentType, Language, Repository, Subject
from documents.selectors import public_entities
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


def count_facet(
    spec: FacetSpec, base_ids: models.QuerySet, selected: list[str]
) -> list[FacetValue]:
    """One query: each value's number of documents among `base_ids`, plus the chosen values
    even when they match nothing (so their chips keep a readable label) -- but only public
    ones: a value that no published document names keeps its raw slug, not its name."""
    in_base = Q(**{f"{spec.entity_path}__in": base_ids})
    condition = in_base
    if selected:
        public = public_entities(spec.model).values("pk")
        condition = in_base | Q(**{f"{spec.value_field}__in": selected, "pk__in": public})
    rows = (
        spec.model.objects.filter(condition)
        .annotate(
            facet_count=Count(spec.entity_path, filter=in_base if selected else None, distinct=True)
        )
        .order_by("-facet_count", *spec.order_fields)
    )
    chosen = set(selected)
    values = [
        FacetValue(
            value=getattr(obj, spec.value_field),
            label=str(obj),
            count=obj.facet_count,
            selected=getattr(obj, spec.value_field) in chosen,
        )
        for obj in rows
    ]
    known = {v.value for v in values}
    # Chosen values that name nothing (a mistyped or retired slug) still get a removable chip.
    values += [
        FacetValue(value=s, label=s, count=0, selected=True) for s in selected if s not in known
    ]
    return values


def compute_facets(filterset, base_queryset, hidden: dict[str, str] | None = None) -> list[Facet]:
    """Counts for every facet over `base_queryset` narrowed by the filterset's other choices.

    `hidden` maps a facet to a value left out of its list (an entity page's own entity).
    """
    hidden = hidden or {}
    chosen = filterset.form.cleaned_data
    facets = []
    for spec in FACETS:
        base_ids = (
            filterset.filter_queryset(base_queryset, exclude={spec.param}).order_by().values("pk")
        )
        values = count_facet(spec, base_ids, list(chosen.get(spec.param) or []))
        if spec.param in hidden:
            values = [v for v in values if v.value != hidden[spec.param]]
        facets.append(Facet(spec, values))
    return facets
