"""Reading-room benchmark: `python bench/search_bench.py [--documents 50000] [--runs 5]`.

Generates a corpus in bulk (documents with a few hundred words of text drawn from a Zipf-like
vocabulary, dated 1920–1991, linked to people, organizations, places with accented variants
and subjects; 90% published) in a throwaway database created on the configured server
(DATABASE_URL, or the embedded one) and dropped afterwards, refreshes `entity_text`, runs
ANALYZE, then times the public pages with Django's test client and prints the median and
p95 per page and its number of SQL queries. `--explain` also prints
EXPLAIN (ANALYZE, BUFFERS) of the main search query; `--keepdb` keeps (and reuses) the
database between runs.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")

SEED = 1935
BATCH = 2_000
COMMON_WORD = "troops"  # seeded into most documents
RARE_WORD = "zhongyingite"  # seeded into about 0.1% of them
PHRASE = "border trade agreement"  # seeded as a phrase into about 3%
REAL_WORDS = (
    "troops consulate trade border report telegram decision commissariat committee situation "
    "province rebellion supply weapons gold oil tin railway road caravan envoy agreement "
    "meeting secret instructions uprising refugees garrison airfield mission loan credit "
    "wool cotton horses grain delegation government army division regiment officers "
    "advisers negotiations treaty arrest investigation intelligence agents cipher "
    "Xinjiang Ürümqi Kashgar Ghulja Altai Tacheng Hami Turfan Khotan Yarkand Moscow"
).split()
FIRST = (
    "Ivan Pyotr Sergei Nikolai Ma Sheng Li Wang Zhang Bao Khoja Ahmet Mehmet Zühre "
    "Jürgen Aleksandr Dmitri Grigori Lavrentiy Vyacheslav Kliment Anastas Ürkesh Çolpan".split()
)
LAST = (
    "Ivanov Petrov Sidorov Beria Molotov Voroshilov Mikoyan Shicai Zhongying Hu Niyaz "
    "Burhan Isa Osman Batur Kasimi Görög Şahin Öztürk Müller Dzhurabaev Apresov Pogodin".split()
)
ROLES = ["author", "signatory", "recipient", "mentioned"]
PLACE_ROLES = ["origin", "destination", "mentioned"]


def vocabulary(rng: random.Random, size: int = 6_000) -> tuple[list[str], list[float]]:
    """Real words first (most frequent), then made-up ones; cumulative Zipf weights."""
    letters = "abcdefghijklmnoprstuvyz"
    made_up = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)}
    words = [w.lower() for w in REAL_WORDS] + sorted(made_up - {RARE_WORD})
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        cum.append(total)
    return words, cum


def text(rng, words, cum, n: int) -> str:
    return " ".join(rng.choices(words, cum_weights=cum, k=n))


def random_date(rng):
    """(precision, earliest, latest, circa) between 1920 and 1991; a few undated."""
    roll = rng.random()
    if roll < 0.02:
        return "undated", None, None, False
    day = date(1920, 1, 1) + timedelta(
        days=rng.randrange((date(1991, 12, 31) - date(1920, 1, 1)).days)
    )
    if roll < 0.85:
        return "day", day, day, False
    if roll < 0.93:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return "month", start, end, False
    if roll < 0.98:
        return "year", day.replace(month=1, day=1), day.replace(month=12, day=31), roll > 0.96
    return "range", day, day + timedelta(days=rng.randint(2, 400)), False


def zipf_pick(rng, pool, k, cum):
    """k distinct items, the first ones of `pool` far more often (a few heavily linked)."""
    chosen = set()
    while len(chosen) < k:
        chosen.add(rng.choices(range(len(pool)), cum_weights=cum)[0])
    return [pool[i] for i in chosen]


def zipf_cum(n: int, s: float = 0.8) -> list[float]:
    cum, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank**s
        cum.append(total)
    return cum


def build_corpus(documents: int, people: int, organizations: int, places: int, subjects: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from documents.models import (
        Collection,
        Document,
        DocumentOrganization,
        DocumentPerson,
        DocumentPlace,
        DocumentType,
        Language,
        Repository,
        Subject,
        TaggedDocument,
    )
    from documents.search.entity_text import refresh_entity_text
    from people.models import Organization, Person, Place

    rng = random.Random(SEED)
    words, cum = vocabulary(rng)
    started = time.perf_counter()
    with transaction.atomic():
        person_objs = Person.objects.bulk_create(
            Person(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                sort_name=f"{rng.choice(LAST)} {n}",
                slug=f"person-{n}",
                variants=f"{rng.choice(LAST)}-{n}\nP. {n}",
            )
            for n in range(people)
        )
        for p in person_objs:
            p.sort_name = p.name.split()[1] + ", " + p.name.split()[0] + f" {p.pk}"
        Person.objects.bulk_update(person_objs, ["sort_name"], batch_size=BATCH)
        org_objs = Organization.objects.bulk_create(
            Organization(
                name=f"Commissariat of {rng.choice(REAL_WORDS).title()} {n}",
                abbreviation=f"NK{n}",
                slug=f"organization-{n}",
            )
            for n in range(organizations)
        )
        place_objs = Place.objects.bulk_create(
            Place(
                name=f"{rng.choice(['Ürümqi', 'Kashgar', 'Ghulja', 'Çöchek', 'Hami'])} {n}",
                slug=f"place-{n}",
                variants=f"{rng.choice(['Urumchi', 'Kashi', 'Yining', 'Tacheng', 'Qumul'])} {n}"
                f"\nTihwa {n}",
                kind=rng.choice(["city", "town", "region", "district"]),
            )
            for n in range(places)
        )
        subject_objs = Subject.objects.bulk_create(
            Subject(name=f"{rng.choice(REAL_WORDS).title()} topic {n}", slug=f"subject-{n}")
            for n in range(subjects)
        )
        types = DocumentType.objects.bulk_create(
            DocumentType(name=n, slug=n.lower())
            for n in ["Report", "Telegram", "Decision", "Letter"]
        )
        repositories = Repository.objects.bulk_create(
            Repository(name=n, slug=n.lower(), abbreviation=n) for n in ["RGASPI", "GARF", "AVPRF"]
        )
        languages = Language.objects.bulk_create(
            [Language(code="ru", name="Russian"), Language(code="zh", name="Chinese")]
        )
        collections = Collection.objects.bulk_create(
            Collection(title=f"Collection {n}", slug=f"collection-{n}") for n in range(10)
        )

        now = timezone.now()
        doc_ids = []
        for start in range(0, documents, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, documents)):
                precision, earliest, latest, circa = random_date(rng)
                body = [text(rng, words, cum, rng.randint(60, 120)) for _ in range(3)]
                if rng.random() < 0.03:
                    body[1] += " " + PHRASE
                if rng.random() < 0.001:
                    body[2] += " " + RARE_WORD
                published = rng.random() < 0.9
                batch.append(
                    Document(
                        title=text(rng, words, cum, rng.randint(5, 12)).capitalize(),
                        slug=f"document-{n}",
                        summary=text(rng, words, cum, rng.randint(20, 40)).capitalize() + ".",
                        full_text="".join(f"<p>{p}.</p>" for p in body),
                        date_precision=precision,
                        date_earliest=earliest,
                        date_latest=latest,
                        date_circa=circa,
                        document_type=rng.choice(types),
                        repository=rng.choice(repositories),
                        source_citation=f"GARF, f. 9401, op. 2, d. {n}, ll. 1-3",
                        status="published" if published else "draft",
                        published_at=now - timedelta(minutes=n) if published else None,
                    )
                )
            doc_ids += [d.pk for d in Document.objects.bulk_create(batch)]
        print(f"  {documents:,} documents inserted ({time.perf_counter() - started:.0f} s)")

        person_cum, org_cum = zipf_cum(len(person_objs)), zipf_cum(len(org_objs))
        place_cum, subject_cum = zipf_cum(len(place_objs)), zipf_cum(len(subject_objs))
        Languages = Document.original_languages.through
        Collections = Document.collections.through
        links = {"person": 0, "organization": 0, "place": 0, "subject": 0}
        for start in range(0, len(doc_ids), BATCH):
            dp, do, dpl, ts, dl, dc = [], [], [], [], [], []
            for doc_id in doc_ids[start : start + BATCH]:
                total = rng.randint(3, 8)
                n_people = rng.randint(1, total - 2)
                n_orgs = rng.randint(1, total - n_people - 1)
                n_places = total - n_people - n_orgs
                dp += [
                    DocumentPerson(document_id=doc_id, person=p, role=rng.choice(ROLES))
                    for p in zipf_pick(rng, person_objs, n_people, person_cum)
                ]
                do += [
                    DocumentOrganization(document_id=doc_id, organization=o, role=rng.choice(ROLES))
                    for o in zipf_pick(rng, org_objs, n_orgs, org_cum)
                ]
                dpl += [
                    DocumentPlace(document_id=doc_id, place=p, role=rng.choice(PLACE_ROLES))
                    for p in zipf_pick(rng, place_objs, n_places, place_cum)
                ]
                ts += [
                    TaggedDocument(content_object_id=doc_id, tag=s)
                    for s in zipf_pick(rng, subject_objs, rng.randint(1, 3), subject_cum)
                ]
                dl.append(Languages(document_id=doc_id, language=rng.choice(languages)))
                if rng.random() < 0.3:
                    dc.append(Collections(document_id=doc_id, collection=rng.choice(collections)))
            for model, rows, key in (
                (DocumentPerson, dp, "person"),
                (DocumentOrganization, do, "organization"),
                (DocumentPlace, dpl, "place"),
                (TaggedDocument, ts, "subject"),
                (Languages, dl, None),
                (Collections, dc, None),
            ):
                model.objects.bulk_create(rows)
                if key:
                    links[key] += len(rows)
        print(
            "  links: "
            + ", ".join(f"{v:,} {k}" for k, v in links.items())
            + f" ({time.perf_counter() - started:.0f} s)"
        )
        for start in range(0, len(doc_ids), BATCH):
            refresh_entity_text(doc_ids[start : start + BATCH])
        print(f"  entity_text refreshed ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Corpus built in {time.perf_counter() - started:.0f} s")


def pages() -> list[tuple[str, str]]:
    """(label, address) of the public pages that matter, with realistic parameters."""
    from django.db.models import Count

    from documents.selectors import published_documents
    from people.models import Person, Place

    top_person = (
        Person.objects.annotate(n=Count("document_links")).order_by("-n").values("slug", "n")[0]
    )
    top_place = Place.objects.annotate(n=Count("document_links")).order_by("-n").values("slug")[0]
    second_person = (
        Person.objects.annotate(n=Count("document_links")).order_by("-n").values("slug")[1]
    )
    doc = published_documents().order_by("record_number")[100]
    return [
        ("home", "/"),
        ("list, no query", "/documents/"),
        (f"q={COMMON_WORD} (common)", f"/documents/?q={COMMON_WORD}"),
        (f"q={RARE_WORD} (rare)", f"/documents/?q={RARE_WORD}"),
        ('q="phrase"', f'/documents/?q="{PHRASE}"'),
        (
            "q + two facets",
            f"/documents/?q={COMMON_WORD}&place={top_place['slug']}&person={second_person['slug']}",
        ),
        ("date range 1936–1938", "/documents/?date_from=1936&date_to=1938-06"),
        ("page 200, no query", "/documents/?page=200"),
        (f"page 200, q={COMMON_WORD}", f"/documents/?q={COMMON_WORD}&page=200"),
        (f"person page ({top_person['n']:,} links)", f"/people/{top_person['slug']}/"),
        ("document page", doc.get_absolute_url()),
        ("/people/ A–Z", "/people/"),
        ("/people/?letter=B", "/people/?letter=B"),
    ]


def time_pages(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 404s stay quiet
    client = Client()
    print(f"\n{'page':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
    for label, url in pages():
        client.get(url)  # warm caches and the plan cache once
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:<36} {statistics.median(times):>10.0f} {p95:>8.0f} {len(queries):>8}  "
            f"{response.status_code}"
        )


def explain() -> None:
    from django.db import connection

    from documents.reading_room.listing import DEFAULT_PAGE_SIZE
    from documents.search.filters import DocumentFilter
    from documents.selectors import published_documents

    filterset = DocumentFilter({"q": COMMON_WORD}, queryset=published_documents())
    filterset.is_valid()
    queryset = filterset.ordered(filterset.qs)[:DEFAULT_PAGE_SIZE]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for q in (COMMON_WORD, RARE_WORD):
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + sql, [q if p == COMMON_WORD else p for p in params]
            )
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the search page query, q={q}:")
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the search query plan")
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the database; reuse it if it has a corpus"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from documents.models import Document
    from documents.selectors import published_documents

    connection.settings_dict.setdefault("TEST", {})
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_search_bench"
    old_name = connection.settings_dict["NAME"]
    print(f"Throwaway database {connection.settings_dict['TEST']['NAME']}...")
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.keepdb
    )
    try:
        existing = Document.objects.count()
        if existing and args.keepdb:
            print(f"Reusing its corpus of {existing:,} documents.")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            build_corpus(
                args.documents,
                people=max(50, args.documents // 25),
                organizations=max(20, args.documents // 100),
                places=max(20, args.documents // 50),
                subjects=max(20, min(300, args.documents // 150)),
            )
        print(
            f"{Document.objects.count():,} documents, {published_documents().count():,} "
            f"published; {os.cpu_count()} CPUs; {args.runs} timed runs per page after one warm-up"
        )
        if args.explain:
            explain()
        time_pages(args.runs)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
