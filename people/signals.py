"""Signals of the people app: retired slugs are remembered, merges are announced.

`entities_merged` / `merge_undone` are sent after the transaction commits, with
`sender` = the merged model, `survivor`, `loser_ids` and `user`. The search text of linked
documents needs no listener: the merge saves the survivor, and documents refresh on that.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.dispatch import Signal

from people.models import FormerSlug

entities_merged = Signal()
merge_undone = Signal()


def remember_former_slug(sender, instance, using=None, update_fields=None, **kwargs):
    """Before a record's slug changes, keep the old one so its address redirects (301).

    A slug now in use again is no longer "former": its FormerSlug row is dropped, so an
    address never both serves a page and redirects."""
    if not instance.slug:
        return
    if update_fields is not None and "slug" not in update_fields:
        return
    model = sender._meta.concrete_model
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    former = FormerSlug.objects.using(using).filter(content_type=content_type)
    old = None
    if instance.pk is not None:  # also raw saves: a history revert may restore an old slug
        old = (
            model._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("slug", flat=True)
            .first()
        )
        if old == instance.slug:
            return
    former.filter(slug=instance.slug).delete()
    if old:
        former.update_or_create(
            content_type=content_type, slug=old, defaults={"object_id": instance.pk}
        )


def track_slug_changes(model) -> None:
    """Connect `remember_former_slug` for `model` (people's entities; documents may add Subject)."""
    pre_save.connect(
        remember_former_slug, sender=model, dispatch_uid=f"former_slug_{model._meta.label_lower}"
    )
