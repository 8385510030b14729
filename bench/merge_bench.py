"""Time merging a person linked to 10,000 documents (the curation target: under 5 seconds).

    DATABASE_URL=postgres://... python bench/merge_bench.py [--links 10000] [--shared 100]

Builds the corpus in bulk inside a transaction, merges, prints the time and the number of
SQL statements, then rolls everything back: the database is left as it was.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from documents.models import Document, DocumentPerson  # noqa: E402
from people.merge import merge_entities, undo_merge  # noqa: E402
from people.models import Person  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000, help="documents linked to the loser")
    parser.add_argument("--shared", type=int, default=100, help="of which also to the survivor")
    args = parser.parse_args()

    try:
        with transaction.atomic():
            survivor = Person.objects.create(name="Sheng Shicai", slug="bench-sheng-shicai")
            loser = Person.objects.create(
                name="Sheng Shih-ts'ai", slug="bench-sheng-shih-tsai", variants="盛世才"
            )
            documents = Document.objects.bulk_create(
                Document(title=f"Bench report {i}", date_precision="undated")
                for i in range(args.links)
            )
            DocumentPerson.objects.bulk_create(
                [DocumentPerson(document=d, person=loser, role="mentioned") for d in documents]
                + [
                    DocumentPerson(document=d, person=survivor, role="author")
                    for d in documents[: args.shared]
                ]
            )
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = merge_entities(survivor, [loser])
                merged = time.perf_counter() - started
            moved = DocumentPerson.objects.filter(person=survivor).count()
            started = time.perf_counter()
            undo_merge(result.undo_revision)
            undone = time.perf_counter() - started
            print(
                f"merge of {args.links:,} links: {merged:.2f} s, {len(queries)} SQL statements; "
                f"survivor now has {moved:,} links; undo: {undone:.2f} s"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
