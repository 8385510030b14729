"""People, organizations and places in the admin with the documents that link to them.

`people` may not import `documents`, so its admins are re-registered from this side as
subclasses that add a “Documents” column and the first linked documents on each page."""

from django.contrib import admin
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from taggit.models import Tag

from documents.admin.documents import DocumentCountMixin
from documents.models import DocumentOrganization, DocumentPerson, DocumentPlace
from people import admin as people_admin
from people.models import Organization, Person, Place

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
    fields = ["document", "date", "role", "certainty", "status"]
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

    @admin.display(description="Certainty")
    def certainty(self, link):
        """Words, not a red ✖ that reads as an error for a link that is simply certain."""
        return "Uncertain" if link.uncertain else ""

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
