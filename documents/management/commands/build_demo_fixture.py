"""Build `fixtures/demo.json` from the seed facts about the 19 Xinjiang/NKVD documents.

The fixture uses natural keys only (no primary keys), fixed timestamps and record numbers
1..19 in date order, so `loaddata demo` fills an empty database and reloading changes nothing.
Only facts in the seed go in: a null in the seed stays empty here.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from archive.curation.slugs import slug_base
from archive.partialdates import PartialDate

# Fixed, so that loading the fixture twice leaves every value as it was.
TIMESTAMP = "2025-01-01T00:00:00Z"

COLLECTION = {
    "title": "Xinjiang and the NKVD, 1935–1945",
    "slug": "xinjiang-and-the-nkvd-1935-1945",
    "description": (
        "Nineteen Soviet documents of 1935–1945 on Xinjiang and the work of the NKVD there: "
        "Politburo decisions and minutes excerpts, and NKVD reports, letters and telegrams to "
        "Stalin, Molotov and Beria, held by the Russian State Archive of Socio-Political "
        "History (RGASPI) and the State Archive of the Russian Federation (GARF)."
    ),
}

# Seed archive names → repository records. Short slugs match tests/factories.py.
REPOSITORIES = {
    "Russian State Archive of Socio-Political History (RGASPI)": {
        "name": "Russian State Archive of Socio-Political History",
        "slug": "rgaspi",
        "abbreviation": "RGASPI",
        "location": "Moscow, Russia",
    },
    "State Archive of the Russian Federation (GARF)": {
        "name": "State Archive of the Russian Federation",
        "slug": "garf",
        "abbreviation": "GARF",
        "location": "Moscow, Russia",
    },
}

LANGUAGES = {"Russian": "ru"}

# The seed names this body as a parent but gives it no entry of its own.
IMPLIED_ORGANIZATIONS = {
    "All-Union Communist Party (Bolsheviks)": {"abbreviation": "VKP(b)"},
}

# Names already written family name first, or whose last word is no family name.
SORT_AS_WRITTEN = {"Ma Zhongying", "Sheng Shicai", "Ospan Batyr", "Alihan Tore Shakirjan"}

# Seed place kinds that are not among Place.Kind.
PLACE_KINDS = {"locality": "other"}

SUMMARY_SOURCES = {
    "archive": "Summary: as listed by the archive.",
    "own words": "Summary: written for this dataset from the document's facts.",
}

UNCERTAIN_ENTITY = "Seed data flags this entry as uncertain: its facts are disputed or thin."


def _record(model: str, fields: dict) -> dict:
    return {"model": model, "fields": fields}


def _sort_name(name: str) -> str:
    words = name.split()
    if name in SORT_AS_WRITTEN or len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def _partial_date(seed_doc: dict) -> PartialDate:
    precision, text = seed_doc["date_precision"], seed_doc["date"]
    text = {"day": text, "month": text[:7], "year": text[:4]}.get(precision)
    if text is None:
        raise CommandError(f"{seed_doc['id']}: unknown date precision {precision!r}")
    value = PartialDate.parse(text)
    if value.precision != precision:
        raise CommandError(f"{seed_doc['id']}: date {seed_doc['date']} is not {precision}")
    return value


def _slugs(entries: list[dict]) -> dict[str, str]:
    slugs = {entry["name"]: slugify(entry["name"]) for entry in entries}
    if len(set(slugs.values())) != len(slugs):
        raise CommandError("Two seed entities share a slug; give one an explicit slug.")
    return slugs


def _uncertain_links(seed_doc: dict) -> set[tuple[str, str]]:
    """(kind, name-or-abbreviation) pairs whose link the seed marks as inferred."""
    marked = set()
    for field in seed_doc["verification"].get("uncertain_fields", []):
        kind, _, rest = field.partition("[")
        if rest:
            marked.add((kind, rest.split("]")[0]))
    return marked


def _internal_notes(seed_doc: dict) -> str:
    verification = seed_doc["verification"]
    lines = [SUMMARY_SOURCES.get(seed_doc["summary_source"], seed_doc["summary_source"])]
    lines.append(
        f"Verification ({verification['status'].replace('_', ' ')}): {verification['notes']}"
    )
    inferred = [f for f in verification.get("uncertain_fields", []) if "[" not in f]
    if inferred:
        lines.append(
            "Inferred rather than read: " + ", ".join(f.replace("_", " ") for f in inferred)
        )
    if seed_doc["funders"] is None:
        lines.append("Funders: the document page was not seen.")
    lines.append("Original language inferred (Soviet Party/NKVD records), not read from the page.")
    return "\n".join(lines)


def build_fixture(seed: dict) -> list[dict]:
    """The fixture's records, in an order that loads without forward references."""
    people, organizations, places = seed["people"], seed["organizations"], seed["places"]
    for name, extra in IMPLIED_ORGANIZATIONS.items():
        if all(o["name"] != name for o in organizations):
            organizations = [
                *organizations,
                {"name": name, "parent": None, "implied": True, **extra},
            ]
    slugs = {"people": _slugs(people), "organizations": _slugs(organizations)}
    slugs["places"] = _slugs(places)
    documents = sorted(seed["documents"], key=lambda d: (_partial_date(d).earliest, d["id"]))

    out = _vocabulary_records(documents)
    out += _organization_records(organizations, slugs["organizations"])
    out += [_person_record(person, slugs["people"]) for person in people]
    out += [_place_record(place, slugs["places"]) for place in places]
    links, tags = [], []
    for number, seed_doc in enumerate(documents, start=1):
        out.append(_document_record(number, seed_doc))
        links += _link_records(number, seed_doc, slugs)
        tags += [
            _record(
                "documents.taggeddocument",
                {"content_object": [number], "tag": [slugify(topic)]},
            )
            for topic in seed_doc["topics"]
        ]
    return out + links + tags


def _vocabulary_records(documents: list[dict]) -> list[dict]:
    """Languages, types, archives, funders, the collection and the subjects the seed uses."""
    out = [
        _record("documents.language", {"code": code, "name": name})
        for name, code in LANGUAGES.items()
    ]
    for name in sorted({d["document_type"] for d in documents}):
        out.append(_record("documents.documenttype", {"name": name, "slug": slugify(name)}))
    for repository in REPOSITORIES.values():
        out.append(_record("documents.repository", {**repository, "url": "", "description": ""}))
    for name in sorted({f for d in documents for f in d["funders"] or []}):
        out.append(_record("documents.funder", {"name": name, "slug": slugify(name)}))
    out.append(
        _record(
            "documents.collection",
            {**COLLECTION, "created_at": TIMESTAMP, "updated_at": TIMESTAMP},
        )
    )
    topics = sorted({t for d in documents for t in d["topics"]})
    if len({slugify(t) for t in topics}) != len(topics):
        raise CommandError("Two seed topics share a slug.")
    for topic in topics:
        out.append(_record("documents.subject", {"name": topic, "slug": slugify(topic)}))
    return out


def _person_record(person: dict, slugs: dict[str, str]) -> dict:
    return _record(
        "people.person",
        {
            "name": person["name"],
            "slug": slugs[person["name"]],
            "sort_name": _sort_name(person["name"]),
            "variants": "\n".join(person["variants"]),
            "description": person["description"] or "",
            "certainty_note": person.get("uncertain_note") or "",
            "notes": UNCERTAIN_ENTITY if person.get("uncertain") else "",
            "birth": str(person["birth_year"] or ""),
            "death": str(person["death_year"] or ""),
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
    )


def _place_record(place: dict, slugs: dict[str, str]) -> dict:
    note = place.get("note") or ""
    uncertain = bool(place.get("uncertain"))
    return _record(
        "people.place",
        {
            "name": place["name"],
            "slug": slugs[place["name"]],
            "kind": PLACE_KINDS.get(place["kind"], place["kind"]),
            "variants": "\n".join(place["variants"]),
            "description": "" if uncertain else note,
            "certainty_note": note if uncertain else "",
            "notes": UNCERTAIN_ENTITY if uncertain else "",
            "parent": None,
            "latitude": None if place["lat"] is None else f"{place['lat']:.5f}",
            "longitude": None if place["lon"] is None else f"{place['lon']:.5f}",
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
    )


def _link_records(number: int, seed_doc: dict, slugs: dict[str, dict[str, str]]) -> list[dict]:
    """The document's person, organization and place links, each (entity, role) once."""
    marked = _uncertain_links(seed_doc)
    links, seen = [], set()
    for kind, model in (
        ("people", "documents.documentperson"),
        ("organizations", "documents.documentorganization"),
    ):
        field = model.removeprefix("documents.document")
        for entry in seed_doc[kind]:
            key = (field, slugs[kind][entry["name"]], entry["role"])
            if key in seen:
                continue
            seen.add(key)
            names = {entry["name"], entry.get("abbreviation")}
            uncertain = bool(entry.get("uncertain")) or any((kind, n) in marked for n in names)
            fields = {"document": [number], field: [key[1]], "role": entry["role"]}
            links.append(_record(model, {**fields, "uncertain": uncertain, "note": ""}))
    for name in dict.fromkeys(seed_doc["places"]):
        fields = {"document": [number], "place": [slugs["places"][name]], "role": "mentioned"}
        uncertain = ("places", name) in marked
        links.append(
            _record("documents.documentplace", {**fields, "uncertain": uncertain, "note": ""})
        )
    return links


def _organization_records(organizations: list[dict], slugs: dict[str, str]) -> list[dict]:
    """Organizations, each after its parent."""
    by_name = {o["name"]: o for o in organizations}
    ordered: list[dict] = []

    def visit(org: dict, path: tuple[str, ...]) -> None:
        if org in ordered:
            return
        if org["name"] in path:
            raise CommandError(f"Organization parents loop at {org['name']}")
        parent = org.get("parent")
        if parent:
            if parent not in by_name:
                raise CommandError(f"{org['name']}: parent {parent!r} is not in the seed")
            visit(by_name[parent], (*path, org["name"]))
        ordered.append(org)

    for org in organizations:
        visit(org, ())
    records = []
    for org in ordered:
        variants = [org["archive_heading"]] if org.get("archive_heading") else []
        notes = []
        if org.get("uncertain"):
            notes.append(UNCERTAIN_ENTITY)
        if org.get("implied"):
            notes.append("Named in the seed data as a parent body; it has no entry of its own.")
        records.append(
            _record(
                "people.organization",
                {
                    "name": org["name"],
                    "slug": slugs[org["name"]],
                    "abbreviation": org.get("abbreviation") or "",
                    "variants": "\n".join(variants),
                    "description": org.get("description") or "",
                    "certainty_note": org.get("uncertain_note") or "",
                    "notes": "\n".join(notes),
                    "parent": [slugs[org["parent"]]] if org.get("parent") else None,
                    "founded": "",
                    "dissolved": "",
                    "created_at": TIMESTAMP,
                    "updated_at": TIMESTAMP,
                },
            )
        )
    return records


def _document_record(number: int, seed_doc: dict) -> dict:
    date = _partial_date(seed_doc)
    archive = seed_doc["original_archive"]
    if archive not in REPOSITORIES:
        raise CommandError(f"{seed_doc['id']}: unknown archive {archive!r}")
    language = seed_doc["original_language"]
    return _record(
        "documents.document",
        {
            "record_number": number,
            "slug": slug_base(seed_doc["title"], "document"),
            "title": seed_doc["title"],
            "date_precision": str(date.precision),
            "date_earliest": date.earliest.isoformat(),
            "date_latest": date.latest.isoformat(),
            "date_circa": date.circa,
            "summary": seed_doc["summary"] or "",
            "full_text": "",
            "original_text": "",
            "original_languages": [[LANGUAGES[language]]] if language else [],
            "document_type": [slugify(seed_doc["document_type"])],
            "source_citation": seed_doc["source"] or "",
            "repository": [REPOSITORIES[archive]["slug"]],
            "obtained_by": seed_doc["obtained_by"] or "",
            "translated_by": seed_doc["translated_by"] or "",
            "funders": [[slugify(f)] for f in seed_doc["funders"] or []],
            "rights": "",
            "original_classification": "",
            "source_url": seed_doc["archive_url"] or "",
            "collections": [[COLLECTION["slug"]]],
            "status": "published",
            "publish_on": None,
            "published_at": TIMESTAMP,
            "internal_notes": _internal_notes(seed_doc),
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
    )


class Command(BaseCommand):
    help = "Write fixtures/demo.json (natural keys, fixed values) from the seed JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "seed",
            nargs="?",
            default="fixtures/seed/xinjiang-nkvd.json",
            help="Seed JSON path; relative paths start at the project root.",
        )
        parser.add_argument(
            "--output",
            default="fixtures/demo.json",
            help="Where to write the fixture; relative paths start at the project root.",
        )

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        seed_path = root / options["seed"]
        output = root / options["output"]
        try:
            seed = json.loads(seed_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the seed {seed_path}: {exc}") from exc
        records = build_fixture(seed)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        counts: dict[str, int] = {}
        for record in records:
            counts[record["model"]] = counts.get(record["model"], 0) + 1
        summary = ", ".join(f"{n} {model}" for model, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {summary}"))
