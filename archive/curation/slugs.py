"""Slugs: one function makes them, for every model and every write path (admin, import, merge).

`slug_base` cuts and cleans; `next_free` picks the first candidate not taken; `unique_slug`
combines them against the database. Retired slugs (addresses that now redirect) are taken too:
the app that keeps them passes a `retired(model, base)` lookup, so this module imports no app.
"""

from collections.abc import Callable, Iterable

from django.utils.text import slugify

MAX_LENGTH = 255
SUFFIX_ROOM = 8  # "-" and a counter never push a slug past MAX_LENGTH

Retired = Callable[[type, str], Iterable[str]]


def slug_base(text: str, fallback: str, max_length: int = MAX_LENGTH) -> str:
    """`text` as a slug, short enough to take a counter; `fallback` for names in non-Latin
    scripts, which slugify to nothing."""
    return slugify(text or "")[: max_length - SUFFIX_ROOM].strip("-") or fallback


def next_free(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not in `taken`."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def unique_slug(
    instance, text: str, fallback: str, *, retired: Retired | None = None, max_length=MAX_LENGTH
) -> str:
    """A slug for `instance` from `text`, unique among its model's rows and retired slugs."""
    model = type(instance)
    base = slug_base(text, fallback, max_length)
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=instance.pk)
        .values_list("slug", flat=True)
    )
    if retired is not None:
        taken |= set(retired(model, base))
    return next_free(base, taken)
