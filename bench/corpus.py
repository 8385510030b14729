"""Synthetic corpus: `python bench/corpus.py --documents 1000000 --database-url URL [--drop]`.

Creates the database named in URL if it does not exist (it must be a throwaway one), migrates
it, empties the archive's tables and loads N documents with their links through COPY, a
million in minutes. Rerunning it gives the same corpus (fixed seed); `--drop` removes the
database. Triggers and secondary indexes are off during the load and rebuilt after it, so the
search outbox stays empty: build the search index with `manage.py search_index --rebuild`.

The distribution (per document unless stated):

- status: 90% published, 2% published under an embargo (1–10 years ahead), 3% draft,
  3% in review, 2% withdrawn;
- date, 1935–1945: 77% a day, 8% a month, 6% a year, 6% a range (a few days to a year),
  3% undated; a tenth of months and years are "circa";
- text: a title of 4–10 words, a summary of 20–40, three paragraphs of 60–120 words of
  English translation, and for 20% a Russian original of 20–50 words, all drawn from a
  Zipf-like vocabulary (weight 1/rank): English's 40 commonest words first, as in real text
  (search ignores them), then real and made-up words, with accents ("Ürümqi") to fold;
- planted words: `EVERY_WORD` in every summary, `TENTH_WORD` in 10% of texts, `RARE_WORD`
  in 0.01%, and the quoted phrase `PHRASE` in 3% (its words also occur on their own);
- links: people N/25, organizations N/100, places N/50, subjects 300; each document names
  1–3 people, 1–2 organizations, 1–3 places, 1–3 subjects, drawn with Zipf-like popularity
  (weight 1/rank), and the most named person (`person-1`) in 4% of documents (40,000 of
  1,000,000); one original language (a tenth have two); 30% belong to one of 10 collections;
  one of 4 types and one of 3 archives.
"""

import argparse
import contextlib
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 1935
EVERY_WORD = "dossier"
TENTH_WORD = "consignment"
RARE_WORD = "zhongyingite"
PHRASE = "border trade agreement"
TOP_PERSON_SHARE = 0.04
FIRST_DAY, LAST_DAY = date(1935, 1, 1), date(1945, 12, 31)
REAL_WORDS = (
    "troops consulate trade border report telegram decision commissariat committee situation "
    "province rebellion supply weapons gold oil tin railway road caravan envoy agreement "
    "meeting secret instructions uprising refugees garrison airfield mission loan credit "
    "wool cotton horses grain delegation government army division regiment officers "
    "advisers negotiations treaty arrest investigation intelligence agents cipher "
    "Xinjiang Ürümqi Kashgar Ghulja Altai Tacheng Hami Turfan Khotan Yarkand Moscow"
).split()
RUSSIAN = (
    "постановление политбюро совещание консульство граница торговля войска золото нефть "
    "олово дорога караван секретно доклад телеграмма синьцзян урумчи кашгар"
).split()
FIRST = (
    "Ivan Pyotr Sergei Nikolai Ma Sheng Li Wang Zhang Bao Khoja Ahmet Mehmet Zühre "
    "Jürgen Aleksandr Dmitri Grigori Lavrentiy Vyacheslav Kliment Anastas Ürkesh Çolpan"
).split()
LAST = (
    "Ivanov Petrov Sidorov Beria Molotov Voroshilov Mikoyan Shicai Zhongying Hu Niyaz "
    "Burhan Isa Osman Batur Kasimi Görög Şahin Öztürk Müller Dzhurabaev Apresov Pogodin"
).split()
TOWNS = ["Ürümqi", "Kashgar", "Ghulja", "Çöchek", "Hami", "Khotan", "Yarkand", "Turfan"]
COMMONEST = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there had been one all we their"
).split()
ROLES = ["author", "signatory", "recipient", "mentioned"]
PLACE_ROLES = ["origin", "destination", "mentioned"]
LANGUAGES = [("ru", "Russian"), ("zh", "Chinese"), ("ug", "Uyghur"), ("en", "English")]
TYPES = ["Report", "Telegram", "Decision", "Letter"]
ARCHIVES = [("RGASPI", "Russian State Archive of Socio-Political History"),
            ("GARF", "State Archive of the Russian Federation"),
            ("AVPRF", "Archive of Foreign Policy of the Russian Federation")]  # fmt: skip

DOCUMENT_COLUMNS = (
    "id record_number slug title date_precision date_earliest date_latest date_circa summary "
    "full_text original_text source_citation obtained_by translated_by rights "
    "original_classification source_url status publish_on published_at internal_notes version "
    "created_at updated_at entity_text document_type_id repository_id"
).split()
ENTITY_COMMON = "name slug variants description certainty_note notes version created_at updated_at"
AUTHORITY_COLUMNS = {
    "people_person": ("wikidata", "viaf", "lcnaf"),
    "people_organization": ("wikidata", "viaf", "lcnaf"),
    "people_place": ("wikidata", "geonames", "viaf", "lcnaf"),
}
LINK_TABLES = {  # table: (columns, kind)
    "documents_documentperson": ("uncertain note role document_id person_id", "person"),
    "documents_documentorganization": (
        "uncertain note role document_id organization_id",
        "organization",
    ),
    "documents_documentplace": ("uncertain note role document_id place_id", "place"),
    "documents_taggeddocument": ("content_object_id tag_id", "subject"),
    "documents_document_original_languages": ("document_id language_id", "language"),
    "documents_document_collections": ("document_id collection_id", "collection"),
}
TABLES = [
    "documents_document", *LINK_TABLES, "people_person", "people_organization", "people_place",
    "documents_subject", "documents_collection", "documents_language", "documents_documenttype",
    "documents_repository",
]  # fmt: skip


def zipf(n: int, s: float = 1.0) -> list[float]:
    """Cumulative weights 1/rank^s for `random.choices`."""
    cum, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank**s
        cum.append(total)
    return cum


class Generator:
    """Draws the corpus row by row from one seeded random stream."""

    def __init__(self, documents: int, seed: int = SEED):
        self.n = documents
        self.rng = random.Random(seed)
        self.now = datetime(2025, 1, 1, tzinfo=UTC)
        letters = "abcdefghijklmnoprstuvyz"
        made_up = {
            "".join(self.rng.choice(letters) for _ in range(self.rng.randint(4, 10)))
            for _ in range(6000)
        }
        planted = {EVERY_WORD, TENTH_WORD, RARE_WORD, *PHRASE.split()}
        filler = sorted(made_up - planted)
        self.rng.shuffle(filler)
        # As in English: the commonest words first (dropped at indexing), then content words,
        # the real ones among the frequent (ranks 30-200), so each is in roughly 5-40% of texts.
        real = [w.lower() for w in REAL_WORDS]
        body = filler[: len(real) * 2]
        for i, word in enumerate(real):
            body.insert(i * 3, word)
        self.words = COMMONEST + body + filler[len(real) * 2 :]
        self.word_cum = zipf(len(self.words))
        self.sizes = {
            "person": max(50, documents // 25),
            "organization": max(20, documents // 100),
            "place": max(20, documents // 50),
            "subject": 300,
            "collection": 10,
        }
        self.cum = {kind: zipf(size) for kind, size in self.sizes.items()}
        self.names: dict[str, list[str]] = {}

    def text(self, k: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.word_cum, k=k))

    # Entities ------------------------------------------------------------------------------

    def entities(self) -> dict[str, list[tuple]]:
        """Rows per table; remembers each entity's searchable names for `entity_text`."""
        rng, stamp, rows = self.rng, self.now, {}
        people, orgs, places = [], [], []
        for i in range(1, self.sizes["person"] + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name, variants = f"{first} {last} {i}", f"{last}-{i}\nP. {i}"
            people.append((i, name, f"person-{i}", variants, "", "", "", 1, stamp, stamp,
                           f"{last}, {first} {i}", "", ""))  # fmt: skip
        for i in range(1, self.sizes["organization"] + 1):
            name = f"Commissariat of {rng.choice(REAL_WORDS).title()} {i}"
            orgs.append((i, name, f"organization-{i}", "", "", "", "", 1, stamp, stamp,
                         f"NK{i}", "", "", None))  # fmt: skip
        for i in range(1, self.sizes["place"] + 1):
            town = rng.choice(TOWNS)
            variants = f"{rng.choice(['Urumchi', 'Kashi', 'Yining', 'Tihwa'])} {i}"
            kind = rng.choice(["city", "town", "region"])
            places.append(
                (i, f"{town} {i}", f"place-{i}", variants, "", "", "", 1, stamp, stamp, kind,
                 None, None, None)
            )  # fmt: skip
        rows["people_person"] = people
        rows["people_organization"] = orgs
        rows["people_place"] = places
        rows["documents_subject"] = [
            (i, f"{rng.choice(REAL_WORDS).title()} topic {i}", f"subject-{i}", "")
            for i in range(1, self.sizes["subject"] + 1)
        ]
        rows["documents_collection"] = [
            (i, f"Collection {i}", f"collection-{i}", "", 1, stamp, stamp)
            for i in range(1, self.sizes["collection"] + 1)
        ]
        rows["documents_language"] = [(i, c, n) for i, (c, n) in enumerate(LANGUAGES, 1)]
        rows["documents_documenttype"] = [(i, t, t.lower(), "") for i, t in enumerate(TYPES, 1)]
        rows["documents_repository"] = [
            (i, name, abbr.lower(), abbr, "Moscow", "", "") for i, (abbr, name) in
            enumerate(ARCHIVES, 1)
        ]  # fmt: skip
        self.names = {
            "person": [""] + [f"{r[1]}\n{r[3]}" for r in people],
            "organization": [""] + [f"{r[1]}\n{r[10]}" for r in orgs],
            "place": [""] + [f"{r[1]}\n{r[3]}" for r in places],
            "subject": [""] + [r[1] for r in rows["documents_subject"]],
            "type": [""] + TYPES,
            "archive": [""] + [f"{name}\n{abbr}" for abbr, name in ARCHIVES],
        }
        return rows

    # Documents -----------------------------------------------------------------------------

    def pick(self, kind: str, low: int, high: int, skip_first: bool = False) -> list[int]:
        k = self.rng.randint(low, high)
        size, cum = self.sizes[kind], self.cum[kind]
        chosen = {self.rng.choices(range(1, size + 1), cum_weights=cum)[0] for _ in range(k)}
        if skip_first:
            chosen.discard(1)
        return sorted(chosen)

    def date(self):
        rng, roll = self.rng, self.rng.random()
        if roll < 0.03:
            return "undated", None, None, False
        day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
        if roll < 0.80:
            return "day", day, day, False
        if roll < 0.88:
            start = day.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return "month", start, end, rng.random() < 0.1
        if roll < 0.94:
            return (
                "year",
                day.replace(month=1, day=1),
                day.replace(month=12, day=31),
                (rng.random() < 0.1),
            )
        return "range", day, day + timedelta(days=rng.randint(3, 365)), False

    def status(self):
        roll, rng = self.rng.random(), self.rng
        if roll < 0.90:
            return "published", None, self.now - timedelta(minutes=rng.randrange(10**6))
        if roll < 0.92:
            ahead = self.now + timedelta(days=rng.randint(365, 3650))
            return "published", ahead, self.now - timedelta(days=1)
        return ("draft" if roll < 0.95 else "review" if roll < 0.98 else "withdrawn"), None, None

    def document(self, i: int):
        """(document row, {link table: rows})."""
        rng = self.rng
        body = [self.text(rng.randint(60, 120)) for _ in range(3)]
        if rng.random() < 0.10:
            body[0] += f" {TENTH_WORD}"
        if rng.random() < 0.03:
            body[1] += f" {PHRASE}"
        if rng.random() < 0.0001:
            body[2] += f" {RARE_WORD}"
        original = (
            " ".join(rng.choices(RUSSIAN, k=rng.randint(20, 50))) if rng.random() < 0.2 else ""
        )
        precision, earliest, latest, circa = self.date()
        status, publish_on, published_at = self.status()
        links = {
            "person": ([1] if rng.random() < TOP_PERSON_SHARE else [])
            + self.pick("person", 1, 3, skip_first=True),
            "organization": self.pick("organization", 1, 2),
            "place": self.pick("place", 1, 3),
            "subject": self.pick("subject", 1, 3),
            "language": [1 + (rng.random() < 0.25)] + ([3] if rng.random() < 0.1 else []),
            "collection": [self.pick("collection", 1, 1)[0]] if rng.random() < 0.3 else [],
        }
        kind, archive = rng.randint(1, len(TYPES)), rng.randint(1, len(ARCHIVES))
        names = [self.names["type"][kind], self.names["archive"][archive]]
        for key in ("person", "organization", "place", "subject"):
            names += [self.names[key][v] for v in links[key]]
        row = (
            i, i, f"document-{i}", f"Concerning {self.text(rng.randint(4, 10))}", precision,
            earliest, latest, circa, f"{self.text(rng.randint(20, 40)).capitalize()} {EVERY_WORD}.",
            "".join(f"<p>{p}.</p>" for p in body), f"<p>{original}</p>" if original else "",
            f"GARF, f. 9401, op. 2, d. {i}, ll. 1-3", "", "", "", "", "", status, publish_on,
            published_at, "", 1, self.now, self.now, "\n".join(sorted(names)), kind, archive,
        )  # fmt: skip
        rows = {}
        for table, (_, kind_name) in LINK_TABLES.items():
            values = links[kind_name]
            if kind_name in ("person", "organization"):
                rows[table] = [(False, "", rng.choice(ROLES), i, v) for v in values]
            elif kind_name == "place":
                rows[table] = [(False, "", rng.choice(PLACE_ROLES), i, v) for v in values]
            else:
                rows[table] = [(i, v) for v in values]
        return row, rows


# Database ------------------------------------------------------------------------------------


def maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit("Give a throwaway database name in --database-url, e.g. …/archive_corpus")
    return urlunsplit(parts._replace(path="/postgres")), name


def create_or_drop(url: str, drop: bool) -> None:
    import psycopg

    admin, name = maintenance_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if drop:
            if exists:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            print(f"Dropped {name}." if exists else f"No database {name}.")
        elif not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def migrate(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def secondary_indexes(conn) -> list[tuple[str, str]]:
    """(name, definition) of indexes that back no constraint, on the tables loaded."""
    return conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname
           WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)""",
        [["documents_document", *LINK_TABLES]],
    ).fetchall()


def load(url: str, documents: int, seed: int) -> None:
    import psycopg

    started = time.monotonic()
    gen = Generator(documents, seed)
    with psycopg.connect(url, autocommit=True) as conn:
        tables = ", ".join([*TABLES, "documents_searchoutbox"])
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        indexes = secondary_indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        disable = _disable_triggers(conn)
        try:
            _copy_all(url, gen, started)
        finally:
            for table in TABLES:
                conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {disable}")
        print(f"Rebuilding {len(indexes)} indexes…")
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            t = time.monotonic()
            conn.execute(definition)
            print(f"  {name}: {time.monotonic() - t:.0f} s")
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        conn.execute(
            "SELECT setval('documents_record_number_seq', (SELECT max(record_number) "
            "FROM documents_document))"
        )
        print("VACUUM ANALYZE…")
        conn.execute("VACUUM ANALYZE")
    print(f"Corpus of {documents:,} documents loaded in {time.monotonic() - started:.0f} s.")


def _disable_triggers(conn) -> str:
    """ALL (foreign-key checks too: the generator's ids are valid by construction) when
    allowed, else USER (the search outbox's triggers)."""
    for which in ("ALL", "USER"):
        try:
            for table in TABLES:
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {which}")
            return which
        except Exception:  # noqa: BLE001 - not a superuser: fall back to USER
            continue
    raise SystemExit("Cannot disable triggers: the database user must own the tables.")


def _copy_all(url: str, gen: Generator, started: float) -> None:
    import psycopg

    entity_columns = {
        "people_person": f"id {ENTITY_COMMON} sort_name birth death",
        "people_organization": f"id {ENTITY_COMMON} abbreviation founded dissolved parent_id",
        "people_place": f"id {ENTITY_COMMON} kind latitude longitude parent_id",
        "documents_subject": "id name slug description",
        "documents_collection": "id title slug description version created_at updated_at",
        "documents_language": "id code name",
        "documents_documenttype": "id name slug description",
        "documents_repository": "id name slug abbreviation location url description",
    }
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        for table, rows in gen.entities().items():
            blank = AUTHORITY_COLUMNS.get(table, ())  # authority identifiers: none here
            columns = ", ".join([*entity_columns[table].split(), *blank])
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *("" for _ in blank)))
        print(f"Entities loaded: {', '.join(f'{v:,} {k}' for k, v in gen.sizes.items())}.")
    tables = {"documents_document": ", ".join(DOCUMENT_COLUMNS)}
    tables.update({t: ", ".join(cols.split()) for t, (cols, _) in LINK_TABLES.items()})
    counts = dict.fromkeys(LINK_TABLES, 0)
    with contextlib.ExitStack() as stack:
        copies = {}
        for table, columns in tables.items():
            conn = stack.enter_context(psycopg.connect(url))
            conn.execute("SET synchronous_commit = off")
            cursor = stack.enter_context(conn.cursor())
            copies[table] = stack.enter_context(cursor.copy(f"COPY {table} ({columns}) FROM STDIN"))
        for i in range(1, gen.n + 1):
            row, links = gen.document(i)
            copies["documents_document"].write_row(row)
            for table, rows in links.items():
                for link in rows:
                    copies[table].write_row(link)
                counts[table] += len(rows)
            if i % 50_000 == 0 or i == gen.n:
                rate = i / (time.monotonic() - started)
                print(f"  {i:,} / {gen.n:,} documents, {rate:,.0f}/s", flush=True)
    print("Links: " + ", ".join(f"{v:,} in {k}" for k, v in counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--database-url", required=True, help="a throwaway database")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--drop", action="store_true", help="drop the database and stop")
    args = parser.parse_args()
    create_or_drop(args.database_url, args.drop)
    if args.drop:
        return
    migrate(args.database_url)
    load(args.database_url, args.documents, args.seed)


if __name__ == "__main__":
    main()
