"""Admin pieces shared by the apps' admins: branding, accent-blind search, lean inlines.

Lives in `archive` so that `people.admin` and `documents.admin` can share it without `people`
importing anything from `documents`.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length
from django.forms.models import BaseInlineFormSet

from archive.text import fold, folded

admin.site.site_header = settings.ARCHIVE_NAME
admin.site.site_title = settings.ARCHIVE_SHORT_NAME
admin.site.index_title = "Curation"
# The navigation sidebar repeats the breadcrumbs and the home page, and its 300 px squeeze
# the document list's columns at laptop widths (titles wrapped to ten lines at 1280 px).
admin.site.enable_nav_sidebar = False


@models.CharField.register_lookup
@models.TextField.register_lookup
class Fold(models.Transform):
    """`name__fold__icontains="urumqi"` matches “Ürümqi”: the column folded as `archive.text`
    folds queries (the database has no `unaccent`)."""

    lookup_name = "fold"

    def as_sql(self, compiler, connection):
        return compiler.compile(folded(self.lhs))


@models.CharField.register_lookup
@models.TextField.register_lookup
class WordStart(models.Lookup):
    """`name__fold__word="beria"` matches a word that starts with the term (“Beria”,
    “Beria's”), never the middle of one (“Siberia”). Case-insensitive; the term is taken
    literally (escaped for PostgreSQL's regular expressions)."""

    lookup_name = "word"

    def get_db_prep_lookup(self, value, connection):
        text = str(value)
        start = r"\m" if text[:1].isalnum() else ""  # “(draft” starts with no word
        return ("%s", [start + re.escape(text)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ~* {rhs}", [*lhs_params, *rhs_params]


class UnixNewlinesField(forms.CharField):
    """Browsers submit textareas with CRLF; stored text uses LF (archive.curation.newlines),
    so an untouched textarea must not count as changed in history or change messages."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


TEXT_FIELDS = {models.TextField: {"form_class": UnixNewlinesField}}


class FoldedSearchMixin:
    """Search that ignores accents and matches whole words from their start: list search
    fields as `"name__fold"` and the term is folded the same way, so “Urumqi” finds “Ürümqi”
    and “Beria” finds “Lavrentiy Beria” but not “Eastern Siberia”.

    In an autocomplete the best matches come first: the name (or abbreviation) itself, then
    a variant spelled exactly so, then names starting with the term, shorter names first —
    “NKVD” offers the NKVD before “NKVD Department of Special Tasks”."""

    def get_search_fields(self, request):
        return [
            f"{name}__word" if name.endswith("__fold") else name
            for name in super().get_search_fields(request)
        ]

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, fold(search_term))
        if search_term.strip() and _is_autocomplete(request):
            queryset = ranked(queryset, fold(search_term.strip()))
        return queryset, distinct


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


def ranked(queryset, term: str):
    """Order `queryset` by how well its name matches `term` (see FoldedSearchMixin)."""
    model = queryset.model
    names = {f.name for f in model._meta.concrete_fields}
    main = "name" if "name" in names else "title" if "title" in names else None
    if main is None:
        return queryset
    exact = Q(**{f"{main}__fold__iexact": term})
    if "abbreviation" in names:
        exact |= Q(abbreviation__fold__iexact=term)
    whens = [When(exact, then=Value(0))]
    if "variants" in names:
        line = rf"(^|\n){re.escape(term)}(\n|$)"
        whens.append(When(Q(variants__fold__iregex=line), then=Value(1)))
    whens.append(When(Q(**{f"{main}__fold__istartswith": term}), then=Value(2)))
    rank = Case(*whens, default=Value(3), output_field=IntegerField())
    return queryset.annotate(_match_rank=rank).order_by("_match_rank", Length(main), main, "pk")


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
