"""Did you mean: a misspelled word or name in a search gets the closest word of the
collection's own vocabulary.

The vocabulary is the words of public documents' titles and summaries (one statement in
PostgreSQL) and of the names and variants of public people, organizations, places and
subjects, in their own spelling ("Beria", not "beria"). It is derived once per index build
and kept in each process for `VOCABULARY_SECONDS` (a request never scans documents); words
are grouped by length so a lookup compares a word with similar-length words only, with
rapidfuzz's optimal string alignment distance (a swapped pair of letters counts once).

Only words the index holds for no document at all are corrected (read from its term
dictionary, so a correct search costs no more than a few lookups), and every candidate is
checked against the live index before it is offered
(`engine.vocabulary.present`, embargoes applied): a word or name only an unpublished document
contains is never suggested, however old the kept vocabulary.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from documents.models import Subject
from documents.search.engine.analysis import fold, words
from documents.search.engine.vocabulary import build_name, indexed, present
from documents.selectors import public_entities, published_documents
from people.models import Organization, Person, Place

VOCABULARY_SECONDS = 15 * 60
MIN_LENGTH = 4  # shorter words are left alone: too many neighbours to guess well
LENGTH_SLACK = 2  # candidates differ in length by at most this many letters
MIN_SIMILARITY = 0.6  # 1 - edits / length of the longer word
CANDIDATES = 8  # closest words checked against the index, per word
ALTERNATIVES = 3  # matches offered when nothing is found
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Vocabulary:
    """Words by length: folded lower-case keys, how each is shown, in how many documents."""

    by_length: dict[int, tuple[list[str], list[str], list[int]]] = field(default_factory=dict)

    def closest(self, word: str) -> list[str]:
        """Shown forms of the words nearest `word` (folded, lower-case), best first, more
        frequent first among equals."""
        scored = []
        for length in range(len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK + 1):
            keys, shown, counts = self.by_length.get(length, ([], [], []))
            if not keys:
                continue
            found = process.extract(
                word,
                keys,
                scorer=OSA.normalized_similarity,
                score_cutoff=MIN_SIMILARITY,
                limit=CANDIDATES,
            )
            scored += [(score, counts[i], shown[i]) for _, score, i in found]
        scored.sort(key=lambda item: (-item[0], -item[1]))
        return [form for _, _, form in scored[:CANDIDATES]]


def _title_words() -> dict[str, int]:
    """{word: public documents whose title or summary holds it}, counted by PostgreSQL."""
    ids_sql, params = published_documents().values("pk").query.sql_with_params()
    sql = (
        "SELECT w, count(*) FROM documents_document d, "
        "unnest(tsvector_to_array(to_tsvector('simple', "
        "coalesce(d.title, '') || ' ' || coalesce(d.summary, '')))) AS w "
        f"WHERE d.id IN ({ids_sql}) GROUP BY w"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _name_words() -> dict[str, str]:
    """{folded lower-case word: its spelling} of public entities' names and variants."""
    found: dict[str, str] = {}
    for model in (Person, Organization, Place, Subject):
        fields = ["name"] + (["variants"] if model is not Subject else [])
        for row in public_entities(model).values_list(*fields):
            for text in row:
                for word in _WORD.findall(text or ""):
                    found.setdefault(fold(word).lower(), word)
    return found


def build_vocabulary() -> Vocabulary:
    counts: dict[str, int] = defaultdict(int)
    shown: dict[str, str] = {}
    for word, count in _title_words().items():
        if word.isalpha():
            key = fold(word).lower()
            counts[key] += count
            shown.setdefault(key, word)
    for key, word in _name_words().items():
        counts[key] += 1
        shown[key] = word  # a name keeps its capitals
    vocabulary = Vocabulary()
    grouped: dict[int, list] = defaultdict(list)
    for key in counts:
        if len(key) >= MIN_LENGTH - LENGTH_SLACK:
            grouped[len(key)].append(key)
    for length, keys in grouped.items():
        vocabulary.by_length[length] = (keys, [shown[k] for k in keys], [counts[k] for k in keys])
    return vocabulary


_lock = threading.Lock()
_kept: dict[str, tuple[float, Vocabulary]] = {}


_refreshing = threading.Event()


def vocabulary() -> Vocabulary:
    """This process's vocabulary for the live build. Derived on first use; once older than
    VOCABULARY_SECONDS it is derived again on a background thread while readers keep the
    old one (its suggestions are checked against the live index anyway)."""
    name = build_name()
    with _lock:
        kept = _kept.get(name)
        if kept is None:
            built = build_vocabulary()
            _kept.clear()
            _kept[name] = (time.monotonic(), built)
            return built
    if time.monotonic() - kept[0] >= VOCABULARY_SECONDS and not _refreshing.is_set():
        _refreshing.set()
        threading.Thread(target=_refresh, args=(name,), daemon=True).start()
    return kept[1]


def _refresh(name: str) -> None:
    from django.db import connections

    try:
        built = build_vocabulary()
        with _lock:
            if name in _kept:
                _kept[name] = (time.monotonic(), built)
    finally:
        _refreshing.clear()
        connections.close_all()  # this thread's connection


def forget() -> None:
    """Drop the kept vocabulary (tests change the collection between searches)."""
    with _lock:
        _kept.clear()


@dataclass
class Suggestions:
    """`best`: the search with each unknown word corrected; `alternatives`: other close
    searches (for a search that found nothing)."""

    best: str = ""
    alternatives: list[str] = field(default_factory=list)


def _stem(word: str) -> str | None:
    found = words(fold(word))
    return found[0][1] if len(found) == 1 else None


def _unknown_words(q: str) -> list[re.Match]:
    """Words of `q` the index holds for no public document (not `or`, not `-excluded`)."""
    matches = [
        m
        for m in _WORD.finditer(q)
        if len(m.group()) >= MIN_LENGTH and not q[: m.start()].endswith("-")
    ]
    stems = {m.start(): _stem(m.group()) for m in matches}
    known = indexed(s for s in stems.values() if s)
    return [m for m in matches if stems[m.start()] and stems[m.start()] not in known]


def suggest(q: str) -> Suggestions | None:
    """Corrections for the words of `q` no public document holds, or None."""
    unknown = _unknown_words(q or "")
    if not unknown:
        return None
    words_ = vocabulary()
    choices = {}
    for match in unknown:
        candidates = words_.closest(fold(match.group()).lower())
        stems = {form: _stem(form) for form in candidates}
        held = present(s for s in stems.values() if s)
        usable = [form for form in candidates if stems[form] in held]
        if usable:
            choices[match] = usable[:ALTERNATIVES]
    if not choices:
        return None

    def rewritten(first_choice: str) -> str:
        out, cursor = [], 0
        for index, (match, forms) in enumerate(choices.items()):
            out += [q[cursor : match.start()], first_choice if index == 0 else forms[0]]
            cursor = match.end()
        return "".join(out) + q[cursor:]

    first = next(iter(choices.values()))
    searches = [rewritten(form) for form in first]
    return Suggestions(best=searches[0], alternatives=searches[1:])
