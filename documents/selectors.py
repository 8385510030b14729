"""What readers may see: the one place that decides it.

Every public path (pages, A–Z lists, facets, chips, sitemaps, feeds, API, scans, citation
downloads, related documents, home counts, hierarchies) asks these selectors; nothing else
tests a status or an embargo. A document is public when it is published and past any embargo,
the embargo compared with the database clock at read time so it lifts by itself. An entity
(person, organization, place, subject, collection, archive, type, language) is public when a
public document names it; a parent or child in a hierarchy is shown only when it is public too.

Staff who may view documents in the admin preview what is not public yet: the `*_visible_to`
selectors take the user and return everything for them, the public selection for anyone else.
"""

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Greatest, Now
from django.utils import timezone

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

# From a document to each kind of entity it names (the reverse of ENTITY_DOCUMENTS).
DOCUMENT_ENTITIES = {
    Person: "person_links__person",
    Organization: "organization_links__organization",
    Place: "place_links__place",
    Subject: "subject_links__tag",
    Collection: "collections",
    Language: "original_languages",
    DocumentType: "document_type",
    Repository: "repository",
}


# --- documents ----------------------------------------------------------------------------


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


def is_public(document: Document) -> bool:
    """Whether readers may see this loaded document now: `published_documents()`'s rule,
    evaluated on the instance (the application clock stands in for the database's)."""
    return document.status == Document.Status.PUBLISHED and (
        document.publish_on is None or document.publish_on <= timezone.now()
    )


def embargoed_until(document: Document):
    """The moment a published but embargoed document becomes public; None otherwise."""
    if document.status == Document.Status.PUBLISHED and not is_public(document):
        return document.publish_on
    return None


def public_since():
    """When a published document became public: the later of its publication and the end of
    any embargo (for feeds: an embargoed document is new on the day readers can open it)."""
    return Greatest("published_at", "publish_on")


def may_preview(user) -> bool:
    """Staff who may view documents in the admin also preview what is not public yet."""
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm(PREVIEW_PERMISSION)
    )


def documents_visible_to(*, user) -> models.QuerySet:
    """Everything for staff who may preview; `published_documents()` for everyone else."""
    return Document.objects.all() if may_preview(user) else published_documents()


def document_queryset(*, user=None) -> models.QuerySet:
    """The documents `user` may read (no user: the public), with everything a page, an API
    answer or a citation shows loaded in a fixed number of queries."""
    return (
        documents_visible_to(user=user)
        .select_related("repository", "document_type")
        .defer("entity_text", "internal_notes")
        .prefetch_together("original_languages", "funders", "collections")
        .prefetch_related(
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


# --- entities -----------------------------------------------------------------------------


def public_entities(model: type[models.Model]) -> models.QuerySet:
    """Records of `model` named by at least one public document: the only definition of which
    people, places, subjects, etc. readers may see (pages, lists, API, chips, sitemaps).

    A semi-join (`pk IN (…)`), not a join with DISTINCT: joining the link rows would repeat
    each record once per link."""
    path = ENTITY_DOCUMENTS[model]
    named = model.objects.filter(**{f"{path}__in": published_documents().values("pk")})
    return model.objects.filter(pk__in=named.values("pk"))


def visible_entities(model: type[models.Model], *, user=None) -> models.QuerySet:
    """Every record for staff who may preview; `public_entities` for everyone else."""
    return model.objects.all() if may_preview(user) else public_entities(model)


def public_document_counts(model: type[models.Model]) -> dict[int, int]:
    """Every public record of `model` with its number of public documents, in one grouped
    statement over the links (for a whole A–Z list, kept per content version by its caller)."""
    path = ENTITY_DOCUMENTS[model]
    rows = (
        public_entities_joined(model)
        .order_by()
        .values("pk")
        .annotate(n=Count(path, distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def public_entities_joined(model: type[models.Model]) -> models.QuerySet:
    """The same records as `public_entities`, filtered through a join to their public
    documents, so an aggregate annotated next over `ENTITY_DOCUMENTS[model]` (a count, a
    latest change) ranges over public documents only. One row per record once aggregated;
    for a whole-table ranking or a sitemap, where a grouped join beats a subquery per row."""
    path = ENTITY_DOCUMENTS[model]
    return model.objects.filter(**{f"{path}__in": published_documents().values("pk")})


def with_visible_parents(queryset: models.QuerySet, *, user=None) -> models.QuerySet:
    """Places or organizations whose `parent` is loaded only when `user` may see it, and is
    None otherwise (no query either way): a hierarchy or an A–Z line never names a parent
    that only unpublished documents name. One extra query per page."""
    parents = visible_entities(queryset.model, user=user)
    return queryset.prefetch_related(Prefetch("parent", queryset=parents))


def visible_children(entity, *, user=None) -> models.QuerySet:
    """The places within a place (or bodies under an organization) `user` may see."""
    return visible_entities(type(entity), user=user).filter(parent=entity).order_by("name")


def next_embargo_end():
    """When the next published-but-embargoed document becomes public (None if none is
    waiting): what is cached for readers must not outlive that moment."""
    return (
        Document.objects.filter(status=Document.Status.PUBLISHED, publish_on__gt=Now())
        .order_by("publish_on")
        .values_list("publish_on", flat=True)
        .first()
    )
