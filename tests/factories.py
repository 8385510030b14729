"""factory_boy factories for the archive's models. Shared by every test file.

They write rows directly (no permission or workflow checks, so tests can set up any state),
but give documents and entities their stored form and keep the search text current exactly as
the write services do: `prepare_document` / `prepare_entity` and `documents_changed`."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    Repository,
    Subject,
)
from documents.services.documents import prepare_document
from documents.services.search_upkeep import documents_changed
from people.models import Organization, Person, Place
from people.services import prepare_entity


class _EntityFactory(factory.django.DjangoModelFactory):
    """Entities in their stored form (slug, sort name, dates, newlines), as the service saves."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        entity = model_class(*args, **kwargs)
        prepare_entity(entity)
        entity.save()
        return entity


class PersonFactory(_EntityFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class OrganizationFactory(_EntityFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")


class PlaceFactory(_EntityFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Place.Kind.CITY


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository
        django_get_or_create = ["slug"]

    name = "Russian State Archive of Socio-Political History"
    abbreviation = "RGASPI"
    slug = "rgaspi"


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ["slug"]

    name = "Decision"
    slug = "decision"


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "ru"
    name = "Russian"


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ["slug"]

    name = "MacArthur Foundation"
    slug = "macarthur-foundation"


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    title = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.Sequence(lambda n: f"subject-{n}")


class DocumentFactory(factory.django.DjangoModelFactory):
    """A published, day-precision document. Use `status=Document.Status.DRAFT` for drafts."""

    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Document {n}")
    summary = "A summary of the document."
    date_precision = "day"
    date_earliest = factory.Sequence(lambda n: datetime.date(1935, 1, 1) + datetime.timedelta(n))
    date_latest = factory.SelfAttribute("date_earliest")
    status = Document.Status.PUBLISHED
    repository = factory.SubFactory(RepositoryFactory)
    document_type = factory.SubFactory(DocumentTypeFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        document = model_class(*args, **kwargs)
        prepare_document(document)
        document.save()
        documents_changed([document.pk])
        return document


class _LinkFactory(factory.django.DjangoModelFactory):
    """A document link; the document's search text then names the entity."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        link = super()._create(model_class, *args, **kwargs)
        documents_changed([link.document_id])
        return link


class DocumentPersonFactory(_LinkFactory):
    class Meta:
        model = DocumentPerson

    document = factory.SubFactory(DocumentFactory)
    person = factory.SubFactory(PersonFactory)
    role = "mentioned"


class DocumentOrganizationFactory(_LinkFactory):
    class Meta:
        model = DocumentOrganization

    document = factory.SubFactory(DocumentFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "mentioned"


class DocumentPlaceFactory(_LinkFactory):
    class Meta:
        model = DocumentPlace

    document = factory.SubFactory(DocumentFactory)
    place = factory.SubFactory(PlaceFactory)
    role = "mentioned"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """`UserFactory(groups=["Archivist"])` joins the named groups (created by migrations)."""
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()
