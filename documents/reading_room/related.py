"""Related documents: published documents that share people, organizations, places or
subjects with a given one, ranked by how much they share.

One query. The shared ids come from the document's (usually prefetched) links; each kind of
overlap is counted by a correlated subquery, so no join multiplies rows however many links a
document has. Ties go to the document closest in date, then to the lower record number.
"""

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from documents.models import (
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    TaggedDocument,
)
from documents.selectors import published_documents

RELATED_LIMIT = 5

# (link model, its document field, its entity field, the document's prefetched links)
_KINDS = [
    (DocumentPerson, "document", "person", "person_links"),
    (DocumentOrganization, "document", "organization", "organization_links"),
    (DocumentPlace, "document", "place", "place_links"),
    (TaggedDocument, "content_object", "tag", "subject_links"),
]

# Columns a related-documents list shows; the big text columns stay in the database.
LIST_FIELDS = [
    "record_number",
    "slug",
    "title",
    "summary",
    "date_precision",
    "date_earliest",
    "date_latest",
    "date_circa",
]


def _shared_count(model, doc_field: str, entity_field: str, ids: set[int]):
    counts = (
        model.objects.filter(**{doc_field: OuterRef("pk"), f"{entity_field}_id__in": ids})
        .order_by()
        .values(doc_field)
        .annotate(n=Count(f"{entity_field}_id", distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def related_documents(doc: Document, limit: int = RELATED_LIMIT) -> list[Document]:
    """Up to `limit` published documents sharing the most entities and subjects with `doc`.

    Always published only, even when staff preview a draft: the list is what readers get.
    Each result carries `shared`, the number of shared entities and subjects.
    """
    candidates = Q()
    shared = Value(0)
    for model, doc_field, entity_field, relation in _KINDS:
        ids = {getattr(link, f"{entity_field}_id") for link in getattr(doc, relation).all()}
        if not ids:
            continue
        linked = model.objects.filter(**{f"{entity_field}_id__in": ids}).values(f"{doc_field}_id")
        candidates |= Q(pk__in=linked)
        shared = shared + _shared_count(model, doc_field, entity_field, ids)
    if not candidates:
        return []
    queryset = (
        published_documents()
        .filter(candidates)
        .exclude(pk=doc.pk)
        .only(*LIST_FIELDS)
        .annotate(shared=shared)
    )
    order = [F("shared").desc()]
    if doc.date_earliest is not None:
        distance = Func(
            F("date_earliest"),
            Value(doc.date_earliest),
            template="ABS(%(expressions)s)",
            arg_joiner=" - ",
            output_field=IntegerField(),
        )
        order.append(distance.asc(nulls_last=True))
    order.append(F("record_number").asc())
    return list(queryset.order_by(*order)[:limit])
