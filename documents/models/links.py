"""Typed links from documents to people, organizations, places and subjects, with roles."""

from django.db import models
from taggit.models import TaggedItemBase

from documents.models.document import Document
from documents.models.vocabularies import Subject
from people.models import Organization, Person, Place


class TaggedDocument(TaggedItemBase):
    """Document–subject link (taggit through model with a real foreign key, so fixtures
    can use natural keys)."""

    content_object = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="subject_links"
    )
    tag = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="document_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_document_unique")
        ]

    def natural_key(self):
        return (self.content_object.record_number, self.tag.slug)

    class _Manager(models.Manager):
        def get_by_natural_key(self, record_number, slug):
            return self.get(content_object__record_number=record_number, tag__slug=slug)

    objects = _Manager()


class Role(models.TextChoices):
    AUTHOR = "author", "Author"
    SIGNATORY = "signatory", "Signatory"
    RECIPIENT = "recipient", "Recipient"
    MENTIONED = "mentioned", "Mentioned"


class PlaceRole(models.TextChoices):
    ORIGIN = "origin", "Place of writing"
    DESTINATION = "destination", "Destination"
    MENTIONED = "mentioned", "Place discussed"


class DocumentLink(models.Model):
    """A typed link from a document to an entity, with a role and an uncertainty flag."""

    uncertain = models.BooleanField(
        default=False, help_text="Tick if the identification or the role is uncertain."
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="Optional public note on this link."
    )

    ENTITY_FIELD = ""

    class Meta:
        abstract = True

    def natural_key(self):
        entity = getattr(self, self.ENTITY_FIELD)
        return (self.document.record_number, entity.slug, self.role)

    natural_key.dependencies = ["documents.document"]


class _LinkManager(models.Manager):
    def get_by_natural_key(self, record_number, slug, role):
        field = self.model.ENTITY_FIELD
        return self.get(
            document__record_number=record_number, **{f"{field}__slug": slug}, role=role
        )


class DocumentPerson(DocumentLink):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="person_links")
    ENTITY_FIELD = "person"
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="document_links")
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.MENTIONED, help_text="The person's role."
    )
    objects = _LinkManager()

    class Meta:
        verbose_name = "person in document"
        verbose_name_plural = "people in documents"
        ordering = ["role", "person__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "person", "role"], name="document_person_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class DocumentOrganization(DocumentLink):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="organization_links"
    )
    ENTITY_FIELD = "organization"
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="document_links"
    )
    role = models.CharField(
        max_length=16,
        choices=Role.choices,
        default=Role.MENTIONED,
        help_text="The organization's role.",
    )
    objects = _LinkManager()

    class Meta:
        verbose_name = "organization in document"
        verbose_name_plural = "organizations in documents"
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization", "role"],
                name="document_organization_role_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class DocumentPlace(DocumentLink):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="place_links")
    ENTITY_FIELD = "place"
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="document_links")
    role = models.CharField(
        max_length=16,
        choices=PlaceRole.choices,
        default=PlaceRole.MENTIONED,
        help_text="How the place figures in the document.",
    )
    objects = _LinkManager()

    class Meta:
        verbose_name = "place in document"
        verbose_name_plural = "places in documents"
        ordering = ["role", "place__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "place", "role"], name="document_place_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} ({self.get_role_display()})"
