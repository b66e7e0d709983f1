"""Row counts per table: the manifest a backup carries and a restore is checked against.

``deploy/backup.sh`` writes the counts of every table, read in the same snapshot as the dump;
``deploy/restore.sh`` counts the restored database and compares the two.
"""

from dataclasses import dataclass

from django.db import connections, transaction


@dataclass(frozen=True)
class Difference:
    """One table whose restored count is not the backed-up one (None: the table is missing)."""

    table: str
    expected: int | None
    actual: int | None


def table_counts(*, using: str = "default", snapshot: str | None = None) -> dict[str, int]:
    """Return the number of rows of every table of the database, by table name.

    With ``snapshot`` (PostgreSQL, from ``pg_export_snapshot()``) the tables are counted as they
    were in that snapshot: the one ``pg_dump --snapshot`` writes.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if snapshot:
            # A snapshot is imported before the transaction's first query, at repeatable read.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        counts = {}
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def differences(expected: dict[str, int], actual: dict[str, int]) -> list[Difference]:
    """Return the tables whose counts differ, or that only one side has, by table name."""
    return [
        Difference(table, expected.get(table), actual.get(table))
        for table in sorted(expected.keys() | actual.keys())
        if expected.get(table) != actual.get(table)
    ]
