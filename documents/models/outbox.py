"""The search outbox: documents whose entry in the search index may be out of date.

Rows are written by database triggers (migration `0008_search_outbox`) in the same
transaction as the change, whatever made it: a save, `QuerySet.update()`, a bulk import, a
merge, a cascade, raw SQL. So the index can never miss a change that committed, and a change
that rolled back leaves no row. The indexer (`documents.search.engine.indexer`) claims rows,
re-reads those documents from the database and replaces their entries, then deletes the rows;
while a rebuild runs it keeps them (`applied`) so the rebuild can catch up with them.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class SearchOutbox(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: the row must outlive a deleted document, so the indexer removes it.
    document_id = models.BigIntegerField()
    applied = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "search outbox entry"
        verbose_name_plural = "search outbox"
        default_permissions = ()  # machinery, not curated: no admin, no permissions
        indexes = [
            models.Index(fields=["id"], condition=Q(applied=False), name="search_outbox_pending")
        ]

    def __str__(self) -> str:
        return f"document {self.document_id}{' (applied)' if self.applied else ''}"
