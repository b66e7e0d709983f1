"""Time the city-wide minimum-wage floor check against one raw SQL statement giving the same rows.

Run: ``.venv/bin/python bench/compensation_floor.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. Migrates the database and, if the size-M scale city is missing,
generates it with ``generate_scale_data --size M`` (its compensation step: five years of
placements for about 18,000 workers, the tiers, a raise announced after today). If the city has
no pay scheme (generated before that step existed), the step is run on it first.

The selector is ``compensation.selectors.floor_check`` for the whole scale city on ``--on``
(default today): seven queries, then the pure rules per worker in Python. The raw SQL decides
the same thing per worker in the database: the placement in force, the pay table in force (the
level's amount plus the allowances for everyone or for the worker's qualification), the tier
in force at the nearest federation on the worker's path that has one, the floor in force, and
for the workers above it the pay on the date of the tier's next floor against that floor.
Both must give every worker the same status, monthly pay and floor (exit status 1 if not).
"""

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from compensation import scale, selectors  # noqa: E402
from compensation.models import (  # noqa: E402
    Allowance,
    MinimumWage,
    PayRate,
    PayScheme,
    PayTable,
    Placement,
    Post,
    TierAssignment,
)
from workforce.management.commands.generate_scale_data import (  # noqa: E402
    ROOT_NAME,
    SIZES,
    ScaleData,
)
from workforce.models import Federation, Worker  # noqa: E402

CENTS = Decimal("0.01")


def ensure_data(size: str) -> Federation:
    root = Federation.objects.filter(name=ROOT_NAME).first()
    if root is None:
        print(f"Generating scale data (size {size}) ...", flush=True)
        call_command("generate_scale_data", size=size)
        root = Federation.objects.get(name=ROOT_NAME)
    if not PayScheme.objects.filter(federation=root).exists():
        print("The scale city has no pay scheme: running the compensation step ...", flush=True)
        data = ScaleData(
            size=SIZES[size], rng=random.Random(2017), today=timezone.localdate(), root=root
        )
        data.federations = list(Federation.objects.filter(path__startswith=root.path, depth__gt=1))
        data.workers = list(Worker.objects.filter(federation__path__startswith=root.path))
        with transaction.atomic():
            scale.add_compensation(data)
    return root


def raw_sql() -> str:
    """Return one statement giving (worker id, status, monthly, floor) for every active
    full-time worker under the root (parameters: root pattern and the day ``on``)."""
    t = {
        model.__name__: model._meta.db_table
        for model in (Allowance, Federation, MinimumWage, PayRate, PayTable, Placement, Post,
                      TierAssignment, Worker)
    }  # fmt: skip
    on = "CAST(%(on)s AS DATE)" if connection.vendor == "postgresql" else "%(on)s"
    return f"""
    WITH w AS MATERIALIZED (
        SELECT w.id, w.qualification, w.federation_id
        FROM {t["Worker"]} w JOIN {t["Federation"]} f ON f.id = w.federation_id
        WHERE w.status = 'active' AND w.employment_mode <> 'part_time' AND f.path LIKE %(root)s
    ),
    placed AS MATERIALIZED (
        SELECT w.id AS worker_id, w.qualification, w.federation_id, post.scheme_id, p.level
        FROM w
        LEFT JOIN {t["Placement"]} p ON p.worker_id = w.id AND p.effective_from <= {on}
             AND NOT EXISTS (
                 SELECT 1 FROM {t["Placement"]} x
                 WHERE x.worker_id = p.worker_id AND x.effective_from > p.effective_from
                   AND x.effective_from <= {on})
        LEFT JOIN {t["Post"]} post ON post.id = p.post_id
    ),
    tiered AS MATERIALIZED (
        SELECT f.id AS federation_id, (
            SELECT ta.tier FROM {t["TierAssignment"]} ta
            JOIN {t["Federation"]} a ON a.id = ta.federation_id
            WHERE f.path LIKE a.path || '%%' AND ta.effective_from <= {on}
            ORDER BY a.depth DESC, ta.effective_from DESC LIMIT 1) AS tier
        FROM {t["Federation"]} f WHERE f.path LIKE %(root)s
    ),
    floors AS MATERIALIZED (
        SELECT tier,
               MAX(CASE WHEN n_now = 1 THEN monthly END) AS floor,
               MAX(CASE WHEN n_next = 1 THEN monthly END) AS next_floor,
               MAX(CASE WHEN n_next = 1 THEN effective_from END) AS next_from
        FROM (
            SELECT tier, monthly, effective_from,
                   CASE WHEN effective_from <= {on} THEN ROW_NUMBER() OVER (
                       PARTITION BY tier, effective_from <= {on} ORDER BY effective_from DESC)
                   END AS n_now,
                   CASE WHEN effective_from > {on} THEN ROW_NUMBER() OVER (
                       PARTITION BY tier, effective_from <= {on} ORDER BY effective_from)
                   END AS n_next
            FROM {t["MinimumWage"]}
        ) x
        GROUP BY tier
    ),
    tables AS MATERIALIZED (
        SELECT scheme_id, id FROM (
            SELECT scheme_id, id,
                   ROW_NUMBER() OVER (PARTITION BY scheme_id ORDER BY effective_from DESC) AS n
            FROM {t["PayTable"]} WHERE effective_from <= {on}
        ) x WHERE n = 1
    ),
    later_tables AS MATERIALIZED (
        SELECT tier, scheme_id, id FROM (
            SELECT floors.tier, pt.scheme_id, pt.id,
                   ROW_NUMBER() OVER (PARTITION BY floors.tier, pt.scheme_id
                                      ORDER BY pt.effective_from DESC) AS n
            FROM floors JOIN {t["PayTable"]} pt ON pt.effective_from <= floors.next_from
        ) x WHERE n = 1
    ),
    allowances AS MATERIALIZED (
        SELECT table_id, qualification, SUM(monthly) AS amount
        FROM {t["Allowance"]} GROUP BY table_id, qualification
    ),
    pay AS (
        SELECT placed.worker_id, floors.floor, floors.next_floor,
               r.monthly + COALESCE(a.amount, 0) + COALESCE(q.amount, 0) AS monthly,
               lr.monthly + COALESCE(la.amount, 0) + COALESCE(lq.amount, 0) AS later
        FROM placed
        JOIN tiered ON tiered.federation_id = placed.federation_id
        LEFT JOIN floors ON floors.tier = tiered.tier
        LEFT JOIN tables ON tables.scheme_id = placed.scheme_id
        LEFT JOIN {t["PayRate"]} r ON r.table_id = tables.id AND r.level = placed.level
        LEFT JOIN allowances a ON a.table_id = tables.id AND a.qualification = ''
        LEFT JOIN allowances q ON q.table_id = tables.id AND q.qualification = placed.qualification
                               AND placed.qualification <> ''
        LEFT JOIN later_tables lt ON lt.tier = tiered.tier AND lt.scheme_id = placed.scheme_id
        LEFT JOIN {t["PayRate"]} lr ON lr.table_id = lt.id AND lr.level = placed.level
        LEFT JOIN allowances la ON la.table_id = lt.id AND la.qualification = ''
        LEFT JOIN allowances lq ON lq.table_id = lt.id AND lq.qualification = placed.qualification
                                AND placed.qualification <> ''
    )
    SELECT worker_id,
           CASE WHEN monthly IS NULL THEN 'unplaced'
                WHEN floor IS NULL THEN 'no_floor'
                WHEN monthly <= floor THEN 'below'
                WHEN later IS NOT NULL AND later <= next_floor THEN 'will_fall'
                ELSE 'above' END,
           monthly, floor
    FROM pay
    """


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENTS)


def run_raw(sql: str, root_path: str, on: dt.date) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"root": root_path + "%", "on": on})
        return {
            worker: (status, _money(monthly), _money(floor))
            for worker, status, monthly, floor in cursor.fetchall()
        }


def run_selector(root_path: str, on: dt.date) -> dict[int, tuple]:
    report = selectors.floor_check([root_path], on=on)
    return {row.worker_id: (str(row.status), row.monthly, row.floor) for row in report.rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="the day checked")
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    root = ensure_data(options.size)
    on = options.on or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk inserts
    placements = Placement.objects.filter(worker__federation__path__startswith=root.path)
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{placements.values('worker').distinct().count()} workers placed, "
        f"{placements.count()} placements; on {on}"
    )
    sql = raw_sql()
    compared = benchsetup.compare(
        options.repeat, lambda: run_selector(root.path, on), lambda: run_raw(sql, root.path, on)
    )
    if compared is None:
        return 1
    selector_time, raw_time, raw_numbers = compared
    counts: dict[str, int] = {}
    for status, _monthly, _floor in raw_numbers.values():
        counts[status] = counts.get(status, 0) + 1
    print(f"Same rows for {len(raw_numbers)} workers: " + ", ".join(
        f"{status} {count}" for status, count in sorted(counts.items())))  # fmt: skip
    benchsetup.report("floor_check", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
