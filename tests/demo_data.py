"""The demo collection, loaded once per test session and copied into each test that reads it.

`loaddata demo` takes seconds (natural keys are looked up one by one and every save refreshes
search text); PostgreSQL's COPY restores the rows it wrote in milliseconds. The snapshot is
taken by the real `loaddata` inside a transaction that is rolled back, so the database is
left as it was, and restoring it inside a test's transaction is rolled back with the test.
After restoring, the sequences are moved on exactly as `loaddata` moves them.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from documents.services.record_numbers import sync_record_number_sequence


@dataclass(frozen=True)
class TableCopy:
    """The rows one table gained, in COPY's text format, without generated columns."""

    table: str
    columns: tuple[str, ...]
    data: bytes

    def column_list(self) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self.table)} ({', '.join(quote(c) for c in self.columns)})"


def _row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _stored_columns(cursor, table: str) -> tuple[str, ...]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = %s AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position",
        [table],
    )
    return tuple(row[0] for row in cursor.fetchall())


def _copy_out(cursor, table: str) -> TableCopy:
    columns = _stored_columns(cursor, table)
    copy = TableCopy(table, columns, b"")
    data = bytearray()
    with cursor.copy(f"COPY {copy.column_list()} TO STDOUT") as out:
        for chunk in out:
            data += chunk
    return TableCopy(table, columns, bytes(data))


def take_snapshot() -> list[TableCopy]:
    """Run `loaddata demo` in a transaction that is rolled back; return the rows it wrote.

    Only tables that were empty before are copied: a table that already held rows and
    gained some would need a finer diff, so that is refused loudly instead of half-copied."""
    tables = connection.introspection.table_names()
    with transaction.atomic():
        with connection.cursor() as cursor:
            before = _row_counts(cursor, tables)
        call_command("loaddata", "demo", verbosity=0)
        with connection.cursor() as cursor:
            after = _row_counts(cursor, tables)
            grown = [t for t in tables if after[t] != before[t]]
            mixed = [t for t in grown if before[t]]
            if mixed:
                raise RuntimeError(f"The demo adds rows to tables that were not empty: {mixed}")
            snapshot = [_copy_out(cursor, table) for table in grown]
        transaction.set_rollback(True)
    return snapshot


def restore(snapshot: list[TableCopy]) -> None:
    """Write the snapshot's rows (foreign keys are checked at commit, so order is free) and
    move the sequences on past them."""
    tables = {copy.table for copy in snapshot}
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
    with transaction.atomic(), connection.cursor() as cursor:
        for copy in snapshot:
            with cursor.copy(f"COPY {copy.column_list()} FROM STDIN") as into:
                into.write(copy.data)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        sync_record_number_sequence()
