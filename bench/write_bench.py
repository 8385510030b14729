"""Time one document write: `python bench/write_bench.py [--documents 300]` (uses DATABASE_URL).

Makes a throwaway database, migrates it, loads `--documents` drafts of realistic size (title,
summary, three paragraphs of translation, a Russian original, three linked people, two
places and a subject), then times, each in its own transaction as the admin saves them:

- "service": `document_update` changing the title and the translation (the whole write path:
  publication rule, sanitizing, history, search upkeep, the outbox trigger);
- "row": the bare `UPDATE` of the same two columns, which is where PostgreSQL computes any
  generated column of the row.

Median and p95 in milliseconds; the database is dropped afterwards. `--with-vector` migrates
only to `documents 0008`, the schema that still stored PostgreSQL's search vector (a generated
column with a GIN index), to compare the cost of a write with and without it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

WORDS = (
    "the consulate reported that troops of the division moved towards Ürümqi while the "
    "commissariat discussed gold oil tin and the caravan road with the provincial government "
    "envoy secret telegram delegation garrison border trade agreement negotiations"
).split()


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def setup(url: str, with_vector: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_INLINE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if with_vector:
        call_command("migrate", "documents", "0008", verbosity=0)


def load(count: int) -> list[int]:
    from documents.models import Document, DocumentPerson, DocumentPlace, Subject
    from people.models import Person, Place

    rng = random.Random(1935)
    people = [Person.objects.create(name=f"Person {i}", slug=f"p-{i}") for i in range(50)]
    places = [Place.objects.create(name=f"Place {i}", slug=f"pl-{i}") for i in range(20)]
    subject = Subject.objects.create(name="Trade", slug="trade")
    ids = []
    for i in range(count):
        paragraphs = "".join(f"<p>{text(rng, 100)}</p>" for _ in range(3))
        doc = Document.objects.create(
            title=text(rng, 7), summary=text(rng, 30), full_text=paragraphs,
            original_text=f"<p>{text(rng, 40)}</p>", date_precision="undated", slug=f"d-{i}",
        )  # fmt: skip
        for person in rng.sample(people, 3):
            DocumentPerson.objects.create(document=doc, person=person, role="mentioned")
        for place in rng.sample(places, 2):
            DocumentPlace.objects.create(document=doc, place=place, role="mentioned")
        doc.subjects.add(subject)
        ids.append(doc.pk)
    return ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_writes(ids: list[int]) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from documents.models import Document
    from documents.services.documents import document_update

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    rng = random.Random(1945)
    service, row = [], []
    for pk in ids:
        doc = Document.objects.get(pk=pk)
        data = {"title": text(rng, 7), "full_text": f"<p>{text(rng, 300)}</p>"}
        started = time.perf_counter()
        document_update(document=doc, data=data, user=user)
        service.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE documents_document SET title = %s, full_text = %s WHERE id = %s",
                [text(rng, 7), f"<p>{text(rng, 300)}</p>", pk],
            )
        row.append((time.perf_counter() - started) * 1000)
    for label, values in (("service", service), ("row", row)):
        print(
            f"{label:<8} median {statistics.median(values):6.2f} ms   "
            f"p95 {percentile(values, 0.95):6.2f} ms   ({len(values)} writes)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--with-vector", action="store_true", help="the schema before 0009")
    args = parser.parse_args()
    with throwaway_database("writebench") as url:
        setup(url, args.with_vector)
        ids = load(args.documents)
        time_writes(ids)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
