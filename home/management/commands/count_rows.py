"""Count the rows of every table: ``manage.py count_rows [--json] [--compare MANIFEST]``.

``deploy/backup.sh`` stores ``count_rows --json --snapshot ID`` beside the dump as its manifest;
``deploy/restore.sh`` runs ``count_rows --compare manifest.json`` on the restored database, which
exits with status 1 and names every table whose count differs.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from home.rowcounts import differences, table_counts


class Command(BaseCommand):
    help = "Count the rows of every table; compare them with a backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the counts as JSON"
        )
        parser.add_argument(
            "--compare",
            metavar="MANIFEST",
            help="a JSON file of counts (from --json): fail if any table differs",
        )
        parser.add_argument(
            "--snapshot",
            metavar="ID",
            help="count as of an exported PostgreSQL snapshot (pg_export_snapshot())",
        )

    def handle(self, *args, as_json: bool, compare: str | None, snapshot: str | None, **options):
        if snapshot and connection.vendor != "postgresql":
            raise CommandError("--snapshot needs PostgreSQL.")
        counts = table_counts(snapshot=snapshot)
        if compare:
            self._compare(Path(compare), counts)
        elif as_json:
            self.stdout.write(_dumps(counts))
        else:
            width = max((len(name) for name in counts), default=0)
            for name, count in counts.items():
                self.stdout.write(f"{name:<{width}}  {count}")

    def _compare(self, manifest: Path, counts: dict[str, int]) -> None:
        try:
            expected = _loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the manifest {manifest}: {error}") from error
        found = differences(expected, counts)
        for difference in found:
            self.stderr.write(
                f"MISMATCH {difference.table}: backup {_shown(difference.expected)}, "
                f"restored {_shown(difference.actual)}"
            )
        if found:
            raise CommandError(
                f"{len(found)} of {len(expected)} tables differ from the manifest {manifest}."
            )
        rows = sum(counts.values())
        self.stdout.write(f"OK: {len(counts)} tables, {rows} rows, all match the manifest.")


def _dumps(counts: dict[str, int]) -> str:
    return json.dumps(counts, indent=1, sort_keys=True)


def _loads(text: str) -> dict[str, int]:
    value = json.loads(text)
    if not isinstance(value, dict) or not all(isinstance(n, int) for n in value.values()):
        raise ValueError("not a JSON object of table: count")
    return value


def _shown(count: int | None) -> str:
    return "no table" if count is None else str(count)
