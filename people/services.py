"""Writing people, organizations and places: the one service their write paths go through.

`prepare_entity` (pure, no database apart from finding a free slug) gives a record its stored
form: Unix newlines, a unique slug from the name when blank (never one that now redirects),
the sort name, and partial dates in their one stored form (`1899`, `1945-07`, `1936~`). The
admin (`entity_save`), the importer's bulk path and merges call it. Documents refresh their
search text when an entity changes through a `post_save` receiver of their own: this app never
imports `documents`.
"""

from __future__ import annotations

import reversion
from django.db import router, transaction

from archive.curation.history import ensure_baseline
from archive.curation.locking import has_lock, save_with_version_check
from archive.curation.newlines import normalize_newlines
from archive.curation.slugs import unique_slug
from archive.partialdates import normalize_partial_date, validate_partial_date
from people.models import Entity, Person, retired_slugs


def date_fields(model) -> list[str]:
    """The partial-date text fields of `model` (birth, death, founded, dissolved)."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if validate_partial_date in getattr(f, "validators", [])
    ]


def prepare_entity(entity) -> None:
    """Bring `entity` (in memory) to its stored form."""
    normalize_newlines(entity)
    if isinstance(entity, Entity) and not entity.slug:
        model = type(entity)._meta.model_name
        entity.slug = unique_slug(entity, entity.name, model, retired=retired_slugs)
    if isinstance(entity, Person) and not entity.sort_name:
        entity.sort_name = entity.name
    for name in date_fields(type(entity)):
        value = getattr(entity, name)
        try:
            setattr(entity, name, normalize_partial_date(value))
        except ValueError:
            pass  # left as typed: field validation reports it where there is a form


def entity_save(*, entity, user=None, expected_version=None, comment=None, using=None):
    """Save `entity` in its stored form, refused (VersionConflict) if it was saved since
    `expected_version` (default: the version it was read with). With a `comment` it is
    recorded in the history as its own revision; without one the caller's revision (the
    admin's, a merge's) records it."""
    prepare_entity(entity)
    using = using or router.db_for_write(type(entity))
    if comment is not None and entity.pk is not None:
        ensure_baseline(entity)
    with transaction.atomic(using=using, savepoint=False):
        if comment is not None:
            with reversion.create_revision(using=using):
                _save(entity, expected_version, using)
                reversion.add_to_revision(entity, model_db=using)
                reversion.set_user(user)
                reversion.set_comment(comment)
        else:
            _save(entity, expected_version, using)
    return entity


def _save(entity, expected_version, using):
    if entity.pk is None or entity._state.adding or not has_lock(type(entity)):
        entity.save(using=using)
    else:
        save_with_version_check(entity, expected_version, using=using)
