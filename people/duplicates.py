"""Likely duplicates of a person, organization or place, found before it is saved.

Every name and variant (and an organization's abbreviation) of every record of the kind is
compared with the new name, accent-folded (`archive.text.fold`) and case-folded: an exact
match of any of them, a fuzzy match (rapidfuzz's token sort ratio, so “Beria, Lavrentiy”
meets “Lavrentiy Beria”), or the same surname with matching initials (“L. Beria”) is
reported. Used by the entity admin on create and rename, and by quick creation from an
autocomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from archive.text import fold

FUZZY_CUTOFF = 86
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    """An existing record that may be the same: which of its names matched, and how well."""

    entity: object
    matched: str
    score: int

    @property
    def exact(self) -> bool:
        return self.score >= 100


def normalized(name: str) -> str:
    return utils.default_process(fold(name or "")).strip()


def _names(entity) -> list[str]:
    return [n for n in getattr(entity, "all_names", [entity.name]) if n and n.strip()]


def _initials_match(query: str, name: str) -> bool:
    """“L. Beria” and “Lavrentiy Beria”: the same last word, and each earlier word of the
    query an initial (or the whole word) of the name's earlier words in order."""
    q, n = _WORD.findall(query), _WORD.findall(name)
    if len(q) < 2 or len(n) < 2 or q[-1] != n[-1] or len(q) > len(n):
        return False
    firsts = n[: len(n) - 1]
    return all(
        firsts[i] == word or (len(word) == 1 and firsts[i].startswith(word))
        for i, word in enumerate(q[:-1])
    ) and any(len(word) == 1 for word in q[:-1])


def likely_duplicates(model, name: str, *, exclude_pk=None, limit: int = 5) -> list[Candidate]:
    """Records of `model` whose name, abbreviation or a variant resembles `name`, best first."""
    query = normalized(name)
    if not query:
        return []
    records = model._default_manager.all()
    if exclude_pk is not None:
        records = records.exclude(pk=exclude_pk)
    present = {f.name for f in model._meta.concrete_fields}
    fields = ["pk", *(f for f in ("name", "slug", "variants", "abbreviation") if f in present)]
    best: dict[int, Candidate] = {}
    choices, owners = [], []
    for entity in records.only(*fields).order_by("pk").iterator(chunk_size=2000):
        for text in _names(entity):
            choices.append(normalized(text))
            owners.append((entity, text))
    for _choice, score, index in process.extract(
        query, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF, limit=None
    ):
        entity, text = owners[index]
        _keep(best, Candidate(entity, text, round(score)))
    for index, choice in enumerate(choices):
        if _initials_match(query, choice) or _initials_match(choice, query):
            entity, text = owners[index]
            _keep(best, Candidate(entity, text, 90))
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.entity.name, c.entity.pk))
    return ranked[:limit]


def _keep(best: dict, candidate: Candidate) -> None:
    current = best.get(candidate.entity.pk)
    if current is None or candidate.score > current.score:
        best[candidate.entity.pk] = candidate
