"""The document change form: one date input for the partial date, read by the one parser
(archive.partialdates), instead of the model's precision, earliest, latest and circa columns."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from archive.partialdates import PartialDate
from documents.models import Document

DATE_COLUMNS = ("date_precision", "date_earliest", "date_latest", "date_circa")


class PartialDateField(forms.Field):
    """A partial date typed as historians write it; blank means undated."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "%(reason)s"}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "64", "class": "vTextField"}

    def prepare_value(self, value):
        return value.input_text() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        text = str(value or "").strip()
        try:
            return PartialDate.parse(text)
        except ValueError as exc:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"reason": str(exc)}
            ) from None


def _formfield(db_field, **kwargs):
    """Addresses typed without a scheme are taken as https (Django 6's default, chosen now)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DocumentForm(forms.ModelForm):
    date = PartialDateField(
        label="Date",
        help_text="As written: 1945-07-12, 1941-02, 1936, a range 1935/1936, circa c. 1936 "
        "(or 1936~). Leave blank when the document is undated.",
    )

    class Meta:
        model = Document
        exclude = DATE_COLUMNS  # noqa: DJ006 - the admin's fieldsets name the fields shown
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "date" not in self.initial:
            self.initial["date"] = self.instance.date

    def _update_errors(self, errors):
        """The model reports date problems on its date columns; show them on the one input
        (or not at all when the input itself was already refused)."""
        if hasattr(errors, "error_dict"):
            moved = [e for name in DATE_COLUMNS for e in errors.error_dict.pop(name, [])]
            if moved and "date" not in self._errors:
                errors.error_dict.setdefault("date", []).extend(moved)
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("date")
        if isinstance(value, PartialDate):
            instance = self.instance
            instance.date_precision, instance.date_circa = value.precision, value.circa
            instance.date_earliest, instance.date_latest = value.earliest, value.latest
        return cleaned
