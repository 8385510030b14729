"""The only search upkeep done by signals: for writes no document service sees.

Every write path of this app calls `documents.services.search_upkeep.documents_changed`
itself. Signals remain for what is decoupled from it:

* raw saves of documents and their links: fixtures (`loaddata demo`) and history restores
  write rows directly; the record-number sequence also moves past fixture numbers;
* people, organizations, places (the `people` app may not import this one), subjects, archives
  and types renamed or merged: the documents naming them are searched by those names;
* a subject deleted: its taggings go with it.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
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
from documents.search.entity_text import linked_document_ids
from documents.services.record_numbers import sync_record_number_sequence
from documents.services.search_upkeep import documents_changed, entities_changed
from people.models import Organization, Person, Place


@receiver(post_save, sender=Document)
def document_saved_raw(sender, instance, raw=False, **kwargs):
    if raw:
        sync_record_number_sequence()
        documents_changed([instance.pk])


@receiver(post_save, sender=DocumentPerson)
@receiver(post_save, sender=DocumentOrganization)
@receiver(post_save, sender=DocumentPlace)
def link_saved_raw(sender, instance, raw=False, **kwargs):
    if raw:
        documents_changed([instance.document_id])


@receiver(post_save, sender=TaggedDocument)
def subject_link_saved_raw(sender, instance, raw=False, **kwargs):
    if raw:
        documents_changed([instance.content_object_id])


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
        entities_changed(_KINDS[sender], [instance.pk])


for _model in _KINDS:
    post_save.connect(entity_saved, sender=_model, dispatch_uid=f"entity_text_{_model.__name__}")


@receiver(pre_delete, sender=Subject)
def subject_deleting(sender, instance, **kwargs):
    instance._tagged_document_ids = linked_document_ids("subject", [instance.pk])


@receiver(post_delete, sender=Subject)
def subject_deleted(sender, instance, **kwargs):
    documents_changed(getattr(instance, "_tagged_document_ids", []))
