"""Keep each document's `entity_text` current: the admin's accent-blind search reads it.

The names and variants of linked people, organizations and places, subjects, type and
archive are copied into `Document.entity_text` by one SQL statement per batch of documents,
so the admin finds a document by any of them (drafts included) without joins. Readers search
the search engine, which indexes the same names itself.
"""

from collections.abc import Iterable

from django.db import connection

_ENTITY_TEXT_SQL = """
UPDATE documents_document AS d
SET entity_text = COALESCE((
    SELECT string_agg(n, E'\\n' ORDER BY n) FROM (
        SELECT p.name || E'\\n' || p.variants FROM documents_documentperson l
            JOIN people_person p ON p.id = l.person_id WHERE l.document_id = d.id
        UNION
        SELECT o.name || E'\\n' || o.abbreviation || E'\\n' || o.variants
            FROM documents_documentorganization l
            JOIN people_organization o ON o.id = l.organization_id WHERE l.document_id = d.id
        UNION
        SELECT pl.name || E'\\n' || pl.variants FROM documents_documentplace l
            JOIN people_place pl ON pl.id = l.place_id WHERE l.document_id = d.id
        UNION
        SELECT s.name FROM documents_taggeddocument t
            JOIN documents_subject s ON s.id = t.tag_id WHERE t.content_object_id = d.id
        UNION
        SELECT r.name || E'\\n' || r.abbreviation FROM documents_repository r
            WHERE r.id = d.repository_id
        UNION
        SELECT dt.name FROM documents_documenttype dt WHERE dt.id = d.document_type_id
    ) AS names(n)
), '')
WHERE d.id = ANY(%s)
"""

_LINKED_DOCUMENTS = {
    "person": "SELECT document_id FROM documents_documentperson WHERE person_id = ANY(%s)",
    "organization": (
        "SELECT document_id FROM documents_documentorganization WHERE organization_id = ANY(%s)"
    ),
    "place": "SELECT document_id FROM documents_documentplace WHERE place_id = ANY(%s)",
    "subject": "SELECT content_object_id FROM documents_taggeddocument WHERE tag_id = ANY(%s)",
    "repository": "SELECT id FROM documents_document WHERE repository_id = ANY(%s)",
    "documenttype": "SELECT id FROM documents_document WHERE document_type_id = ANY(%s)",
}


def refresh_entity_text(document_ids: Iterable[int]) -> None:
    """Recompute `entity_text` for these documents."""
    ids = [int(i) for i in document_ids if i is not None]
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_ENTITY_TEXT_SQL, [ids])


def linked_document_ids(kind: str, entity_ids: Iterable[int]) -> list[int]:
    """Ids of the documents linked to these entities.

    `kind` is one of person, organization, place, subject, repository, documenttype.
    """
    ids = [int(i) for i in entity_ids if i is not None]
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_LINKED_DOCUMENTS[kind], [ids])
        return [row[0] for row in cursor.fetchall()]
