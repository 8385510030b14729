"""The one FilterSet behind every document list (/documents/ and the entity pages).

Every state is a plain GET address with readable values: slugs for facets, ISO partial dates
for the range, e.g. `?q=NKVD&place=xinjiang&date_from=1935&date_to=1945-06`. Odd input never
raises: unknown facet slugs simply match nothing, an unknown sort falls back to the default,
and only a malformed date makes the form invalid (the page answers 400 and says why).
"""

import django_filters
from django import forms
from django.db.models import F
from django.db.models.functions import Lower

from archive.partialdates import parse_point
from documents.models import Document, Role
from documents.search.facets import FACETS_BY_PARAM, FacetSpec

MAX_VALUES_PER_FACET = 50
MAX_QUERY_LENGTH = 500  # characters of a search; longer ones are cut (pages) or refused (API)

SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("date", "Date (oldest first)"),
    ("-date", "Date (newest first)"),
    ("title", "Title (A–Z)"),
]
ORDERINGS = {
    "date": (F("date_earliest").asc(nulls_last=True), "record_number"),
    "-date": (F("date_earliest").desc(nulls_last=True), "-record_number"),
    "title": (Lower("title"), "record_number"),
}


class ValueListField(forms.Field):
    """Several values of one GET parameter (`?place=a&place=b`), deduplicated, blanks dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        seen = []
        for item in value:
            item = str(item).strip()[:255]
            if item and item not in seen:
                seen.append(item)
        return seen[:MAX_VALUES_PER_FACET]


class FacetFilter(django_filters.Filter):
    """OR within the facet: documents having any of the chosen values."""

    field_class = ValueListField

    def __init__(self, spec: FacetSpec, **kwargs):
        self.spec = spec
        super().__init__(field_name=spec.document_path, label=spec.label, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(pk__in=self.spec.documents_matching(value))


class PartialDateField(forms.CharField):
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, cleaned to the (first day, last day) it covers."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            earliest, latest, _precision = parse_point(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from None
        return earliest, latest


class DateFromFilter(django_filters.Filter):
    """Overlap: keep documents whose latest possible day is on or after the start."""

    field_class = PartialDateField

    def filter(self, qs, value):
        return qs.filter(date_latest__gte=value[0]) if value else qs


class DateToFilter(django_filters.Filter):
    """Overlap: keep documents whose earliest possible day is on or before the end."""

    field_class = PartialDateField

    def filter(self, qs, value):
        return qs.filter(date_earliest__lte=value[1]) if value else qs


class LenientChoiceField(forms.ChoiceField):
    """An unknown choice is ignored rather than an error: `?sort=banana` sorts by default."""

    def clean(self, value):
        return value if value in dict(self.choices) else ""


class SortFilter(django_filters.Filter):
    """Chooses the order only; `DocumentFilter.ordered` applies it after all filtering."""

    field_class = LenientChoiceField

    def filter(self, qs, value):
        return qs


ROLE_CHOICES = [(role.value, role.label) for role in Role]


class RoleListField(ValueListField):
    """Roles a chosen person or organization (or an entity page's entity) must hold:
    `?role=author&role=recipient`. An unknown role is an error the page explains (400)."""

    def clean(self, value):
        roles = super().clean(value)
        unknown = [role for role in roles if role not in dict(ROLE_CHOICES)]
        if unknown:
            known = ", ".join(value for value, _ in ROLE_CHOICES)
            raise forms.ValidationError(
                f"There is no role “{unknown[0][:40]}”: choose {known}.", code="invalid_role"
            )
        return roles


class RoleFilter(django_filters.Filter):
    """Qualifies the people and organizations chosen; the search engine applies it."""

    field_class = RoleListField

    def filter(self, qs, value):
        return qs


class DocumentFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end[1] < start[0]:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search words")
    place = FacetFilter(FACETS_BY_PARAM["place"])
    person = FacetFilter(FACETS_BY_PARAM["person"])
    organization = FacetFilter(FACETS_BY_PARAM["organization"])
    subject = FacetFilter(FACETS_BY_PARAM["subject"])
    collection = FacetFilter(FACETS_BY_PARAM["collection"])
    language = FacetFilter(FACETS_BY_PARAM["language"])
    type = FacetFilter(FACETS_BY_PARAM["type"])
    archive = FacetFilter(FACETS_BY_PARAM["archive"])
    role = RoleFilter(label="Role")
    date_from = DateFromFilter(label="From")
    date_to = DateToFilter(label="To")
    sort = SortFilter(choices=SORT_CHOICES, label="Sort by")

    class Meta:
        model = Document
        fields = []
        form = DocumentFilterForm

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_queryset(self, queryset, exclude=frozenset()):
        """Apply every valid choice except the filters named in `exclude` (facet counts)."""
        for name, value in self.form.cleaned_data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def search_terms(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    @property
    def sort_key(self) -> str:
        """The sort in effect: the reader's choice, else relevance when searching, else date."""
        chosen = self.form.cleaned_data.get("sort") if self.is_valid() else ""
        if chosen == "relevance" and not self.search_terms:
            chosen = ""
        return chosen or ("relevance" if self.search_terms else "date")

    def ordered(self, queryset):
        key = self.sort_key
        if key == "relevance":
            return queryset.order_by(F("rank").desc(), *ORDERINGS["date"])
        return queryset.order_by(*ORDERINGS[key])
