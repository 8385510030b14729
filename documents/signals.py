"""Keep the search groundwork current when documents, links or entities change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from archive.cache import bump_cache_version
from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Language,
    Repository,
    Subject,
    TaggedDocument,
)
from documents.search.entity_text import (
    refresh_entity_text,
    refresh_for_entities,
    sync_record_number_sequence,
)
from people.models import Organization, Person, Place


@receiver(post_save, sender=Document)
def document_saved(sender, instance, raw=False, **kwargs):
    if raw:
        sync_record_number_sequence()
    refresh_entity_text([instance.pk])


@receiver(post_save, sender=DocumentPerson)
@receiver(post_save, sender=DocumentOrganization)
@receiver(post_save, sender=DocumentPlace)
@receiver(post_delete, sender=DocumentPerson)
@receiver(post_delete, sender=DocumentOrganization)
@receiver(post_delete, sender=DocumentPlace)
def link_changed(sender, instance, **kwargs):
    refresh_entity_text([instance.document_id])


@receiver(post_save, sender=TaggedDocument)
@receiver(post_delete, sender=TaggedDocument)
def subject_link_changed(sender, instance, **kwargs):
    refresh_entity_text([instance.content_object_id])


_KINDS = {
    Person: "person",
    Organization: "organization",
    Place: "place",
    Subject: "subject",
    Repository: "repository",
    DocumentType: "documenttype",
}


def entity_saved(sender, instance, created=False, **kwargs):
    if not created:
        refresh_for_entities(_KINDS[sender], [instance.pk])


for _model in _KINDS:
    post_save.connect(entity_saved, sender=_model, dispatch_uid=f"entity_text_{_model.__name__}")


# --- Shared-cache invalidation ---------------------------------------------------------------
# The cached home page and unfiltered facet counts (archive/cache.py) change with any
# publication-relevant write: documents, their links, and the names readers see. Until the
# write path has its single hook (documents/services/), every save and delete bumps the
# content version here. Bulk `update()`s send no signal; their callers bump it themselves.
_CACHE_AFFECTING = (
    Document,
    DocumentPerson,
    DocumentOrganization,
    DocumentPlace,
    TaggedDocument,
    Person,
    Organization,
    Place,
    Subject,
    Collection,
    Language,
    Repository,
    DocumentType,
)


def content_changed(sender, **kwargs):
    bump_cache_version()


for _model in _CACHE_AFFECTING:
    for _signal in (post_save, post_delete):
        _signal.connect(content_changed, sender=_model, dispatch_uid=f"cache_{_model.__name__}")
for _through in (Document.collections.through, Document.original_languages.through):
    m2m_changed.connect(content_changed, sender=_through, dispatch_uid=f"cache_{_through.__name__}")
