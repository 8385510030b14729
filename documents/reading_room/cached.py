"""What the reading room builds once and shares between readers: the home page and the
unfiltered document list's year counts and facet counts (whole pages for anonymous readers
are kept by `archive.pagecache`).

The shared cache (archive/cache.py) drops these on every publication-relevant write; the one
change no write announces is an embargo lifting by itself, so nothing is kept past that
moment either.
"""

from django.utils import timezone

from archive.cache import DEFAULT_TIMEOUT, cached
from documents.selectors import next_embargo_end, public_document_counts


def _until(moment) -> float | None:
    return None if moment is None else (moment - timezone.now()).total_seconds()


def seconds_until_an_embargo_lifts() -> float | None:
    """Seconds until the next embargoed document becomes public (None: none is waiting).

    Looked up once per content version (a new embargo is a write, which bumps it), and kept
    no longer than until that moment."""

    def keep(moment) -> int:
        left = _until(moment)
        return DEFAULT_TIMEOUT if left is None else max(0, min(DEFAULT_TIMEOUT, int(left)))

    return _until(cached("public:next-embargo-end", next_embargo_end, timeout=keep))


def public_timeout(value=None) -> int:
    """Seconds a page built now stays right: until the next embargo lifts, at most the
    cache's usual lifetime."""
    lifts = next_embargo_end()
    if lifts is None:
        return DEFAULT_TIMEOUT
    return max(0, min(DEFAULT_TIMEOUT, int((lifts - timezone.now()).total_seconds())))


def cached_public(name: str, build):
    """`build()` for what every reader sees alike, from the shared cache when fresh."""
    return cached(f"public:{name}", build, timeout=public_timeout)


def public_entity_counts(model) -> dict[int, int]:
    """`model`'s public records (`selectors.public_entities`, the one rule) with their
    numbers of public documents, decided once per content version and shared: at a million
    documents deciding it takes seconds, which every A–Z page would otherwise repeat."""
    label = model._meta.label_lower
    return cached_public(f"entity-counts:{label}", lambda: public_document_counts(model))
