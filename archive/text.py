"""Accent folding shared by Python and SQL.

The embedded PostgreSQL has no `unaccent`, so the search vector folds accents with the
built-in, immutable `translate()` using the two strings below, and queries are folded in
Python with `fold()`. Both come from one table so they can never disagree.
"""

import unicodedata


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ""


def _build_table() -> tuple[str, str]:
    src, dst = [], []
    # Latin-1 Supplement, Latin Extended-A and B: everything a transliteration may carry.
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        base = _fold_char(ch)
        if base and base != ch and base.isascii():
            src.append(ch)
            dst.append(base)
    extra = {
        "ß": "s",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "ʻ": "'",
        "ʼ": "'",
    }
    for ch, base in extra.items():
        if ch not in src:
            src.append(ch)
            dst.append(base)
    return "".join(src), "".join(dst)


FOLD_FROM, FOLD_TO = _build_table()
_TRANSLATION = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """Strip diacritics from Latin letters ("Ürümqi" -> "Urumqi"); other scripts pass through."""
    return text.translate(_TRANSLATION)


def folded(expression):
    """The SQL twin of `fold()`: `translate(coalesce(expr, ''), FOLD_FROM, FOLD_TO)`.

    Built-in and immutable, so it works in the stored search vector, in lookups and in
    annotations alike.
    """
    from django.db.models import Func, TextField, Value
    from django.db.models.functions import Coalesce

    return Func(
        Coalesce(expression, Value(""), output_field=TextField()),
        Value(FOLD_FROM),
        Value(FOLD_TO),
        function="translate",
        output_field=TextField(),
    )
