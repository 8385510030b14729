"""Related documents: published documents that share people, organizations, places or
subjects with a given one, ranked by how much they share.

The search engine finds and ranks them in one search (`documents.search.engine.related`:
ties go to the document closest in date, then to the lower record number); the rows shown
are then loaded by id in one statement. The shared ids come from the document's (prefetched)
links.
"""

from documents.models import Document
from documents.search.engine import SearchUnavailable, related
from documents.selectors import published_documents

RELATED_LIMIT = 5

# facet -> (the document's prefetched links, the linked entity's id field)
_KINDS = {
    "person": ("person_links", "person_id"),
    "organization": ("organization_links", "organization_id"),
    "place": ("place_links", "place_id"),
    "subject": ("subject_links", "tag_id"),
}

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


def related_documents(doc: Document, limit: int = RELATED_LIMIT) -> list[Document]:
    """Up to `limit` published documents sharing the most entities and subjects with `doc`.

    Always published only, even when staff preview a draft: the list is what readers get.
    Each result carries `shared`, the number of shared entities and subjects.
    """
    values = {
        name: [getattr(link, field) for link in getattr(doc, relation).all()]
        for name, (relation, field) in _KINDS.items()
    }
    try:
        found = related(values, exclude=doc.pk, day=doc.date_earliest, limit=limit)
    except SearchUnavailable:  # no index yet: the document page is shown without the list
        return []
    if not found:
        return []
    rows = published_documents().filter(pk__in=[pk for pk, _ in found]).only(*LIST_FIELDS)
    by_id = {row.pk: row for row in rows}
    ordered = []
    for pk, shared in found:
        row = by_id.get(pk)
        if row is not None:  # withdrawn a moment ago, before the indexer applied it
            row.shared = shared
            ordered.append(row)
    return ordered
