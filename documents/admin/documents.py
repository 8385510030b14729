"""Admin where archivists curate documents and their vocabularies.

Also re-registers the people app's admins with the documents that link to each entity:
`people` may not import `documents`, so the link is made from this side.
"""

from urllib.parse import urlencode

import reversion
from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from archive.curation.admin import TEXT_FIELDS, FoldedSearchMixin, LeanAutocompleteInlineMixin
from archive.curation.admin.history import HistoryAdminMixin
from archive.curation.admin.locking import OptimisticLockAdminMixin
from archive.curation.admin.quickadd import QuickAddMixin
from documents.admin.bulk_edit import BulkEditAdminMixin
from documents.admin.forms import DocumentForm
from documents.admin.importexport import ImportExportAdminMixin
from documents.admin.scans import ScanInline
from documents.admin.workflow import WorkflowAdminMixin
from documents.admin.workflow_steps import WorkflowStepsAdminMixin
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
from people.duplicates import likely_duplicates
from people.merge.admin import MergeActionMixin

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
    QuickAddMixin,
    HistoryAdminMixin,
    MergeActionMixin,
    DocumentCountMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    """The controlled vocabulary of subject headings. Only editors add headings (here, or
    from the document form's subject box, after the same duplicate check)."""

    list_display = ["name", "slug"]
    search_fields = ["name__fold", "description__fold", "=slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    document_count = (TaggedDocument, "tag", "content_object")
    document_filter = "subjects__id__exact"

    def quick_add_duplicates(self, name):
        return likely_duplicates(Subject, name)

    def quick_add_create(self, request, name):
        subject = Subject(name=name)
        subject.validate_unique()
        with reversion.create_revision():
            subject.save()
            reversion.set_user(request.user)
            reversion.set_comment("Created from a document form.")
        return subject


# ---------------------------------------------------------------------------------------------
# Documents


def _quick_add(admin_site, model, request, widget) -> None:
    """Let the autocomplete create a record of `model` (with the duplicate check), if this
    user may add one (archive.curation.admin.quickadd; static/archive/admin/document_form.js)."""
    model_admin = admin_site._registry.get(model)
    url = model_admin.quick_add_url(request) if hasattr(model_admin, "quick_add_url") else ""
    if url:
        widget.attrs["data-quick-add-url"] = url
        widget.attrs["data-quick-add-noun"] = str(model._meta.verbose_name)


class _LinkInline(LeanAutocompleteInlineMixin, admin.TabularInline):
    """Link rows stay in the order they were entered (not re-sorted by the role's name). An
    empty row waits at the end, and the next appears by itself once it is filled."""

    extra = 1
    classes = ["link-rows"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("pk")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == self.model.ENTITY_FIELD:
            _quick_add(self.admin_site, db_field.related_model, request, field.widget)
        return field


class DocumentPersonInline(_LinkInline):
    model = DocumentPerson
    verbose_name = "person"
    verbose_name_plural = "People"
    fields = ["person", "role", "uncertain", "note"]
    autocomplete_fields = ["person"]


class DocumentOrganizationInline(_LinkInline):
    model = DocumentOrganization
    verbose_name = "organization"
    verbose_name_plural = "Organizations"
    fields = ["organization", "role", "uncertain", "note"]
    autocomplete_fields = ["organization"]


class DocumentPlaceInline(_LinkInline):
    model = DocumentPlace
    verbose_name = "place"
    verbose_name_plural = "Places"
    fields = ["place", "role", "uncertain", "note"]
    autocomplete_fields = ["place"]


class SubjectsAutocomplete(AutocompleteSelectMultiple):
    """Re-showing a refused form never looks up a typed value that is no heading's key."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if str(v).isdigit()], attr)


def subjects_field(db_field, admin_site):
    """Subjects from the controlled vocabulary, chosen with an autocomplete: a typo finds
    nothing instead of creating a heading (editors add new ones, from the same box)."""
    return forms.ModelMultipleChoiceField(
        queryset=Subject.objects.order_by("name"),
        required=False,
        label="Subjects",
        widget=SubjectsAutocomplete(db_field, admin_site),
        help_text="Type to choose subject headings from the vocabulary.",
    )


class DocumentChangeList(ChangeList):
    """Lists documents without their long texts and search vectors; actions, which take
    `get_queryset()`, still get whole rows."""

    heavy_fields = ["full_text", "original_text", "entity_text", "search_vector", "rights"]

    def get_results(self, request):
        self.queryset = self.queryset.defer(*self.heavy_fields)
        super().get_results(request)


@admin.register(Document)
class DocumentAdmin(
    BulkEditAdminMixin,
    WorkflowStepsAdminMixin,
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
        if db_field.name == "subjects":
            field = subjects_field(db_field, self.admin_site)
            _quick_add(self.admin_site, Subject, request, field.widget)
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    class Media:
        # After Django's autocomplete.js, which it extends (static files: CSP, no inline code).
        js = [
            "admin/js/jquery.init.js",
            "admin/js/autocomplete.js",
            "archive/admin/document_form.js",
        ]
        css = {"all": ["archive/admin/curation.css"]}

    @admin.display(description="Record number")
    def record(self, obj):
        return obj.record_number if obj.pk else "— (assigned on saving)"

    @admin.display(description="Shown as")
    def date_shown(self, obj):
        return obj.date_display if obj.pk else "— (after saving)"
