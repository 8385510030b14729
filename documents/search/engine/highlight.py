"""Highlighted titles and snippets for the documents on a page, from their own texts.

The words are found exactly as the index found them (same folding and analysis), so a
highlight never disagrees with a match: "Urumqi" marks "Ürümqi", "reports" marks "report", and
a quoted phrase is marked as one stretch. Folding keeps every character in place, so offsets in
the folded text are offsets in the original. Everything but the marks is escaped.
"""

from __future__ import annotations

import bisect
import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.search.engine.analysis import fold, words
from documents.search.engine.query import ParsedQuery, Phrase, Term, highlight_terms, term_of

SNIPPET_WORDS = 35
MIN_NAME_MATCH = 3  # characters of a name the query must match to mark the name's other forms
FRAGMENTS = 2
ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def plain_text(markup: str) -> str:
    """Text of the archive's limited HTML: tags become spaces, references characters."""
    return html.unescape(_TAG.sub(" ", markup or ""))


def name_terms(parsed: ParsedQuery, entities: list[list[str]]) -> tuple[Term | Phrase, ...]:
    """Every form of each entity (a list of its name and variants) that the query names by
    one of its forms: a search for "Ma Chung-ying" then marks "Ma Zhongying" whole where
    the text spells him so, as the index found him. A match of fewer than MIN_NAME_MATCH
    characters ("Ma") does not count."""
    found: list[Term | Phrase] = []
    for forms in entities:
        named = any(
            end - start >= MIN_NAME_MATCH for form in forms for start, end in spans(parsed, form)
        )
        if named:
            found += [t for t in map(term_of, forms) if t is not None and t not in found]
    return tuple(found)


def spans(parsed: ParsedQuery, text: str, extra=()) -> list[tuple[int, int]]:
    """(start, end) character ranges of `text` that the query (and `extra` terms) match,
    merged and sorted."""
    wanted = [*highlight_terms(parsed), *extra]
    if not wanted or not text:
        return []
    tokens = words(fold(text))
    at = {position: (word, start, end) for position, word, start, end in tokens}
    found = []
    for position, word, start, end in tokens:
        for term in wanted:
            if isinstance(term, Term) and term.word == word:
                found.append((start, end))
            elif isinstance(term, Phrase) and term.words[0][1] == word:
                match = [at.get(position + offset) for offset, _ in term.words]
                pairs = zip(match, term.words, strict=True)
                if all(m is not None and m[0] == w for m, (_, w) in pairs):
                    found.append((start, match[-1][2]))
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _marked(text: str, found: list[tuple[int, int]], start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    out, cursor = [], start
    for a, b in found:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    out.append(escape(text[cursor:end]))
    return "".join(out)


def highlight(parsed: ParsedQuery, text: str, extra=()) -> SafeString:
    """All of `text` (a title), escaped, with every match marked."""
    return mark_safe(_marked(text, spans(parsed, text, extra)))


def snippet(
    parsed: ParsedQuery,
    text: str,
    size: int = SNIPPET_WORDS,
    fragments: int = FRAGMENTS,
    extra=(),
) -> SafeString | None:
    """Up to `fragments` passages of about `size` words holding the most matches, in text
    order, with an ellipsis where text was left out; None when nothing matches."""
    found = spans(parsed, text, extra)
    if not found:
        return None
    bounds = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    windows = _windows(bounds, found, size, fragments)
    parts = []
    for first, last in windows:
        start, end = bounds[first][0], bounds[last][1]
        parts.append(_marked(text, found, start, end).strip())
    html_text = f" {ELLIPSIS} ".join(parts)
    if windows[0][0] > 0:
        html_text = f"{ELLIPSIS} {html_text}"
    if windows[-1][1] < len(bounds) - 1:
        html_text = f"{html_text} {ELLIPSIS}"
    return mark_safe(html_text)


def _windows(bounds, found, size: int, fragments: int) -> list[tuple[int, int]]:
    """Word ranges (first, last) of the best non-overlapping passages."""
    starts = [b[0] for b in bounds]
    match_words = sorted({_word_index(starts, a) for a, _ in found})
    chosen: list[tuple[int, int]] = []
    for _ in range(fragments):
        best, best_score = None, 0
        for anchor in match_words:
            first = max(0, anchor - 3)
            last = min(len(bounds) - 1, first + size - 1)
            if any(not (last < a or first > b) for a, b in chosen):
                continue
            score = sum(1 for w in match_words if first <= w <= last)
            if score > best_score:
                best, best_score = (first, last), score
        if best is None:
            break
        chosen.append(best)
    return sorted(chosen)


def _word_index(starts: list[int], position: int) -> int:
    return max(0, bisect.bisect_right(starts, position) - 1)


def document_snippet(
    parsed: ParsedQuery, summary: str, full_text: str, extra=()
) -> SafeString | None:
    """The passage shown under a result: from the summary and the translation."""
    text = f"{summary or ''} {ELLIPSIS} {plain_text(full_text)}".strip()
    return snippet(parsed, text, extra=extra)
