"""Import benchmark: `python bench/import_bench.py [--rows 10000] [--format csv|json]`.

Generates a corpus of N documents linked to people, organizations, places and subjects,
imports it into a throwaway database created on the configured server (DATABASE_URL, or the
embedded one) and dropped afterwards, then imports it again (every row unchanged), and
prints rows/second and total seconds for both. The target: 10,000 rows in under 60 seconds.
"""

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")

ROLES = ["author", "signatory", "recipient", "mentioned"]
PLACE_ROLES = ["origin", "destination", "mentioned"]


def corpus(rows: int, seed: int = 1935) -> dict:
    """Documents in the importer's JSON shape, with shared entity pools and their variants."""
    rng = random.Random(seed)
    people = [
        {"name": f"Person {n} Ivanov", "variants": [f"P. {n} Ivanov", f"Ivanov {n}"]}
        for n in range(max(50, rows // 5))
    ]
    organizations = [
        {"name": f"Commissariat Number {n}", "abbreviation": f"NK{n}"}
        for n in range(max(20, rows // 25))
    ]
    places = [
        {"name": f"Town {n}", "variants": [f"Gorod {n}"], "kind": "town"}
        for n in range(max(20, rows // 30))
    ]
    archives = [
        "Russian State Archive of Socio-Political History (RGASPI)",
        "State Archive of the Russian Federation (GARF)",
        "Archive of Foreign Policy of the Russian Federation (AVPRF)",
    ]
    documents = []
    for n in range(1, rows + 1):
        day = f"19{35 + n % 11}-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        documents.append(
            {
                "record_number": n,
                "title": f"Report no. {n} on the situation in Xinjiang",
                "date": day if n % 10 else day[:7],
                "summary": f"Summary of report {n}: troops, trade and the consulate.",
                "document_type": rng.choice(["Report", "Telegram", "Decision", "Letter"]),
                "source": f"GARF, f. 9401, op. 2, d. {n}, ll. 1-3",
                "original_archive": rng.choice(archives),
                "obtained_by": "Jamil Hasanli",
                "translated_by": "Gary Goldberg",
                "funders": ["MacArthur Foundation"],
                "original_languages": ["Russian"],
                "people": [
                    {"name": p["name"], "role": rng.choice(ROLES)} for p in rng.sample(people, 3)
                ],
                "organizations": [
                    {"name": o["abbreviation"], "role": rng.choice(ROLES)}
                    for o in rng.sample(organizations, 2)
                ],
                "places": [
                    {"name": p["name"], "role": rng.choice(PLACE_ROLES)}
                    for p in rng.sample(places, 2)
                ],
                "topics": [f"Topic {t}" for t in rng.sample(range(200), 2)],
                "full_text": f"<p>Full text of report {n}.</p>",
            }
        )
    return {
        "documents": documents,
        "people": people,
        "organizations": organizations,
        "places": places,
    }


def as_csv(data: dict) -> str:
    """The same documents as CSV (entity lists do not fit a CSV; names are enough)."""
    from documents.interchange.formats import CSV_COLUMNS, format_link, join_multi

    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for doc in data["documents"]:
        row = dict(doc)
        for key in ("people", "organizations", "places"):
            row[key] = join_multi(format_link(x["name"], x["role"], False, "") for x in doc[key])
        for key in ("funders", "original_languages"):
            row[key] = join_multi(doc[key])
        row["subjects"] = join_multi(doc["topics"])
        writer.writerow(row)
    return stream.getvalue()


def run(label, content, fmt, rows):
    from documents.interchange.importing import import_file

    started = time.perf_counter()
    report = import_file(content, fmt, dry_run=False, create_repositories=True)
    seconds = time.perf_counter() - started
    if not report.written:
        problems = report.errors + [
            f"row {r.number}: {' '.join(r.messages)}" for r in report.rows if r.action == "rejected"
        ]
        raise SystemExit(f"{label} failed:\n" + "\n".join(problems[:20]))
    print(
        f"{label:<22} {rows:>6} rows in {seconds:6.2f} s = {rows / seconds:8.0f} rows/s  "
        f"({report.summary()})"
    )
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    # A throwaway database on the configured server: created, migrated, dropped at the end.
    connection.settings_dict.setdefault("TEST", {})
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_import_bench"
    old_name = connection.settings_dict["NAME"]
    print(f"Creating a throwaway database {connection.settings_dict['TEST']['NAME']}...")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        data = corpus(args.rows)
        content = json.dumps(data) if args.format == "json" else as_csv(data)
        print(f"Corpus: {args.rows} documents, {len(content) / 1e6:.1f} MB of {args.format}")
        first = run("import (all new)", content, args.format, args.rows)
        run("re-import (unchanged)", content, args.format, args.rows)
        from documents.models import Document, DocumentPerson

        print(
            f"Database now holds {Document.objects.count()} documents, "
            f"{DocumentPerson.objects.count()} person links."
        )
        verdict = "under" if first < 60 else "OVER"
        print(f"Total for the first import: {first:.2f} s ({verdict} the 60 s target).")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
