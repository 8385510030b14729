"""A reader's list request as the engine takes it, and the records behind the values it shows.

Shared by the reading room's lists, the feed and the API's list, so `?q=…&place=…` means the
same everywhere. Readers name facet values by slug (languages by code) and the engine counts
ids, so a list costs at most two statements around its engine call: one turns the chosen
values of every facet into ids, one loads the records of every value the answer shows. Each
is a UNION over the kinds, whatever the number of facets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from django.core.paginator import Paginator
from django.db import connection, models

from documents.search.engine import SearchRequest
from documents.search.facets import FACETS, FACETS_BY_PARAM

NOTHING = 0  # an id no record has: a chosen value naming no record matches nothing, as before


class CountedPaginator(Paginator):
    """Pages of a list the engine counted exactly (its page's rows are loaded by the caller)."""

    def __init__(self, per_page: int, count: int):
        super().__init__([], per_page)
        self.__dict__["count"] = count


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def resolve(chosen: Mapping[str, Iterable[str]]) -> dict[str, dict[str, int]]:
    """{facet: {chosen value: id}} for the chosen values that name a record (one statement;
    none when nothing is chosen). Values naming nothing are simply absent."""
    parts, params = [], []
    for param, values in chosen.items():
        values = [str(v) for v in values or ()]
        if not values:
            continue
        spec = FACETS_BY_PARAM[param]
        table = _qn(spec.model._meta.db_table)
        column = _qn(spec.model._meta.get_field(spec.value_field).column)
        parts.append(f"SELECT %s, {column}::text, id FROM {table} WHERE {column} = ANY(%s)")
        params += [param, values]
    found: dict[str, dict[str, int]] = {}
    if not parts:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for param, value, pk in cursor.fetchall():
            found.setdefault(param, {})[value] = pk
    return found


def search_request(
    cleaned: Mapping, ids: Mapping[str, Mapping[str, int]], **options
) -> SearchRequest:
    """The engine request for a validated `DocumentFilter` form's `cleaned` data, its facet
    values already `resolve`d to `ids`. `options`: page, page_size, within, facet_limit, or
    a sort of the caller's...

    OR within a facet: the chosen values that name a record; if none does, the facet
    matches nothing (as an unknown slug always has)."""
    facets = {}
    for spec in FACETS:
        values = cleaned.get(spec.param) or []
        if values:
            known = ids.get(spec.param, {})
            facets[spec.param] = [known[v] for v in values if v in known] or [NOTHING]
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    fields = {
        "q": (cleaned.get("q") or "").strip(),
        "facets": facets,
        "date_from": start[0] if start else None,
        "date_to": end[1] if end else None,
        "sort": cleaned.get("sort") or "",
        "roles": tuple(cleaned.get("role") or ()),
    }
    return SearchRequest(**{**fields, **options})


# The records behind facet values ------------------------------------------------------------


def label_fields(model: type[models.Model]) -> tuple[str, ...]:
    """What a facet value of this model shows and sorts by (its `str()` and order)."""
    spec = next(s for s in FACETS if s.model is model)
    fields = {"id", spec.value_field, *spec.order_fields}
    fields.update(name for name in ("name", "title", "abbreviation") if _has(model, name))
    return tuple(sorted(fields))


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True


def load_records(
    wanted: Mapping[type[models.Model], Iterable[int]],
    fields: Mapping[type[models.Model], Iterable[str]] | None = None,
) -> dict[type[models.Model], dict[int, models.Model]]:
    """{model: {id: record}} for these ids of several models, in one statement.

    Records carry only `fields` (default: what a facet value shows), as unsaved-looking but
    real instances (`str()`, `get_absolute_url()` and properties over those fields work)."""
    parts, params, models_by_label = [], [], {}
    for model, ids in wanted.items():
        ids = sorted({int(i) for i in ids})
        if not ids:
            continue
        names = set((fields or {}).get(model) or label_fields(model))
        # In the model's order: `from_db` reads values in that order.
        columns = [f for f in model._meta.concrete_fields if f.name in names or f.attname in names]
        pairs = ", ".join(f"'{field.attname}', {_qn(field.column)}" for field in columns)
        label = model._meta.label_lower
        models_by_label[label] = (model, columns)
        parts.append(
            f"SELECT %s, json_build_object({pairs})::text FROM {_qn(model._meta.db_table)} "
            "WHERE id = ANY(%s)"
        )
        params += [label, ids]
    found: dict[type[models.Model], dict[int, models.Model]] = {model: {} for model in wanted}
    if not parts:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for label, data in rows:
        model, columns = models_by_label[label]
        values = json.loads(data)
        record = model.from_db(
            connection.alias,
            [field.attname for field in columns],
            [field.to_python(values[field.attname]) for field in columns],
        )
        found[model][record.pk] = record
    return found
