"""Keep the search groundwork current when documents, links or entities change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from documents.models import (
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
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
