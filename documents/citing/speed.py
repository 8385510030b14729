"""citeproc-py (0.9 to 0.11) answering its most frequent questions faster, with the same answers.

Profiling a document's forms showed most of their time in questions citeproc-py asks again and
again while rendering:

- `get_macro(name)` runs an XPath search over the whole style for every `<text macro=...>`
  (hundreds per form; about 40 % of the time);
- `calls_variable()` of a macro walks through every macro it calls, recursively, each time a
  `<group>` asks whether a child calls a variable (another 30 %);
- `Locale.get_term(...)` runs an XPath search over a locale's terms for every term;
- `CitationItem.reference` (asked for every `<if variable=...>`) goes through three attribute
  lookups that each fail before `CustomDict.__getattr__` finds the value in the dict.

`install()` (run once, by `documents.citing.styles`) replaces these. The first three depend on
the style's XML alone and are remembered on the element asked: the style root (macros,
`calls_variable`) or the locale (terms), in a dict in the element's `__dict__`, next to what
citeproc-py keeps there itself (`formatter`, `locales`, `style`). The memo lives and dies with
the element proxy the style object holds (`style.root`, `style.root.locales`), so no answer
outlives its tree or reaches another tree (no `id()` keys; an element nobody holds just loses
its memo and asks again). No answer can change while rendering: citeproc-py never adds or
removes a macro or a term, and `calls_variable` reads only element names and attributes; the
one element citeproc-py ever inserts (`Name`, into a `<names>` without `<name>`, in
`Names.process`) sits where `calls_variable` never looks (`Names.calls_variable` is always
True). A missing macro is not remembered and raises as before; a missing term is remembered as
missing and raises `IndexError` as before. `reference` reads the same dict entries directly,
and falls back to citeproc-py's own property when one is missing (raising as before).
"""

from citeproc import model
from citeproc.source import CitationItem

_MACROS = "_archive_macros"
_CALLS_VARIABLE = "_archive_macro_calls_variable"
_TERMS = "_archive_terms"
_NO_TERM = object()

_get_macro = model.CitationStylesElement.get_macro
_text_calls_variable = model.Text.calls_variable
_get_term = model.Locale.get_term
_reference = CitationItem.reference
_entry = dict.__getitem__


def _remember(element, memo: str, key, compute):
    """`compute()`, remembered under `key` in the dict `memo` kept on `element` (in its
    `__dict__`: a missing attribute of a citeproc-py element is looked up as a child)."""
    known = vars(element).setdefault(memo, {})
    if key not in known:
        known[key] = compute()
    return known[key]


def _remembered_macro(self, name):
    return _remember(self.get_root(), _MACROS, name, lambda: _get_macro(self, name))


def _remembered_calls_variable(self):
    name = self.get("macro")
    if "variable" in self.attrib or name is None:
        return _text_calls_variable(self)
    compute = lambda: self.get_macro(name).calls_variable()  # noqa: E731
    return _remember(self.get_root(), _CALLS_VARIABLE, name, compute)


def _term_or_missing(locale, key):
    try:
        return _get_term(locale, *key)
    except IndexError:
        return _NO_TERM


def _remembered_term(self, name, form=None, zero_padded=False):
    key = (name, form, zero_padded)
    term = _remember(self, _TERMS, key, lambda: _term_or_missing(self, key))
    if term is _NO_TERM:
        raise IndexError(name)
    return term


def _direct_reference(self):
    """`self.citation.bibliography.source[self.key]`, the entries read from the dicts."""
    try:
        bibliography = _entry(_entry(self, "citation"), "bibliography")
        return bibliography.source[_entry(self, "key")]
    except KeyError:
        return _reference.fget(self)


def install() -> None:
    """Put the faster lookups in place (once: a second call does nothing)."""
    if model.CitationStylesElement.get_macro is _remembered_macro:
        return
    model.CitationStylesElement.get_macro = _remembered_macro
    model.Text.calls_variable = _remembered_calls_variable
    model.Locale.get_term = _remembered_term
    CitationItem.reference = property(_direct_reference)
