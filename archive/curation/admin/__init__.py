"""Admin pieces shared by the apps' admins: branding, accent-blind search, lean inlines.

Lives in `archive` so that `people.admin` and `documents.admin` can share it without `people`
importing anything from `documents`.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.db import models
from django.forms.models import BaseInlineFormSet

from archive.text import fold, folded

admin.site.site_header = settings.ARCHIVE_NAME
admin.site.site_title = settings.ARCHIVE_SHORT_NAME
admin.site.index_title = "Curation"


@models.CharField.register_lookup
@models.TextField.register_lookup
class Fold(models.Transform):
    """`name__fold__icontains="urumqi"` matches “Ürümqi”: the column folded as `archive.text`
    folds queries (the database has no `unaccent`)."""

    lookup_name = "fold"

    def as_sql(self, compiler, connection):
        return compiler.compile(folded(self.lhs))


class UnixNewlinesField(forms.CharField):
    """Browsers submit textareas with CRLF; stored text uses LF (archive.curation.newlines),
    so an untouched textarea must not count as changed in history or change messages."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


TEXT_FIELDS = {models.TextField: {"form_class": UnixNewlinesField}}


class FoldedSearchMixin:
    """Search that ignores accents: list search fields as `"name__fold"` and the term is
    folded the same way, so “Urumqi” finds “Ürümqi” and “Ürümqi” finds “Urumqi”."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected option from the object the form already
    holds, instead of one query per inline row."""

    preloaded = None

    def optgroups(self, name, value, attr=None):
        obj = self.preloaded
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if obj is None or chosen != [str(obj.pk)]:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class _PreloadingFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None:
            return form
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            descriptor = getattr(type(form.instance), name, None)
            if isinstance(widget, PreloadedAutocompleteSelect) and descriptor is not None:
                if descriptor.is_cached(form.instance):
                    widget.preloaded = getattr(form.instance, name)
        return form


class LeanAutocompleteInlineMixin:
    """Inline whose autocomplete foreign keys cost no query per row: the rows' targets come
    with `select_related` and label their widgets directly. Change pages stay fast however
    many people a document names."""

    formset = _PreloadingFormSet

    def get_queryset(self, request):
        fks = [
            name
            for name in self.get_autocomplete_fields(request)
            if isinstance(self.model._meta.get_field(name), models.ForeignKey)
        ]
        return super().get_queryset(request).select_related(*fks)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # On a link row, “delete” and “edit” beside the person would act on the person
        # itself, not on the link: keep only “add” and “view”.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_delete_related = False
            field.widget.can_change_related = False
        return field
