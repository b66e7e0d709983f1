"""Time the staffing report selector against one raw SQL aggregate of the same numbers.

Run: ``.venv/bin/python bench/staffing_report.py`` (see bench/README.md). Uses
``var/bench.sqlite3`` unless ``DATABASE_URL`` is set; migrates it and generates the size-M scale
city (``generate_scale_data``) once if it is missing.
"""

import argparse
import sys

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from workforce.management.commands.generate_scale_data import ROOT_NAME  # noqa: E402
from workforce.models import Federation, Posting, Unit  # noqa: E402
from workforce.selectors import staffing_report  # noqa: E402

COLUMNS = ("units", "employees", "required", "allowed", "posted", "unstaffed", "over_norm")


def raw_sql() -> str:
    """Return one SQL statement computing the report's per-county numbers (standard SQL).

    The staffing norm of a federation is the deepest base/step set on it or an ancestor, else
    the policy default, as ``resolve_policy`` decides. ``norm`` is materialized so that the
    policy look-ups run once per federation, not once per unit.
    """
    federation = Federation._meta.db_table
    unit = Unit._meta.db_table
    posting = Posting._meta.db_table
    step = Federation.steplen
    inherited = benchsetup.inherited_policy_sql

    return f"""
    WITH norm AS MATERIALIZED (
        SELECT f.id,
               CASE WHEN f.depth = 1 THEN f.path ELSE SUBSTR(f.path, 1, {2 * step}) END AS county,
               {inherited("staffing_base")} AS base,
               {inherited("staffing_step")} AS step
        FROM {federation} f
        WHERE f.path LIKE %s
    ),
    posted AS (
        SELECT unit_id, COUNT(*) AS n FROM {posting} WHERE "end" IS NULL GROUP BY unit_id
    ),
    measured AS (
        SELECT norm.county, u.headcount AS h, COALESCE(posted.n, 0) AS n,
               CASE WHEN u.headcount <= 0 THEN 0
                    WHEN u.headcount <= norm.base THEN 1
                    ELSE 1 + (u.headcount - norm.base) / norm.step END AS allowed
        FROM {unit} u
        JOIN norm ON norm.id = u.federation_id
        LEFT JOIN posted ON posted.unit_id = u.id
    )
    SELECT county,
           COUNT(*),
           SUM(h),
           SUM(CASE WHEN h > 0 THEN 1 ELSE 0 END),
           SUM(allowed),
           SUM(n),
           SUM(CASE WHEN n = 0 AND h > 0 THEN 1 ELSE 0 END),
           SUM(CASE WHEN n > allowed THEN 1 ELSE 0 END)
    FROM measured
    GROUP BY county
    ORDER BY county
    """


def run_raw(sql: str, root_path: str) -> dict[str, tuple[int, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [root_path + "%"])
        return {row[0]: tuple(int(value) for value in row[1:]) for row in cursor.fetchall()}


def run_selector(root_path: str) -> dict[str, tuple[int, ...]]:
    report = staffing_report([root_path])
    return {
        row.key: tuple(getattr(row.totals, column) for column in COLUMNS)
        for row in report.rows
        if row.totals.units  # the raw query has no row for a county without units
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    if not Federation.objects.filter(name=ROOT_NAME).exists():
        print(f"Generating scale data (size {options.size}) ...", flush=True)
        call_command("generate_scale_data", size=options.size)
    root = Federation.objects.get(name=ROOT_NAME)
    units = Unit.objects.filter(federation__path__startswith=root.path).count()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}, {units} units")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk inserts
    sql = raw_sql()
    # Warm both once (connection, caches), then time them in turns.
    run_selector(root.path)
    run_raw(sql, root.path)
    (selector_time, raw_time), (selector_numbers, raw_numbers) = benchsetup.best_times(
        options.repeat, lambda: run_selector(root.path), lambda: run_raw(sql, root.path)
    )

    if not benchsetup.same_numbers(selector_numbers, raw_numbers):
        return 1
    totals = [sum(column) for column in zip(*raw_numbers.values(), strict=True)]
    print("Same numbers: " + ", ".join(f"{c} {v}" for c, v in zip(COLUMNS, totals, strict=True)))
    benchsetup.report("staffing_report", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
