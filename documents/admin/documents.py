"""Admin where archivists curate documents and their vocabularies.

Also re-registers the people app's admins with the documents that link to each entity:
`people` may not import `documents`, so the link is made from this side.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from taggit.models import Tag

from archive.curation.admin import TEXT_FIELDS, FoldedSearchMixin, LeanAutocompleteInlineMixin
from archive.curation.admin.history import HistoryAdminMixin
from archive.curation.admin.locking import OptimisticLockAdminMixin
from documents.admin.forms import DocumentForm
from documents.admin.importexport import ImportExportAdminMixin
from documents.admin.scans import ScanInline
from documents.admin.workflow import WorkflowAdminMixin
from documents.admin.writes import DocumentWritesAdminMixin
from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    Repository,
    Subject,
    TaggedDocument,
)
from people import admin as people_admin
from people.merge.admin import MergeActionMixin
from people.models import Organization, Person, Place

# ---------------------------------------------------------------------------------------------
# Document counts on vocabularies and entities


def _document_count(link_model, target_field, document_field):
    """Distinct documents per row, as a correlated subquery: one query for a whole list, and
    no GROUP BY on the admin's queryset (actions can still update and delete it)."""
    rows = (
        link_model.objects.filter(**{target_field: OuterRef("pk")})
        .order_by()
        .values(target_field)
        .annotate(n=Count(document_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


class DocumentCountMixin:
    """A “Documents” column (and change-page line) counting the documents that use a record,
    linking to the document list filtered to it.

    Subclasses set `document_count = (link model, field pointing here, field pointing at the
    document)` and `document_filter`, the document changelist parameter that selects them.
    """

    document_count: tuple
    document_filter: str

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(document_count=_document_count(*self.document_count))
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "documents_column"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "linked_documents"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(("Documents", {"fields": ["linked_documents"]}))
        return fieldsets

    def _documents_url(self, obj):
        query = urlencode({self.document_filter: obj.pk})
        return f"{reverse('admin:documents_document_changelist')}?{query}"

    @admin.display(description="Documents", ordering="document_count")
    def documents_column(self, obj):
        return format_html('<a href="{}">{}</a>', self._documents_url(obj), obj.document_count)

    @admin.display(description="Linked documents")
    def linked_documents(self, obj):
        count = getattr(obj, "document_count", None)
        if not count:
            return "None yet."
        noun = "document" if count == 1 else "documents"
        return format_html(
            '<a href="{}">Show the {} {} in the document list</a>',
            self._documents_url(obj),
            count,
            noun,
        )


# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}, **TEXT_FIELDS}

# ---------------------------------------------------------------------------------------------
# Vocabularies


class ChoicesOncePerRequestFilter(admin.RelatedFieldListFilter):
    """A related-field filter that reads its choices once per request: with facets on, the
    admin rebuilds every filter for every other filter's counts."""

    def field_choices(self, field, request, model_admin):
        cache = request.__dict__.setdefault("_admin_filter_choices", {})
        key = (field.model, field.name)
        if key not in cache:
            cache[key] = super().field_choices(field, request, model_admin)
        return cache[key]


class VocabularyAdmin(HistoryAdminMixin, DocumentCountMixin, FoldedSearchMixin, admin.ModelAdmin):
    search_fields = ["name__fold", "=slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "slug"]


@admin.register(Repository)
class RepositoryAdmin(VocabularyAdmin):
    list_display = ["name", "abbreviation", "location"]
    search_fields = [*VocabularyAdmin.search_fields, "abbreviation__fold", "location"]
    formfield_overrides = URL_FIELDS
    document_count = (Document, "repository", "pk")
    document_filter = "repository__id__exact"


@admin.register(DocumentType)
class DocumentTypeAdmin(VocabularyAdmin):
    list_display = ["name", "description"]
    document_count = (Document, "document_type", "pk")
    document_filter = "document_type__id__exact"


@admin.register(Funder)
class FunderAdmin(VocabularyAdmin):
    document_count = (Document.funders.through, "funder", "document")
    document_filter = "funders__id__exact"


@admin.register(Language)
class LanguageAdmin(HistoryAdminMixin, DocumentCountMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "=code"]
    document_count = (Document.original_languages.through, "language", "document")
    document_filter = "original_languages__id__exact"


@admin.register(Collection)
class CollectionAdmin(
    HistoryAdminMixin,
    OptimisticLockAdminMixin,
    DocumentCountMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title__fold", "description__fold", "=slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = ["title", "slug", "description", "created_at", "updated_at"]
    document_count = (Document.collections.through, "collection", "document")
    document_filter = "collections__id__exact"


@admin.register(Subject)
class SubjectAdmin(
    HistoryAdminMixin, MergeActionMixin, DocumentCountMixin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = ["name", "slug"]
    search_fields = ["name__fold", "description__fold", "=slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    document_count = (TaggedDocument, "tag", "content_object")
    document_filter = "subjects__id__exact"


# ---------------------------------------------------------------------------------------------
# Documents


class _LinkInline(LeanAutocompleteInlineMixin, admin.TabularInline):
    extra = 0


class DocumentPersonInline(_LinkInline):
    model = DocumentPerson
    fields = ["person", "role", "uncertain", "note"]
    autocomplete_fields = ["person"]


class DocumentOrganizationInline(_LinkInline):
    model = DocumentOrganization
    fields = ["organization", "role", "uncertain", "note"]
    autocomplete_fields = ["organization"]


class DocumentPlaceInline(_LinkInline):
    model = DocumentPlace
    fields = ["place", "role", "uncertain", "note"]
    autocomplete_fields = ["place"]


class DocumentChangeList(ChangeList):
    """Lists documents without their long texts and search vectors; actions, which take
    `get_queryset()`, still get whole rows."""

    heavy_fields = ["full_text", "original_text", "entity_text", "rights"]

    def get_results(self, request):
        self.queryset = self.queryset.defer(*self.heavy_fields)
        super().get_results(request)


@admin.register(Document)
class DocumentAdmin(
    HistoryAdminMixin,
    DocumentWritesAdminMixin,
    WorkflowAdminMixin,
    OptimisticLockAdminMixin,
    ImportExportAdminMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    list_display = [
        "number_column",
        "title",
        "date_column",
        "document_type",
        "archive_column",
        "status",
        "updated_column",
    ]
    list_display_links = ["number_column", "title"]
    form = DocumentForm
    formfield_overrides = URL_FIELDS
    list_select_related = ["document_type", "repository"]
    list_filter = [
        "status",
        ("document_type", ChoicesOncePerRequestFilter),
        ("repository", ChoicesOncePerRequestFilter),
        ("original_languages", ChoicesOncePerRequestFilter),
        ("collections", ChoicesOncePerRequestFilter),
        "date_precision",
        "date_circa",
        ("full_text", admin.EmptyFieldListFilter),
        ("source_citation", admin.EmptyFieldListFilter),
    ]
    show_facets = admin.ShowFacets.ALWAYS
    # Entity names and variants reach the search through `entity_text` (kept current by
    # documents.search.entity_text): no joins, no duplicate rows.
    search_fields = [
        "record_number__exact",
        "title__fold",
        "summary__fold",
        "source_citation__fold",
        "entity_text__fold",
    ]
    search_help_text = (
        "Record number, title, summary, archival citation, or any name or variant of a "
        "linked person, organization, place or subject. Accents are optional."
    )
    date_hierarchy = "date_earliest"
    list_per_page = 50
    autocomplete_fields = [
        "document_type",
        "repository",
        "original_languages",
        "funders",
        "collections",
    ]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["record", "date_shown", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (
            "Identification",
            {"fields": ["record", "title", "slug", "document_type"]},
        ),
        ("Date", {"fields": ["date", "date_shown"]}),
        (
            "Description",
            {"fields": ["summary", "subjects", "collections", "original_classification"]},
        ),
        ("Text", {"fields": ["original_languages", "full_text", "original_text"]}),
        (
            "Source",
            {
                "fields": [
                    "repository",
                    "source_citation",
                    "source_url",
                    "obtained_by",
                    "translated_by",
                    "funders",
                    "rights",
                ]
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_on",
                    "published_at",
                    "internal_notes",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    inlines = [DocumentPersonInline, DocumentOrganizationInline, DocumentPlaceInline, ScanInline]

    def get_changelist(self, request, **kwargs):
        return DocumentChangeList

    @admin.display(description="Date", ordering="date_earliest")
    def date_column(self, obj):
        return obj.date_display

    @admin.display(description="No.", ordering="record_number")
    def number_column(self, obj):
        return obj.record_number

    @admin.display(description="Updated", ordering="updated_at")
    def updated_column(self, obj):
        return date_format(obj.updated_at.date(), "Y-m-d")

    @admin.display(description="Archive", ordering="repository__name")
    def archive_column(self, obj):
        repository = obj.repository
        return (repository.abbreviation or repository.name) if repository else "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "subjects":
            field.label = "Subjects"
            field.widget.attrs.setdefault("class", "vLargeTextField")
        return field

    @admin.display(description="Record number")
    def record(self, obj):
        return obj.record_number if obj.pk else "— (assigned on saving)"

    @admin.display(description="Shown as")
    def date_shown(self, obj):
        return obj.date_display if obj.pk else "— (after saving)"


# ---------------------------------------------------------------------------------------------
# People, organizations and places, with the documents that link to them


class _FirstRowsFormSet(BaseInlineFormSet):
    """Only the first rows: an entity named in thousands of documents keeps a light page."""

    max_rows = 50

    def get_queryset(self):
        if not hasattr(self, "_first_rows"):
            self._first_rows = super().get_queryset()[: self.max_rows]
        return self._first_rows


class LinkedDocumentsInline(admin.TabularInline):
    """Read-only: the earliest documents linking here. “Documents” above the inline links to
    all of them in the document list."""

    formset = _FirstRowsFormSet
    fields = ["document", "date", "role", "uncertain", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = f"Documents (the first {_FirstRowsFormSet.max_rows}, by date)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("document", self.model.ENTITY_FIELD)
            .order_by(F("document__date_earliest").asc(nulls_last=True), "document__record_number")
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("documents.view_document")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Date")
    def date(self, link):
        return link.document.date_display

    @admin.display(description="Status")
    def status(self, link):
        return link.document.get_status_display()


class PersonDocumentsInline(LinkedDocumentsInline):
    model = DocumentPerson


class OrganizationDocumentsInline(LinkedDocumentsInline):
    model = DocumentOrganization


class PlaceDocumentsInline(LinkedDocumentsInline):
    model = DocumentPlace


class EntityDocumentsMixin(DocumentCountMixin):
    documents_inline: type

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return [*inlines, self.documents_inline] if obj is not None else inlines


# Subjects are this archive's tags; taggit's own Tag model is unused.
for _model in (Tag, Person, Organization, Place):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Person)
class PersonAdmin(EntityDocumentsMixin, people_admin.PersonAdmin):
    documents_inline = PersonDocumentsInline
    document_count = (DocumentPerson, "person", "document")
    document_filter = "people__id__exact"


@admin.register(Organization)
class OrganizationAdmin(EntityDocumentsMixin, people_admin.OrganizationAdmin):
    documents_inline = OrganizationDocumentsInline
    document_count = (DocumentOrganization, "organization", "document")
    document_filter = "organizations__id__exact"


@admin.register(Place)
class PlaceAdmin(EntityDocumentsMixin, people_admin.PlaceAdmin):
    documents_inline = PlaceDocumentsInline
    document_count = (DocumentPlace, "place", "document")
    document_filter = "places__id__exact"
