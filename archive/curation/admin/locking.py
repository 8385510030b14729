"""Optimistic locking in the admin: change forms carry the version they were opened on; a save
from an older version is refused, told what changed meanwhile, and keeps its values."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.timezone import template_localtime

from archive.curation.history import changes_between, version_with_lock_value, versions_for
from archive.curation.locking import (
    FORM_FIELD,
    LOCK_FIELD,
    VersionConflict,
    bump_version,
    claim_version,
    has_lock,
)

# Describing a conflict -------------------------------------------------------------------


def _as_text(model_field, value) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return ", ".join(sorted(str(v) for v in value)) or "(empty)"
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return formats.localize(template_localtime(value))
    return str(value)


def _current_text(obj, model_field) -> str:
    if model_field.many_to_many:
        return _as_text(model_field, list(getattr(obj, model_field.name).all()))
    return _as_text(model_field, getattr(obj, model_field.name))


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _norm(value):
    if value is None or value == "":
        return ""
    return value.pk if isinstance(value, models.Model) else value


def _form_value(form_field, model_field, obj):
    """The current value of `model_field` as the form would post it, or None where the widget
    posts something more involved (several inputs, several values)."""
    if isinstance(form_field.widget, forms.MultiWidget) or model_field.many_to_many:
        return None
    if not model_field.concrete or model_field.name not in {
        f.name for f in type(obj)._meta.concrete_fields
    }:
        return None
    value = form_field.prepare_value(model_field.value_from_object(obj))
    if isinstance(form_field.widget, forms.CheckboxInput):
        return bool(value)
    return "" if value is None else str(value)


def conflict_details(form, current, expected: int) -> tuple[list[str], dict]:
    """What changed since version `expected` (the one the form was opened on): one line per
    field or relation, with the value saved meanwhile and the one this form submitted; and the
    form values to take over, for fields only the other person changed (so saving again does
    not undo their edit). From the history when it has the form's version; otherwise every
    field whose saved value differs from the submitted one is listed, and nothing is taken."""

    model = type(current)
    submitted = getattr(form, "cleaned_data", {}) or {}
    lines, take = [], {}
    base = version_with_lock_value(model, current.pk, expected)
    latest = versions_for(model, current.pk).order_by("-pk").first() if base else None
    if base is not None and latest is not None and latest.pk != base.pk:
        base_values = base.field_dict
        for change in changes_between(base, latest):
            if change.name in form.fields and change.name in submitted:
                model_field = model._meta.get_field(change.name)
                yours = submitted[change.name]
                untouched = not model_field.many_to_many and _norm(yours) == _norm(
                    base_values.get(model_field.attname)
                )
                value = _form_value(form.fields[change.name], model_field, current)
                if untouched and value is not None:
                    take[change.name] = value
                    lines.append(
                        f"{change.label}: saved meanwhile as “{_clip(change.new)}”. You had not "
                        "changed it, so the form now shows that value."
                    )
                else:
                    lines.append(
                        f"{change.label}: saved meanwhile as “{_clip(change.new)}” (was "
                        f"“{_clip(change.old)}”); you submitted "
                        f"“{_clip(_as_text(model_field, yours))}”, which the form keeps."
                    )
            else:
                lines.append(f"{change.label}: changed meanwhile — {_clip(change.summary, 240)}.")
        if lines:
            return lines, take
    for name in form.fields:
        if name not in submitted:
            continue
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a form-only field
            continue
        now, yours = _current_text(current, model_field), _as_text(model_field, submitted[name])
        if now != yours:
            label = capfirst(str(model_field.verbose_name))
            lines.append(f"{label}: now “{_clip(now)}”; you submitted “{_clip(yours)}”.")
    return lines, take


# Admin -----------------------------------------------------------------------------------


class LockedFormMixin:
    """Model form part: carries the version the page was opened on and refuses a save when the
    record has moved on since, listing the differences and keeping the submitted values."""

    lock_request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if FORM_FIELD in self.fields and self.instance.pk is not None:
            self.fields[FORM_FIELD].initial = getattr(self.instance, LOCK_FIELD)

    def clean(self):
        cleaned = super().clean()
        if FORM_FIELD not in self.fields or self.instance.pk is None:
            return cleaned
        expected = cleaned.get(FORM_FIELD)
        model = type(self.instance)
        # Lock the row for the rest of this save's transaction: nobody can slip in between
        # this check and the counter update in save_model.
        current = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError("This record was deleted by someone else while you edited it.")
        now = getattr(current, LOCK_FIELD)
        if expected == now:
            return cleaned
        details, take = (
            conflict_details(self, current, expected) if expected is not None else ([], {})
        )

        latest = versions_for(model, current.pk).order_by("-pk").first()
        who = ""
        if latest is not None and getattr(latest, "revision", None) is not None:
            user = latest.revision.user
            when = formats.localize(template_localtime(latest.revision.date_created))
            who = f" by {user.get_username() if user else 'someone'} at {when}"
        headline = (
            f"Not saved: this {model._meta.verbose_name} was saved{who} while you were editing "
            "it, and those changes are kept. Your values are still in the form below. Review the "
            "differences listed here, then save again to keep yours."
        )
        if self.lock_request is not None:
            messages.error(self.lock_request, headline)
        # Saving again from this page is deliberate: carry the current version, and the values
        # only the other person changed.
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix(FORM_FIELD)] = str(now)
            for name, value in take.items():
                key = self.add_prefix(name)
                if value is True:
                    self.data[key] = "on"
                elif value is False:
                    self.data.pop(key, None)
                else:
                    self.data[key] = value
        if self.lock_request is None:  # no message area: the form says it all
            raise ValidationError([headline, *details])
        raise ValidationError(
            ["Changed since you opened this page:", *details]
            if details
            else ["Saved by someone else since you opened this page."]
        )


class OptimisticLockAdminMixin:
    """Change forms carry the record's version in a hidden field; `save_model` moves the counter
    on only from that version (in the same transaction as the save)."""

    def _lock_applies(self, obj) -> bool:
        return obj is not None and obj.pk is not None and has_lock(self.model)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._lock_applies(obj):
            base = kwargs.get("form", self.form)
            attrs = {
                FORM_FIELD: forms.IntegerField(widget=forms.HiddenInput, required=True),
                "lock_request": request,
                "__module__": __name__,
            }
            kwargs["form"] = type(f"Locked{base.__name__}", (LockedFormMixin, base), attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._lock_applies(obj) and FORM_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (None, {"fields": [FORM_FIELD], "classes": ["hidden"]})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change and self._lock_applies(obj):
            expected = form.cleaned_data.get(FORM_FIELD) if FORM_FIELD in form.fields else None
            if expected is None:
                bump_version(obj)
            else:
                setattr(obj, LOCK_FIELD, claim_version(type(obj), obj.pk, expected))
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict:
            # Only reachable if a save slipped past the form's row lock; that save's
            # transaction has rolled back, and rendering again shows the conflict in the form.
            return super().changeform_view(request, object_id, form_url, extra_context)
