"""Helpers for tests that drive the Django admin's forms as a browser would."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormParser(HTMLParser):
    """The fields of the first POST form with `id` ending in `_form` (the admin change form),
    as a browser would submit them: inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.in_form, self.select, self.textarea, self.text = [], False, None, None, ""
        self.first_option = self.chosen = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select, self.multiple, self.first_option, self.chosen = (
                name,
                "multiple" in a,
                None,
                False,
            )
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.data.append((self.select, a.get("value", "")))
                self.chosen = True
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            # A browser submits a single select's first option when none is marked selected.
            if not self.chosen and not self.multiple and self.first_option is not None:
                self.data.append((self.select, self.first_option))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_data(response) -> dict:
    """POST data for the admin form in `response` (a list where a name repeats)."""
    parser = _FormParser()
    parser.feed(response.content.decode())
    data: dict = {}
    for name, value in parser.data:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
