"""The search outbox and the triggers that fill it.

Every change that alters what a reader can find records the affected document ids in
`documents_searchoutbox`, in the same transaction, from the database itself, so no write path
(admin, import, merge, revert, `QuerySet.update()`, raw SQL) can forget to. Statement-level
triggers with transition tables: one INSERT per statement, however many rows it touched.
Existing documents are queued once, so the first indexer run indexes them all.
"""

import django.db.models.functions.datetime
from django.db import migrations, models

OUTBOX = "documents_searchoutbox"

# Columns of a document that the index reads (entity names come through the triggers below).
DOCUMENT_COLUMNS = (
    "title", "summary", "full_text", "original_text", "source_citation", "status", "publish_on",
    "date_earliest", "date_latest", "record_number", "version", "document_type_id",
    "repository_id",
)

# Link tables: (table, its document column, its other end).
LINKS = (
    ("documents_documentperson", "document_id", "person_id"),
    ("documents_documentorganization", "document_id", "organization_id"),
    ("documents_documentplace", "document_id", "place_id"),
    ("documents_taggeddocument", "content_object_id", "tag_id"),
    ("documents_document_collections", "document_id", "collection_id"),
    ("documents_document_original_languages", "document_id", "language_id"),
)

# Named things whose names are searchable: (table, name columns, how documents reach it).
NAMED = (
    ("people_person", ("name", "variants"),
     "SELECT l.document_id FROM documents_documentperson l WHERE l.person_id IN"),
    ("people_organization", ("name", "abbreviation", "variants"),
     "SELECT l.document_id FROM documents_documentorganization l WHERE l.organization_id IN"),
    ("people_place", ("name", "variants"),
     "SELECT l.document_id FROM documents_documentplace l WHERE l.place_id IN"),
    ("documents_subject", ("name",),
     "SELECT l.content_object_id FROM documents_taggeddocument l WHERE l.tag_id IN"),
    ("documents_repository", ("name", "abbreviation"),
     "SELECT d.id FROM documents_document d WHERE d.repository_id IN"),
    ("documents_documenttype", ("name",),
     "SELECT d.id FROM documents_document d WHERE d.document_type_id IN"),
)


def _changed(columns) -> str:
    new = ", ".join(f"n.{c}" for c in columns)
    old = ", ".join(f"o.{c}" for c in columns)
    return f"ROW({new}) IS DISTINCT FROM ROW({old})"


def _function(name: str, insert: str, update: str, delete: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {OUTBOX} (document_id) {insert};
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO {OUTBOX} (document_id) {update};
    ELSE
        INSERT INTO {OUTBOX} (document_id) {delete};
    END IF;
    RETURN NULL;
END $$;"""


def _triggers(table: str, function: str, events=("INSERT", "UPDATE", "DELETE")) -> str:
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    return "".join(
        f"""
CREATE TRIGGER search_outbox_{event.lower()} AFTER {event} ON {table}
    REFERENCING {referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"""
        for event in events
    )


def _document_triggers() -> str:
    """Row-level for documents: a row's wide texts are then never copied into transition
    tables, and an UPDATE that sets none of the indexed columns (`entity_text`, notes) does
    not even consider the trigger."""
    columns = ", ".join(DOCUMENT_COLUMNS)
    old = ", ".join(f"OLD.{c}" for c in DOCUMENT_COLUMNS)
    new = ", ".join(f"NEW.{c}" for c in DOCUMENT_COLUMNS)
    return f"""
CREATE FUNCTION documents_search_outbox_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {OUTBOX} (document_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
CREATE TRIGGER search_outbox_insert AFTER INSERT ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_search_outbox_document();
CREATE TRIGGER search_outbox_delete AFTER DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_search_outbox_document();
CREATE TRIGGER search_outbox_update AFTER UPDATE OF {columns} ON documents_document
    FOR EACH ROW WHEN (ROW({old}) IS DISTINCT FROM ROW({new}))
    EXECUTE FUNCTION documents_search_outbox_document();"""


def _forward() -> str:
    sql = [_document_triggers()]
    for table, document, other in LINKS:
        function = f"{table}_search_outbox"
        sql.append(
            _function(
                function,
                f"SELECT {document} FROM new_rows",
                f"SELECT n.{document} FROM new_rows n JOIN old_rows o ON o.id = n.id "
                f"WHERE {_changed((document, other))} "
                f"UNION SELECT o.{document} FROM new_rows n JOIN old_rows o ON o.id = n.id "
                f"WHERE {_changed((document, other))}",
                f"SELECT {document} FROM old_rows",
            )
        )
        sql.append(_triggers(table, function))
    for table, columns, documents in NAMED:
        function = f"{table}_search_outbox"
        renamed = f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_changed(columns)}"
        sql.append(
            _function(function, "SELECT NULL::bigint WHERE false", f"{documents} ({renamed})",
                      "SELECT NULL::bigint WHERE false")
        )
        sql.append(_triggers(table, function, events=("UPDATE",)))
    sql.append(f"INSERT INTO {OUTBOX} (document_id) SELECT id FROM documents_document;")
    return "\n".join(sql)


def _backward() -> str:
    tables = [("documents_document", "documents_search_outbox_document", ("INSERT", "UPDATE", "DELETE"))]
    tables += [(t, f"{t}_search_outbox", ("INSERT", "UPDATE", "DELETE")) for t, _, _ in LINKS]
    tables += [(t, f"{t}_search_outbox", ("UPDATE",)) for t, _, _ in NAMED]
    sql = []
    for table, function, events in tables:
        sql += [f"DROP TRIGGER IF EXISTS search_outbox_{e.lower()} ON {table};" for e in events]
        sql.append(f"DROP FUNCTION IF EXISTS {function}();")
    return "\n".join(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0007_collection_exports'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchOutbox',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('document_id', models.BigIntegerField()),
                ('applied', models.BooleanField(db_default=False, default=False)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'verbose_name': 'search outbox entry',
                'verbose_name_plural': 'search outbox',
                'default_permissions': (),
                'indexes': [models.Index(condition=models.Q(('applied', False)), fields=['id'], name='search_outbox_pending')],
            },
        ),
        migrations.RunSQL(_forward(), _backward()),
    ]
