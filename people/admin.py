"""Admin for people, organizations and places.

Imports nothing from `documents`: the documents linking to an entity are added to these pages
by `documents.admin.documents`, which re-registers subclasses of the classes below.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.curation.admin import TEXT_FIELDS, FoldedSearchMixin
from archive.curation.admin.history import HistoryAdminMixin
from archive.curation.admin.locking import OptimisticLockAdminMixin
from archive.curation.admin.quickadd import QuickAddMixin
from archive.curation.locking import FORM_FIELD
from people.duplicates import likely_duplicates
from people.merge.admin import MergeActionMixin
from people.models import Organization, Person, Place
from people.services import entity_save

_NAMES = ("Names", {"fields": ["name", "slug", "variants"]})
_DESCRIPTION = ("Description", {"fields": ["description", "certainty_note"]})
_INTERNAL = ("Internal", {"fields": ["notes", "created_at", "updated_at"]})
_AUTHORITIES = ("Authority identifiers", {"fields": [("wikidata", "viaf", "lcnaf")]})
_PLACE_AUTHORITIES = (
    "Authority identifiers",
    {"fields": [("wikidata", "geonames"), ("viaf", "lcnaf")]},
)


CONFIRM_FIELD = "confirm_not_duplicate"


def duplicate_list(candidates, admin_site_name: str = "admin"):
    """The candidates as links to their change pages, with the name that matched."""

    def url(entity):
        opts = entity._meta
        return reverse(
            f"{admin_site_name}:{opts.app_label}_{opts.model_name}_change", args=[entity.pk]
        )

    def matched(candidate):
        if candidate.matched == candidate.entity.name:
            return ""
        return f" (as “{candidate.matched}”)"

    return format_html_join(
        "",
        '<li><a href="{}" target="_blank">{}</a>{}</li>',
        ((url(c.entity), str(c.entity), matched(c)) for c in candidates),
    )


class DuplicateCheckForm(forms.ModelForm):
    """On create and rename: records that may be the same are listed, with links, and the
    save waits until the curator confirms this one is different."""

    confirm_not_duplicate = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        renamed = self.instance.pk is None or "name" in self.changed_data
        if not name or not renamed or cleaned.get(CONFIRM_FIELD):
            return cleaned
        found = likely_duplicates(type(self.instance), name, exclude_pk=self.instance.pk)
        if found:
            noun = self._meta.model._meta.verbose_name
            raise ValidationError(
                format_html(
                    '<span class="duplicate-warning">Possible duplicate: “{}” looks like '
                    '{} existing {}:</span><ul class="duplicate-list">{}</ul>'
                    '<label class="duplicate-confirm"><input type="checkbox" name="{}"> '
                    "None of these is the same {}: save it anyway</label>",
                    name,
                    len(found),
                    noun if len(found) == 1 else self._meta.model._meta.verbose_name_plural,
                    duplicate_list(found),
                    CONFIRM_FIELD,
                    noun,
                ),
                code="duplicate",
            )
        return cleaned


class EntityAdmin(
    QuickAddMixin,
    HistoryAdminMixin,
    MergeActionMixin,
    OptimisticLockAdminMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    """What people, organizations and places share: search by any name variant, with or
    without accents, and slugs filled from the name."""

    form = DuplicateCheckForm
    search_fields = ["name__fold", "variants__fold", "=slug", "=wikidata", "=viaf", "=lcnaf"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    formfield_overrides = {
        models.TextField: {
            **TEXT_FIELDS[models.TextField],
            "widget": AdminTextareaWidget(attrs={"rows": 4}),
        }
    }

    def save_model(self, request, obj, form, change):
        """Through the entity service (stored form, optimistic lock); the view's revision
        records the history. Replaces `OptimisticLockAdminMixin.save_model`."""
        expected = form.cleaned_data.get(FORM_FIELD) if change else None
        entity_save(entity=obj, user=request.user, expected_version=expected)

    def quick_add_duplicates(self, name):
        return likely_duplicates(self.model, name)

    def quick_add_create(self, request, name):
        """A new record with just its name, recorded in the history (the rest is filled in
        on its own page later)."""
        entity = self.model(name=name)
        entity.full_clean(exclude=["slug"])
        return entity_save(
            entity=entity, user=request.user, comment="Created from a document form."
        )

    @admin.display(description="Other names")
    def variants_short(self, obj):
        names = obj.variant_list
        text = "; ".join(names[:3])
        return f"{text}; …" if len(names) > 3 else text


@admin.register(Person)
class PersonAdmin(EntityAdmin):
    list_display = ["name", "life_dates", "variants_short", "updated_at"]
    list_filter = [
        ("variants", admin.EmptyFieldListFilter),
        ("birth", admin.EmptyFieldListFilter),
        ("description", admin.EmptyFieldListFilter),
    ]
    search_fields = [*EntityAdmin.search_fields, "sort_name__fold"]
    fieldsets = [
        ("Names", {"fields": ["name", "sort_name", "slug", "variants"]}),
        ("Life", {"fields": [("birth", "death")]}),
        _DESCRIPTION,
        _AUTHORITIES,
        _INTERNAL,
    ]
    ordering = ["sort_name", "name"]

    @admin.display(description="Life", ordering="birth")
    def life_dates(self, obj):
        return obj.life_dates


@admin.register(Organization)
class OrganizationAdmin(EntityAdmin):
    list_display = ["name", "abbreviation", "parent", "founded", "dissolved", "variants_short"]
    list_select_related = ["parent"]
    list_filter = [
        ("parent", admin.EmptyFieldListFilter),
        ("variants", admin.EmptyFieldListFilter),
        ("description", admin.EmptyFieldListFilter),
    ]
    search_fields = [*EntityAdmin.search_fields, "abbreviation__fold"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        ("Names", {"fields": ["name", "abbreviation", "slug", "variants"]}),
        ("Place in the hierarchy", {"fields": ["parent", ("founded", "dissolved")]}),
        _DESCRIPTION,
        _AUTHORITIES,
        _INTERNAL,
    ]


class HasCoordinatesFilter(admin.SimpleListFilter):
    """Places without coordinates are missing from the map; this finds them."""

    title = "coordinates"
    parameter_name = "coordinates"

    def lookups(self, request, model_admin):
        return [("yes", "On the map"), ("no", "No coordinates")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(latitude__isnull=False)
        if self.value() == "no":
            return queryset.filter(latitude__isnull=True)
        return queryset


@admin.register(Place)
class PlaceAdmin(EntityAdmin):
    list_display = ["name", "kind", "parent", "latitude", "longitude", "variants_short"]
    list_select_related = ["parent"]
    list_filter = ["kind", HasCoordinatesFilter, ("variants", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["parent"]
    fieldsets = [
        _NAMES,
        ("Location", {"fields": ["kind", "parent", ("latitude", "longitude")]}),
        _DESCRIPTION,
        _PLACE_AUTHORITIES,
        _INTERNAL,
    ]
