"""What readers may see: the one place that decides it.

Every public path (pages, A–Z lists, facets, chips, sitemaps, feeds, API, scans, related
documents, home counts, the search index) asks these selectors; nothing else tests a status or
an embargo. A document is public when it is published and past any embargo, the embargo
compared with the database clock at read time so it lifts by itself. An entity (person,
organization, place, subject, collection, archive, type, language) is public when a public
document names it.
"""

from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Now

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
from people.models import Organization, Person, Place

PREVIEW_PERMISSION = "documents.view_document"

# From each kind of entity to the documents that name it.
ENTITY_DOCUMENTS = {
    Person: "document_links__document",
    Organization: "document_links__document",
    Place: "document_links__document",
    Subject: "document_links__content_object",
    Collection: "documents",
    Language: "documents",
    DocumentType: "documents",
    Repository: "documents",
}


def published_documents() -> models.QuerySet:
    """Documents anonymous readers may see."""
    return published_or_embargoed().filter(embargo_lifted())


def published_or_embargoed() -> models.QuerySet:
    """Published documents whether or not their embargo has passed: what the search index
    holds. It stores each one's `EMBARGO_FIELD` and applies `embargo_lifted` at query time,
    so an embargo lifts there by itself too."""
    return Document.objects.filter(status=Document.Status.PUBLISHED)


EMBARGO_FIELD = "publish_on"


def embargo_lifted(now=None) -> Q:
    """The embargo half of the rule: no embargo, or it has passed (by default on the
    database clock)."""
    moment = Now() if now is None else now
    return Q(**{f"{EMBARGO_FIELD}__isnull": True}) | Q(**{f"{EMBARGO_FIELD}__lte": moment})


def may_preview(user) -> bool:
    """Staff who may view documents in the admin also preview what is not public yet."""
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm(PREVIEW_PERMISSION)
    )


def documents_visible_to(user) -> models.QuerySet:
    """Everything for staff who may preview; `published_documents()` for everyone else."""
    return Document.objects.all() if may_preview(user) else published_documents()


def document_queryset(user):
    """The documents `user` may read, with everything a page or a citation shows loaded
    in a fixed number of queries."""
    return (
        documents_visible_to(user)
        .select_related("repository", "document_type")
        .defer("search_vector", "entity_text", "internal_notes")
        .prefetch_related(
            "original_languages",
            "funders",
            "collections",
            Prefetch(
                "subject_links",
                queryset=TaggedDocument.objects.select_related("tag").order_by("tag__name"),
            ),
            Prefetch("person_links", queryset=DocumentPerson.objects.select_related("person")),
            Prefetch(
                "organization_links",
                queryset=DocumentOrganization.objects.select_related("organization"),
            ),
            Prefetch("place_links", queryset=DocumentPlace.objects.select_related("place")),
        )
    )


def public_entities(model: type[models.Model]) -> models.QuerySet:
    """Records of `model` named by at least one published document: the only definition of
    which people, places, subjects, etc. anonymous readers may see (pages, API, chips).

    A semi-join (`pk IN (…)`), not a join with DISTINCT: joining the link rows would repeat
    each record once per link."""
    path = ENTITY_DOCUMENTS[model]
    published = published_documents().values("pk")
    named = model.objects.filter(**{f"{path}__in": published}).values("pk")
    return model.objects.filter(pk__in=named)


def visible_entities(model: type[models.Model], user) -> models.QuerySet:
    """Every record for staff who may preview; `public_entities` for everyone else."""
    return model.objects.all() if may_preview(user) else public_entities(model)
