"""Small named vocabularies (archives, types, funders, languages, collections, subjects):
loaded once per import, matched by any of their names, created when the import is written."""

from django.core.exceptions import ValidationError

from archive.curation.slugs import next_free, slug_base
from documents.interchange.importing.report import LABELS
from documents.interchange.importing.values import flat
from documents.models import Collection, DocumentType, Funder, Language, Repository, Subject


def _name_keys(obj):
    return [obj.name, obj.slug]


def _repository_keys(obj):
    return [obj.name, obj.slug, obj.abbreviation, str(obj), f"{obj.name} ({obj.abbreviation})"]


def load_vocabularies() -> dict[str, "Vocabulary"]:
    return {
        "repository": Vocabulary(Repository, "repository", _repository_keys),
        "document_type": Vocabulary(DocumentType, "document_type", _name_keys),
        "funder": Vocabulary(Funder, "funder", _name_keys),
        "language": Vocabulary(Language, "language", lambda o: [o.code, o.name]),
        "collection": Vocabulary(Collection, "collection", lambda o: [o.slug, o.title]),
        "subject": Vocabulary(Subject, "subject", _name_keys),
    }


# The file's top-level vocabulary lists, and the fields each entry may give.
DECLARED = {
    "repositories": (
        "repository",
        ["name", "abbreviation", "location", "url", "description", "slug"],
    ),
    "document_types": ("document_type", ["name", "description", "slug"]),
    "funders": ("funder", ["name", "slug"]),
    "languages": ("language", ["code", "name"]),
    "collections": ("collection", ["title", "slug", "description"]),
    "subjects": ("subject", ["name", "slug", "description"]),
}


def declare_vocabularies(vocab: dict, declared: dict, report) -> None:
    for key, (kind, allowed) in DECLARED.items():
        for entry in declared[key]:
            vocab[kind].declare(entry, allowed, report)


def display_name(obj) -> str:
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or obj)


class Vocabulary:
    """A small named vocabulary (archives, types, funders...), loaded once, matched by any of
    its names case-insensitively; new entries are created when the import is written."""

    def __init__(self, model, kind, keys):
        self.model, self.kind, self.keys = model, kind, keys
        self.index, self.new, self.by_pk = {}, [], {}
        self.slugs = set()
        for obj in model.objects.all():
            self.add(obj)
            self.by_pk[obj.pk] = obj
            self.slugs.add(getattr(obj, "slug", None))

    def add(self, obj, extra=()):
        for key in [*self.keys(obj), *extra]:
            if key:
                self.index.setdefault(key.strip().lower(), obj)

    def get(self, name):
        return self.index.get(str(name).strip().lower())

    def names(self, pks) -> list[str]:
        """Display names of existing entries, sorted (for the dry run's before/after)."""
        return sorted(display_name(self.by_pk[pk]) for pk in pks if pk in self.by_pk)

    def create(self, name, report, **fields):
        name_field = "title" if self.model is Collection else "name"
        obj = self.model(**{name_field: name}, **fields)
        self._slug(obj, fields.get("slug") or name)
        self.new.append(obj)
        self.add(obj)
        report.created[self.kind].append(name)
        return obj

    def declare(self, entry, allowed, report):
        values = {k: str(entry.get(k) or "").strip() for k in allowed if entry.get(k) is not None}
        name = values.get("title") or values.get("name")
        if not name or (self.model is Language and not values.get("code")):
            report.errors.append(f"A declared {LABELS[self.kind][0]} needs a name: {entry}.")
            return
        if any(self.get(values[k]) for k in ("slug", "code", "name", "title") if values.get(k)):
            return  # already known: declared vocabularies never overwrite curated entries
        obj = self.model(**values)
        self._slug(obj, values.get("slug") or name)
        try:
            obj.clean_fields(exclude=["slug"])
        except ValidationError as exc:
            report.errors.append(f"{LABELS[self.kind][0].capitalize()} “{name}”: {flat(exc)}")
            return
        self.new.append(obj)
        self.add(obj)
        report.created[self.kind].append(name)

    def _slug(self, obj, source):
        if not hasattr(obj, "slug"):
            return
        obj.slug = next_free(slug_base(source, self.kind.replace("_", "-")), self.slugs)
        self.slugs.add(obj.slug)

    def save_new(self):
        for obj in self.new:
            obj.save()
