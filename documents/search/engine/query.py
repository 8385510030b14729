"""Reader input in web-search syntax, read exactly as PostgreSQL's `websearch_to_tsquery`.

`"quoted phrase"`, `or` between words, `-word` to exclude; every other character is a word
character or ignored as PostgreSQL ignores it. Words are folded and analysed as the index
analysed the texts; a word that analyses to several (`Chung-ying`, `oil,gas`) is a phrase;
stop words vanish with the operators that bound them. Priorities, as in PostgreSQL: NOT, then
AND (adjacent words), then OR. A query of stop words only matches nothing, as before.

`parse(q)` gives a small tree; `to_query` turns it into a tantivy query over every text field
(field boosts as the old weights); `highlight_terms` lists what a snippet marks.
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy

from documents.search.engine.analysis import fold, words
from documents.search.engine.schema import TEXT_FIELDS, schema

# Characters PostgreSQL skips between operands (its tsquery operators).
_OPERATORS = frozenset("!&|()<")


@dataclass(frozen=True)
class Term:
    word: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[tuple[int, str], ...]  # (offset from the first word, word)


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    """`root` is None when the input had no searchable word (empty, or only stop words)."""

    text: str
    root: Node | None

    @property
    def blank(self) -> bool:
        """Nothing was typed: every document matches."""
        return not self.text.strip()

    @property
    def matches_nothing(self) -> bool:
        """Something was typed but nothing in it is searchable ("the"): no document matches."""
        return not self.blank and self.root is None

    @property
    def ranks(self) -> bool:
        """Whether relevance means anything: some word must be present, not only absent."""
        return bool(highlight_terms(self))


def parse(text: str) -> ParsedQuery:
    text = (text or "").replace("\x00", "")
    return ParsedQuery(text, _build(_tokens(fold(text))))


# Tokens: ("val", text), ("not",), ("and",), ("or",) -------------------------------------------


def _tokens(s: str) -> list[tuple]:
    out, i, n, waiting_operand = [], 0, len(s), True
    while i < n:
        ch = s[i]
        if waiting_operand:
            if ch == "-":
                out.append(("not",))
                i += 1
            elif ch == '"':
                end = s.find('"', i + 1)
                end = n if end < 0 else end
                out.append(("val", s[i + 1 : end]))
                i, waiting_operand = end + 1, False
            elif ch in _OPERATORS or ch.isspace():
                i += 1
            else:
                start = i
                while i < n and not (s[i].isspace() or s[i] in _OPERATORS or s[i] in '":'):
                    i += 1
                if i == start:  # a lone ':' is a word of its own that analyses to nothing
                    i += 1
                out.append(("val", s[start:i]))
                waiting_operand = False
        elif ch.isspace() or ch in _OPERATORS:
            i += 1
        elif _or_at(s, i):
            out.append(("or",))
            i, waiting_operand = i + 2, True
        else:
            out.append(("and",))
            waiting_operand = True
    if out and out[-1] in (("not",), ("and",), ("or",)):
        out.append(("val", ""))  # PostgreSQL supplies a stop word as the missing operand
    return out


def _or_at(s: str, i: int) -> bool:
    """`or` as an operator: not part of a word, and some operand somewhere after it."""
    if s[i : i + 2].lower() != "or" or i + 2 >= len(s):
        return False
    after = s[i + 2]
    if after in "-_" or after.isalnum():
        return False
    return any(not c.isspace() for c in s[i + 3 :])


# Shunting-yard to a tree, then stop words removed -------------------------------------------

_PRIORITY = {"not": 3, "and": 2, "or": 1}


def _build(tokens: list[tuple]) -> Node | None:
    output: list = []
    operators: list[str] = []

    def reduce() -> None:
        op = operators.pop()
        if op == "not":
            output.append(_not(output.pop() if output else None))
        else:
            right = output.pop() if output else None
            left = output.pop() if output else None
            output.append(_combine(op, left, right))

    for token in tokens:
        kind = token[0]
        if kind == "val":
            output.append(_value(token[1]))
        elif kind == "not":
            operators.append("not")  # prefix, right-associative
        else:
            while operators and _PRIORITY[operators[-1]] >= _PRIORITY[kind]:
                reduce()
            operators.append(kind)
    while operators:
        reduce()
    result = None
    for node in output:  # defensive: leftovers are ANDed
        result = _combine("and", result, node)
    return result


def _value(text: str) -> Node | None:
    found = [(position, word) for position, word, _, _ in words(text)]
    if not found:
        return None
    if len(found) == 1:
        return Term(found[0][1])
    first = found[0][0]
    return Phrase(tuple((position - first, word) for position, word in found))


def term_of(text: str) -> Term | Phrase | None:
    """What `text` (a name, say) is as one searchable item: a word or a phrase."""
    return _value(fold(text or ""))


def _not(child: Node | None) -> Node | None:
    if child is None:
        return None
    return child.child if isinstance(child, Not) else Not(child)


def _combine(op: str, left: Node | None, right: Node | None) -> Node | None:
    if left is None or right is None:
        return left if right is None else right
    kind = And if op == "and" else Or
    parts = []
    for node in (left, right):
        parts += node.children if isinstance(node, kind) else [node]
    return kind(tuple(parts))


# To tantivy ---------------------------------------------------------------------------------


def to_query(root: Node) -> tantivy.Query:
    """The tree as a tantivy query over every text field."""
    if isinstance(root, Term | Phrase):
        return _across_fields(root)
    if isinstance(root, Not):
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.all_query()),
                (tantivy.Occur.MustNot, to_query(root.child)),
            ]
        )
    occur = tantivy.Occur.Must if isinstance(root, And) else tantivy.Occur.Should
    return tantivy.Query.boolean_query([(occur, to_query(child)) for child in root.children])


def _across_fields(node: Term | Phrase) -> tantivy.Query:
    s = schema()
    clauses = []
    for field in TEXT_FIELDS:
        if isinstance(node, Term):
            query = tantivy.Query.term_query(s, field.name, node.word)
        else:
            query = tantivy.Query.phrase_query(s, field.name, list(node.words))
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, field.boost)))
    return tantivy.Query.boolean_query(clauses)


def highlight_terms(parsed: ParsedQuery) -> list[Term | Phrase]:
    """The words and phrases a matching document contains (not those it must lack)."""
    found: list[Term | Phrase] = []

    def walk(node: Node | None, negated: bool) -> None:
        if node is None:
            return
        if isinstance(node, Not):
            walk(node.child, not negated)
        elif isinstance(node, And | Or):
            for child in node.children:
                walk(child, negated)
        elif not negated and node not in found:
            found.append(node)

    walk(parsed.root, False)
    return found


def to_tsquery_text(root: Node | None) -> str:
    """The tree in PostgreSQL's tsquery notation (for tests comparing with the database)."""
    if root is None:
        return ""
    return _ts(root, 0)


def _ts(node: Node, parent: int) -> str:
    if isinstance(node, Term):
        return f"'{node.word}'"
    if isinstance(node, Phrase):
        text, previous = f"'{node.words[0][1]}'", 0
        for offset, word in node.words[1:]:
            gap = offset - previous
            text += f" {'<->' if gap == 1 else f'<{gap}>'} '{word}'"
            previous = offset
        return text if parent < 3 else f"( {text} )"
    if isinstance(node, Not):
        inner = _ts(node.child, 4)
        return f"!{inner}"
    level, joiner = (2, " & ") if isinstance(node, And) else (1, " | ")
    text = joiner.join(_ts(child, level) for child in node.children)
    return f"( {text} )" if parent > level else text
