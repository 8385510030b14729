"""Unique slugs filled in from a name, for any model with a unique `slug` field."""

from django.utils.text import slugify


def unique_slug(instance, text: str, fallback: str, max_length: int = 255) -> str:
    """A slug for `instance` from `text`, unique among its model's rows and retired slugs.

    Names in non-Latin scripts slugify to nothing, so `fallback` ("person") stands in;
    clashes get a numeric suffix (`ma-bufang-2`).
    """
    model = type(instance)
    base = slugify(text)[: max_length - 8].strip("-") or fallback
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=instance.pk)
        .values_list("slug", flat=True)
    )
    taken |= _former_slugs(model, base)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _former_slugs(model, base: str) -> set[str]:
    from django.contrib.contenttypes.models import ContentType

    from people.models import FormerSlug

    content_type = ContentType.objects.get_for_model(model)
    return set(
        FormerSlug.objects.filter(content_type=content_type, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
