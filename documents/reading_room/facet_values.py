"""The facets a list shows: the engine's counts, with labels loaded for the values shown.

The engine counts ids (each facet over the results narrowed by every *other* facet's
choices); the records of every value shown, of every facet, come in one statement. A value is
listed only if a public document names it (the engine counts public documents only), and a
chosen value that no public document names keeps its raw slug as its label, as a value naming
no record does: a chip never reveals a hidden record's name.
"""

from collections.abc import Mapping

from django.urls import reverse

from documents.search import reader
from documents.search.engine import SearchResult
from documents.search.facets import FACETS, Facet, FacetValue

# Facets whose values have an A–Z list of their own, for "browse all" when a facet is cut.
BROWSE_LISTS = {
    "person": "person_list",
    "organization": "organization_list",
    "place": "place_list",
    "subject": "subject_list",
    "collection": "collection_list",
}


def build_facets(
    result: SearchResult,
    cleaned: Mapping,
    ids: Mapping[str, Mapping[str, int]],
    within: tuple[str, int] | None = None,
) -> list[Facet]:
    """Every facet of `result`: chosen values first, so a choice never moves away from where
    the reader looks for it, then the rest most frequent first (ties by name). Chosen values
    are included even when they match nothing now, so their chips stay removable. An entity
    page's own entity (`within`) is left out of its facet."""
    wanted = {
        spec.model: [pk for pk, _ in result.facet_counts.get(spec.param, ())
                     if pk not in result.unnamed.get(spec.param, ())]
        for spec in FACETS
    }  # fmt: skip
    records = reader.load_records(wanted)
    facets = []
    for spec in FACETS:
        chosen = list(cleaned.get(spec.param) or [])
        found = records[spec.model]
        values = []
        for pk, count in result.facet_counts.get(spec.param, ()):
            record = found.get(pk)
            if record is None:
                continue
            value = str(getattr(record, spec.value_field))
            order = tuple(getattr(record, name) or "" for name in spec.order_fields)
            selected = value in chosen
            values.append(
                (not selected, -count, order, FacetValue(value, str(record), count, selected))
            )
        values.sort(key=lambda item: item[:3])
        facet = Facet(spec, [item[-1] for item in values])
        shown = {value.value for value in facet.values}
        own = ids.get(spec.param, {})
        itself = within[1] if within and within[0] == spec.param else None
        unmatched = [
            FacetValue(slug, slug, 0, True)
            for slug in chosen
            if slug not in shown and (itself is None or own.get(slug) != itself)
        ]
        facet.values = (
            [v for v in facet.values if v.selected]
            + unmatched
            + [v for v in facet.values if not v.selected]
        )
        facet.truncated = bool(result.facet_truncated.get(spec.param))
        if facet.truncated and spec.param in BROWSE_LISTS:
            facet.browse_url = reverse(BROWSE_LISTS[spec.param])
        facets.append(facet)
    return facets
