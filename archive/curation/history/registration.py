"""Which models are versioned, and which related rows travel with each version."""

from __future__ import annotations

import reversion
from django.utils.module_loading import autodiscover_modules
from reversion.models import Version
from reversion.revisions import _get_options

EMPTY = "—"
# Bookkeeping columns that change on every save and say nothing to a curator.
NOISE_FIELDS = frozenset({"version", "updated_at", "created_at", "entity_text", "search_vector"})
LONG_TEXT = 120

_relation_labels: dict[tuple[str, str], dict[str, str]] = {}

# Registration ------------------------------------------------------------------------------


def register(model, *, follow: dict[str, str] | None = None, exclude=()):
    """Version `model` (idempotent). `follow` maps reverse relations whose rows are stored and
    restored with each version (e.g. a document's person links) to the label the diff shows."""
    follow = follow or {}
    _relation_labels[_key(model)] = dict(follow)
    if not reversion.is_registered(model):
        reversion.register(model, follow=tuple(follow), exclude=tuple(exclude))


def ensure_registered() -> None:
    """Import every app's `history_registration` module (once; imports are cached)."""
    autodiscover_modules("history_registration")


def _key(model) -> tuple[str, str]:
    return (model._meta.app_label, model._meta.model_name)


def versions_for(model, object_id):
    """All versions of one object, oldest first, with who saved them."""
    return (
        Version.objects.get_for_object_reference(model, str(object_id))
        .select_related("revision", "revision__user")
        .order_by("pk")
    )


def _follow_relations(model) -> list[tuple[str, type, str]]:
    """(relation name, related model, attname of its key to `model`) for followed relations."""
    relations = []
    if not reversion.is_registered(model):
        return relations
    for name in _get_options(model).follow:
        try:
            rel = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a follow that is not a field (a property) is skipped
            continue
        if getattr(rel, "one_to_many", False) and rel.related_model is not None:
            relations.append((name, rel.related_model, rel.field.attname))
    return relations


def follow_relations(model) -> list[tuple[str, type, str]]:
    """(relation name, related model, attname of its key to `model`) for each reverse
    relation whose rows travel with `model`'s versions."""
    return _follow_relations(model)
