"""Readers search the search engine now: the stored search vector and its GIN index go.

`entity_text` stays (the admin's accent-blind search reads it). The outbox trigger on
documents also watches `published_at` now: the index orders feeds and "recent" lists by when a
document became public.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("documents.migrations.0008_search_outbox")

COLUMNS = (*previous.DOCUMENT_COLUMNS, "published_at")


def _update_trigger(columns) -> str:
    old = ", ".join(f"OLD.{c}" for c in columns)
    new = ", ".join(f"NEW.{c}" for c in columns)
    return f"""
DROP TRIGGER IF EXISTS search_outbox_update ON documents_document;
CREATE TRIGGER search_outbox_update AFTER UPDATE OF {", ".join(columns)} ON documents_document
    FOR EACH ROW WHEN (ROW({old}) IS DISTINCT FROM ROW({new}))
    EXECUTE FUNCTION documents_search_outbox_document();"""


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0011_scan_page_count"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # A corpus loaded without the vector has no index to drop: IF EXISTS.
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS document_search_gin;",
                    "CREATE INDEX document_search_gin ON documents_document "
                    "USING gin (search_vector);",
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="document", name="document_search_gin"),
            ],
        ),
        migrations.RemoveField(model_name="document", name="search_vector"),
        migrations.RunSQL(
            _update_trigger(COLUMNS), _update_trigger(previous.DOCUMENT_COLUMNS)
        ),
    ]
