"""The search outbox: a log of documents whose entry in a search index may be out of date.

Rows are written by database triggers (migration `0008_search_outbox`) in the same
transaction as the change, whatever made it: a save, `QuerySet.update()`, a bulk import, a
merge, a cascade, raw SQL. So an index can never miss a change that committed, and a change
that rolled back leaves no row.

Every index (each app node keeps its own) reads the whole log and remembers how far it got
(`documents.search.outbox.Progress`, kept in the index itself); nobody deletes the rows it
applied. Each row carries the id of the transaction that wrote it (`txid`), so an index can
tell rows that may still appear (their transaction is running) from rows that never will.
`SearchFollower` lists the indexes (and running rebuilds) with how far each has applied the
log; the cleanup deletes only rows every one of them is past, and `SearchOutboxFloor`
remembers the highest point it deleted below.
"""

from django.db import models
from django.db.models import Func
from django.db.models.functions import Now


class CurrentTransactionId(Func):
    """The writing transaction's id (`pg_current_xact_id()`, 64 bits: never wraps around)."""

    template = "(pg_current_xact_id()::text::bigint)"
    output_field = models.BigIntegerField()


class SearchOutbox(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: the row must outlive a deleted document, so indexes remove it.
    document_id = models.BigIntegerField()
    txid = models.BigIntegerField(db_default=CurrentTransactionId())
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "search outbox entry"
        verbose_name_plural = "search outbox"
        default_permissions = ()  # machinery, not curated: no admin, no permissions
        indexes = [models.Index(fields=["txid", "id"], name="search_outbox_position")]

    def __str__(self) -> str:
        return f"document {self.document_id} (transaction {self.txid})"


class SearchFollower(models.Model):
    """An index that applies the outbox (one per app node), or a rebuild under way.

    `horizon`: every row written by a transaction below it has been applied. The cleanup
    never deletes a row at or above the lowest horizon listed here."""

    class Kind(models.TextChoices):
        INDEX = "index", "index"
        REBUILD = "rebuild", "rebuild under way"

    name = models.CharField(max_length=500, primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INDEX)
    horizon = models.BigIntegerField()
    build = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField(db_default=Now())
    seen_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "search index follower"
        default_permissions = ()

    def __str__(self) -> str:
        return self.name


class SearchOutboxFloor(models.Model):
    """One row: rows written below `deleted_below` may have been deleted by the cleanup, so
    an index that has not applied them cannot catch up from the outbox (it is rebuilt)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    deleted_below = models.BigIntegerField(default=0)
    cleaned_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "search outbox floor"
        default_permissions = ()

    def __str__(self) -> str:
        return f"deleted below transaction {self.deleted_below}"
