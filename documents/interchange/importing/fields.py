"""The document fields an import writes, named as in the file, with their values as a reader of
the dry run sees them."""

from django.utils import formats
from django.utils.timezone import template_localtime

from archive.partialdates import PartialDate
from documents.interchange.importing.report import EMPTY
from documents.interchange.importing.values import identity
from documents.interchange.importing.vocabularies import display_name
from documents.services.publication import status_label

# File key -> model field, for text copied as given (stripped). The HTML ones (full_text,
# original_text) are sanitized by `prepare_document`, like every other write.
TEXT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "source": "source_citation",
    "obtained_by": "obtained_by",
    "translated_by": "translated_by",
    "archive_url": "source_url",
    "original_classification": "original_classification",
    "rights": "rights",
    "internal_notes": "internal_notes",
    "full_text": "full_text",
    "original_text": "original_text",
}
# Model fields an import may write, in the order changes are reported.
WRITTEN_FIELDS = [
    "title",
    "date_precision",
    "date_earliest",
    "date_latest",
    "date_circa",
    "summary",
    "document_type",
    "source_citation",
    "repository",
    "obtained_by",
    "translated_by",
    "source_url",
    "original_classification",
    "rights",
    "status",
    "publish_on",
    "published_at",
    "slug",
    "full_text",
    "original_text",
    "internal_notes",
]
_FILE_NAMES = {model: key for key, model in TEXT_FIELDS.items()}
_FILE_NAMES.update(
    {
        "repository": "original_archive",
        "date_precision": "date",
        "date_earliest": "date",
        "date_latest": "date",
        "date_circa": "date",
    }
)
CLIP = 100


def reference(doc, name):
    """The foreign key's identity without a query (planned objects have no pk yet)."""
    fld = doc._meta.get_field(name)
    if fld.is_cached(doc):
        return identity(fld.get_cached_value(doc))
    return getattr(doc, fld.attname)


def written_values(doc) -> dict:
    """The values of the fields an import may write, to write only those it changes."""
    return {
        name: reference(doc, name)
        if name in ("document_type", "repository")
        else getattr(doc, name)
        for name in WRITTEN_FIELDS
    }


def change_names(model_fields) -> list[str]:
    """File names of changed model fields, each once, in the report's order."""
    return list(dict.fromkeys(_FILE_NAMES.get(name, name) for name in model_fields))


def _clip(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        return EMPTY
    return text if len(text) <= CLIP else text[: CLIP - 1] + "…"


def _moment(value) -> str:
    return formats.localize(template_localtime(value)) if value else EMPTY


def _named(obj, name) -> str:
    if obj is None:
        return EMPTY
    return str(obj) if name == "repository" else display_name(obj)


def _value(values: dict, doc, name: str, vocab):
    """A stored value (`values`, from `written_values`) or, for a relation to an entry the
    import creates, the planned object on `doc`."""
    value = values[name]
    if name in ("document_type", "repository"):
        if isinstance(value, tuple):  # ("new", id): planned, not yet saved
            return _named(doc._meta.get_field(name).get_cached_value(doc), name)
        table = vocab["document_type" if name == "document_type" else "repository"]
        return _named(table.by_pk.get(value), name)
    return value


def display(values: dict, key: str, doc, vocab) -> str:
    """File field `key` as the dry run shows it, from written values (no queries)."""
    if key == "date":
        date = PartialDate(
            values["date_precision"],
            values["date_earliest"],
            values["date_latest"],
            values["date_circa"],
        )
        return date.display()
    if key == "status":
        return status_label(values["status"])
    if key in ("publish_on", "published_at"):
        return _moment(values[key])
    if key == "slug":
        return values["slug"] or EMPTY
    if key == "document_type":
        return _value(values, doc, "document_type", vocab)
    if key == "original_archive":
        return _value(values, doc, "repository", vocab)
    return _clip(values[TEXT_FIELDS[key]])
