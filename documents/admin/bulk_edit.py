"""“Edit selected documents…”: add or remove a subject, a collection or an entity link with a
role on many documents at once, after a preview of what each one gets
(documents.services.bulk_edit does the work, in one transaction, recorded in history)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    PlaceRole,
    Role,
    Subject,
)
from documents.services.bulk_edit import ADD, REMOVE, BulkChange, bulk_apply, bulk_preview
from people.models import Organization, Person, Place

# kind -> (label, model, the model field whose autocomplete chooses it)
TARGETS = {
    "subject": ("Subject", Subject, (Document, "subjects")),
    "collection": ("Collection", Collection, (Document, "collections")),
    "person": ("Person", Person, (DocumentPerson, "person")),
    "organization": ("Organization", Organization, (DocumentOrganization, "organization")),
    "place": ("Place", Place, (DocumentPlace, "place")),
}


class BulkEditForm(forms.Form):
    operation = forms.ChoiceField(
        choices=[(ADD, "Add"), (REMOVE, "Remove")], widget=forms.RadioSelect, initial=ADD
    )
    kind = forms.ChoiceField(
        label="What",
        choices=[(key, label) for key, (label, _m, _f) in TARGETS.items()],
        widget=forms.RadioSelect,
        initial="subject",
    )
    role = forms.ChoiceField(
        label="Role (people and organizations)",
        choices=Role.choices,
        initial=Role.MENTIONED,
        required=False,
    )
    place_role = forms.ChoiceField(
        label="Role (places)",
        choices=PlaceRole.choices,
        initial=PlaceRole.MENTIONED,
        required=False,
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, model, (source, name)) in TARGETS.items():
            self.fields[key] = forms.ModelChoiceField(
                queryset=model._default_manager.all(),
                required=False,
                label=label,
                widget=AutocompleteSelect(source._meta.get_field(name), admin_site),
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and not cleaned.get(kind):
            self.add_error(kind, f"Choose the {TARGETS[kind][0].lower()}.")
        return cleaned

    def change(self) -> BulkChange:
        data = self.cleaned_data
        kind = data["kind"]
        entity_role = data["role"] or Role.MENTIONED
        role = {
            "person": entity_role,
            "organization": entity_role,
            "place": data["place_role"] or PlaceRole.MENTIONED,
        }
        return BulkChange(data["operation"], kind, data[kind], role.get(kind, ""))


class BulkEditAdminMixin:
    """The changelist action and its page: choose, preview, apply."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request) and "_popup" not in request.GET:
            func, name, text = self.get_action("bulk_edit")
            actions[name] = (func, name, text)
        return actions

    @admin.action(description="Edit selected documents (subjects, collections, links)…")
    def bulk_edit(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        documents = list(queryset.order_by("record_number"))
        bound = "bulk-operation" in request.POST
        form = BulkEditForm(
            request.POST if bound else None, admin_site=self.admin_site, prefix="bulk"
        )
        effects = []
        if bound and form.is_valid():
            change = form.change()
            if request.POST.get("bulk_apply") == "yes":
                try:
                    outcome = bulk_apply(documents=documents, change=change, user=request.user)
                except (PermissionDenied, ValidationError) as exc:
                    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                    return None
                self._report(request, change, outcome)
                return None
            effects = bulk_preview(documents, change, request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Edit {len(documents)} selected documents",
            "opts": self.opts,
            "form": form,
            "documents": documents,
            "effects": effects,
            "changing": sum(1 for e in effects if e.changes),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/documents/bulk_edit.html", context)

    bulk_edit.records_history = True  # one revision per document (see HistoryAdminMixin)

    def _report(self, request, change, outcome):
        def n(items):
            return f"{len(items)} document{'' if len(items) == 1 else 's'}"

        text = f"Bulk edit ({change.describe()}): {n(outcome.changed)} changed"
        if outcome.pending:
            text += f", {n(outcome.pending)} waiting for an editor's approval (published)"
        if outcome.unchanged:
            text += f", {n(outcome.unchanged)} already as asked"
        messages.success(request, text + ".")
