"""Did you mean: a misspelled word or name in a search gets the closest word of the
collection's own vocabulary.

The vocabulary is the words of public documents' titles and summaries (one statement in
PostgreSQL) and of the names and variants of people, organizations, places and subjects, in
their own spelling ("Beria", not "beria"). It is derived once per index build (again every
`VOCABULARY_SECONDS`, for new words) on a background thread, never while a reader waits, and
kept in the shared cache for every process; words are grouped by length so a lookup compares
a word with similar-length words only, with rapidfuzz's optimal string alignment distance (a
swapped pair of letters counts once).

Only words the index holds for no document at all are corrected (read from its term
dictionary, so a correct search costs no more than a few lookups), and every candidate is
checked against the live index before it is offered (`engine.vocabulary.present`, embargoes
applied): a word or name only an unpublished document holds is never suggested, however old
the kept vocabulary and whatever entity it came from.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from documents.models import Subject
from documents.search.engine.analysis import fold, words
from documents.search.engine.vocabulary import build_name, indexed, present
from documents.selectors import published_documents
from people.models import Organization, Person, Place

VOCABULARY_SECONDS = 6 * 3600  # then derived again (in the background), for new words
STORED_SECONDS = 7 * 24 * 3600  # how long the shared cache keeps a build's words
DERIVING_SECONDS = 30 * 60  # one derivation at a time, across processes
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
    """{folded lower-case word: its spelling} of every entity's names and variants. Not only
    public entities' (that would join millions of links): a name no public document holds
    fails the live check before it could be offered."""
    found: dict[str, str] = {}
    for model in (Person, Place, Organization, Subject):
        proper = model in (Person, Place)  # elsewhere "Trade" is the word trade, "NKVD" stays
        fields = ["name"] + (["variants"] if model is not Subject else [])
        for row in model.objects.values_list(*fields).iterator(chunk_size=5000):
            for text in row:
                for word in _WORD.findall(text or ""):
                    shown = word if proper or word.isupper() else word.lower()
                    found.setdefault(fold(word).lower(), shown)
    return found


def derive_words() -> dict[str, tuple[str, int]]:
    """{folded lower-case word: (how it is shown, documents holding it)}: the vocabulary's
    raw words, from PostgreSQL (24–35 s at 1,000,000 documents: see README)."""
    words_: dict[str, tuple[str, int]] = {}
    for word, count in _title_words().items():
        if word.isalpha():
            key = fold(word).lower()
            shown, before = words_.get(key, (word, 0))
            words_[key] = (shown, before + count)
    for key, word in _name_words().items():
        _, count = words_.get(key, (word, 0))
        words_[key] = (word, count + 1)  # a name keeps its capitals
    return words_


def build_vocabulary(words_: dict[str, tuple[str, int]] | None = None) -> Vocabulary:
    """The words grouped by length, ready for lookups."""
    words_ = derive_words() if words_ is None else words_
    grouped: dict[int, list[str]] = defaultdict(list)
    for key in words_:
        if len(key) >= MIN_LENGTH - LENGTH_SLACK:
            grouped[len(key)].append(key)
    vocabulary = Vocabulary()
    for length, keys in grouped.items():
        shown = [words_[k][0] for k in keys]
        vocabulary.by_length[length] = (keys, shown, [words_[k][1] for k in keys])
    return vocabulary


# Kept: the raw words in the shared cache, one copy per index build for every process (the
# first process to need them derives them on a background thread; until then searches get
# no suggestion); each process keeps the grouped form for LOCAL_SECONDS.
_lock = threading.Lock()
_local: dict[str, tuple[float, float, Vocabulary]] = {}  # build: (checked, derived, vocabulary)
LOCAL_SECONDS = 60


def _key(build: str) -> str:
    return f"archive:suggestions:vocabulary:{build}"


def vocabulary() -> Vocabulary | None:
    """The vocabulary of the live build, or None while it is first being derived."""
    build = build_name()
    now = time.time()
    with _lock:
        local = _local.get(build)
    if local and now - local[0] < LOCAL_SECONDS:
        return local[2]
    stored = _cached(build)
    if stored is None and settings.SEARCH_INLINE:
        stored = _derive_and_store(build)  # development and tests: at once
    elif stored is None or now - stored[0] >= VOCABULARY_SECONDS:
        _derive_in_background(build)  # readers keep the old words (or none) meanwhile
    if stored is None:
        return local[2] if local else None
    same = local is not None and local[1] == stored[0]
    found = local[2] if same else build_vocabulary(stored[1])
    with _lock:
        _local.clear()
        _local[build] = (now, stored[0], found)
    return found


def _cached(build: str):
    try:
        return cache.get(_key(build))
    except Exception:  # noqa: BLE001 - an unreachable cache means "derive", not an error
        return None


def _derive_and_store(build: str):
    stored = (time.time(), derive_words())
    try:
        cache.set(_key(build), stored, timeout=STORED_SECONDS)
    except Exception:  # noqa: BLE001
        pass
    return stored


def _derive_in_background(build: str) -> None:
    """One derivation at a time across processes (an `add` lock in the shared cache)."""
    try:
        if not cache.add(_key(build) + ":deriving", 1, timeout=DERIVING_SECONDS):
            return
    except Exception:  # noqa: BLE001
        return
    threading.Thread(target=_background, args=(build,), daemon=True).start()


def _background(build: str) -> None:
    from django.db import connections

    try:
        _derive_and_store(build)
    finally:
        cache.delete(_key(build) + ":deriving")
        connections.close_all()  # this thread's own connection


def forget() -> None:
    """Drop this process's grouped vocabulary (the shared copy stays)."""
    with _lock:
        _local.clear()


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
    if words_ is None:
        return None
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
