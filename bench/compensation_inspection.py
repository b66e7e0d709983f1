"""Time a county's self-inspection figures (``inspection.gather``) against raw SQL gathering them.

Run: ``.venv/bin/python bench/compensation_inspection.py`` (SQLite in ``var/bench.sqlite3``) or
with ``DATABASE_URL=postgres://...``; ``--county CODE`` picks the county-level federation
(default: the scale city's largest). Uses the size-M scale city as ``compensation_floor.py``
does (generating it, or its compensation step, when missing).

The selector side is ``compensation.inspection.gather`` for this year: the workers by
employment mode, the staffing report, the training compliance, the grade distribution, the floor
check, the insurance gaps, the funds ledger, the city's extra for public-welfare posts and the
part-time work subsidies, about 35 queries with the pure rules in Python. The raw side runs
nine statements: the staffing and compliance statements of ``staffing_report.py`` and
``compliance_dashboard.py`` and the floor statement of ``compensation_floor.py`` (each for the
county's subtree), and one each for the workers, the grades, the insurance months due and
unpaid, the ledger, the public-welfare workers and the work subsidies; it assembles the same
JSON. Both must be equal (exit status 1 if not).
"""

import argparse
import datetime as dt
import sys
from collections import Counter
from decimal import Decimal

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

import compensation_floor  # noqa: E402
import compliance_dashboard  # noqa: E402
import staffing_report  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from compensation import inspection  # noqa: E402
from compensation.choices import Use  # noqa: E402
from compensation.models import (  # noqa: E402
    FundSource,
    InsuranceYear,
    PayScheme,
    Spending,
    SubsidyRate,
)
from compensation.selectors import FloorStatus  # noqa: E402
from courses.compliance import Rule, Status  # noqa: E402
from evaluation.choices import State  # noqa: E402
from evaluation.models import Assessment, Cycle  # noqa: E402
from workforce.models import Federation, Worker  # noqa: E402

ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _date(value: str) -> str:
    return f"CAST({value} AS DATE)" if connection.vendor == "postgresql" else value


def statements() -> dict[str, str]:
    """Return the raw statements (their parameters: see ``run_raw``)."""
    t = {
        model.__name__: model._meta.db_table
        for model in (Assessment, Cycle, Federation, FundSource, InsuranceYear, PayScheme,
                      Spending, SubsidyRate, Worker)
    }  # fmt: skip
    under = f"""SELECT w.id FROM {t["Worker"]} w JOIN {t["Federation"]} f ON f.id = w.federation_id
                WHERE f.path LIKE %(root)s"""
    employed = f"""{under} AND w.hire_date <= {_date("%(dec31)s")}
                   AND (w.left_on IS NULL OR w.left_on >= {_date("%(jan1)s")})"""
    grade_of = f"""SELECT a.worker_id, MAX(a.grade) AS grade
                   FROM {t["Assessment"]} a JOIN {t["Cycle"]} c ON c.id = a.cycle_id
                   WHERE c.state = {int(State.CONFIRMED)} AND c.year = %(year)s
                     AND a.grade IS NOT NULL AND a.worker_id IN ({under})
                   GROUP BY a.worker_id"""
    months = " UNION ALL ".join(
        f"SELECT {m} AS bit, {_date(f'%(first{m})s')} AS first, {_date(f'%(last{m})s')} AS last"
        for m in range(1, 13)
    )
    sources = f"""SELECT s.id FROM {t["FundSource"]} s
                  JOIN {t["Federation"]} f ON f.id = s.federation_id
                  WHERE f.path = %(county)s AND s.year = %(year)s"""
    policy = benchsetup.inherited_policy_sql("public_welfare_city_subsidy")
    return {
        "modes": f"""
            SELECT w.employment_mode, COUNT(*) FROM {t["Worker"]} w
            WHERE w.status = 'active' AND w.id IN ({under}) GROUP BY w.employment_mode""",
        "grades": f"""
            SELECT g.grade, COUNT(*) FROM ({grade_of}) g
            JOIN {t["Worker"]} w ON w.id = g.worker_id
            WHERE w.status = 'active' AND w.id IN ({under}) GROUP BY g.grade""",
        "insurance": f"""
            WITH months AS ({months}),
            missing AS (
                SELECT w.id, COUNT(*) AS n
                FROM {t["Worker"]} w
                JOIN months m ON w.hire_date <= m.last
                     AND (w.left_on IS NULL OR w.left_on >= m.first)
                     AND m.last < {_date("%(today)s")}
                LEFT JOIN {t["InsuranceYear"]} i ON i.worker_id = w.id AND i.year = %(year)s
                WHERE w.employment_mode <> 'part_time' AND w.id IN ({employed})
                  AND (COALESCE(i.months, 0) & (1 << (m.bit - 1))) = 0
                GROUP BY w.id
            )
            SELECT COUNT(*), COALESCE(SUM(n), 0) FROM missing""",
        "ledger": f"""
            SELECT s.kind, s.budget, x.use, x.spent, x.workers
            FROM {t["FundSource"]} s
            JOIN {t["Federation"]} f ON f.id = s.federation_id
            LEFT JOIN (
                SELECT source_id, {connection.ops.quote_name("use")} AS use, SUM(amount) AS spent,
                       NULL AS workers
                FROM {t["Spending"]}
                WHERE voided_at IS NULL AND source_id IN ({sources})
                GROUP BY source_id, 2
                UNION ALL
                SELECT source_id, NULL, NULL, COUNT(DISTINCT worker_id)
                FROM {t["Spending"]}
                WHERE voided_at IS NULL AND worker_id IS NOT NULL AND source_id IN ({sources})
                GROUP BY source_id
            ) x ON x.source_id = s.id
            WHERE s.id IN ({sources})
            ORDER BY s.kind""",
        "city_subsidy": f"""
            SELECT COUNT(*), (SELECT {policy} FROM {t["Federation"]} f WHERE f.path = %(county)s)
            FROM {t["Worker"]} w
            WHERE w.employment_mode = 'public_welfare' AND w.id IN ({employed})""",
        "work_subsidy": f"""
            WITH rates AS (
                SELECT grade, yearly FROM (
                    SELECT r.grade, r.yearly,
                           ROW_NUMBER() OVER (PARTITION BY r.grade
                                              ORDER BY r.effective_from DESC) AS n
                    FROM {t["SubsidyRate"]} r
                    WHERE r.effective_from <= {_date("%(dec31)s")} AND r.scheme_id = (
                        SELECT s.id FROM {t["PayScheme"]} s
                        JOIN {t["Federation"]} a ON a.id = s.federation_id
                        WHERE %(county)s LIKE a.path || '%%'
                        ORDER BY a.depth DESC LIMIT 1)
                ) x WHERE n = 1
            )
            SELECT COUNT(*), COALESCE(SUM(rates.yearly), 0)
            FROM {t["Worker"]} w
            LEFT JOIN ({grade_of}) g ON g.worker_id = w.id
            LEFT JOIN rates ON rates.grade = g.grade
            WHERE w.status = 'active' AND w.employment_mode = 'part_time'
              AND w.id IN ({under})""",
    }


def run_raw(sqls: dict[str, str], county: Federation, year: int, today: dt.date) -> dict:
    """Gather the figures with raw SQL and build the same JSON as ``inspection.gather``."""
    on = inspection.as_of(year, today)
    params = {
        "root": county.path + "%",
        "county": county.path,
        "year": year,
        "today": today,
        "jan1": dt.date(year, 1, 1),
        "dec31": dt.date(year, 12, 31),
    }
    for month in range(1, 13):
        params[f"first{month}"] = dt.date(year, month, 1)
        params[f"last{month}"] = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)

    def rows(name: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sqls[name], params)
            return cursor.fetchall()

    with connection.cursor() as cursor:
        cursor.execute(sqls["staffing"], [params["root"]])
        (_key, units, _employees, required, allowed, posted, unstaffed, over), *_ = (
            cursor.fetchall() or [(None, 0, 0, 0, 0, 0, 0, 0)]
        )
    training = compliance_dashboard.run_raw(sqls["training"], county.path, on)
    training = next(iter(training.values()), (0,) * (1 + len(Rule) * len(Status)))
    floor = Counter(status for status, *_ in compensation_floor.run_raw(
        sqls["floor"], county.path, on).values())  # fmt: skip

    modes = {mode: int(n) for mode, n in rows("modes")}
    hiring = Counter()
    for mode, count in modes.items():
        hiring[inspection.HIRING[mode]] += count
    grades = {int(grade): int(n) for grade, n in rows("grades")}
    ((gap_workers, gap_months),) = rows("insurance")
    sources: dict[str, dict] = {}
    uses = dict.fromkeys(Use.values, ZERO)
    for kind, budget, use, spent, workers in rows("ledger"):
        line = sources.setdefault(
            kind, {"kind": kind, "budget": _money(budget), "spent": ZERO, "workers": 0}
        )
        if use is not None:
            line["spent"] += _money(spent)
            uses[use] += _money(spent)
        elif workers is not None:
            line["workers"] = int(workers)
    lines = [sources[kind] for kind in sorted(sources)]
    budget = sum((line["budget"] for line in lines), ZERO)
    spent = sum((line["spent"] for line in lines), ZERO)
    ((welfare, per_person),) = rows("city_subsidy")
    ((part_time, subsidy),) = rows("work_subsidy")
    rule_counts = {
        rule.value: {
            status.value: int(training[1 + r * len(Status) + s]) for s, status in enumerate(Status)
        }
        for r, rule in enumerate(Rule)
    }
    return {
        "year": year,
        "as_of": on.isoformat(),
        "workers": {
            "total": sum(modes.values()),
            "modes": {mode: modes.get(mode, 0) for mode in Worker.EmploymentMode.values},
            "hiring": {way: hiring.get(way, 0) for way in ("open", "purchased", "part_time")},
        },
        "staffing": {
            "units": int(units),
            "required": int(required),
            "allowed": int(allowed),
            "posted": int(posted),
            "unstaffed": int(unstaffed),
            "over_norm": int(over),
        },  # fmt: skip
        "training": {"workers": int(training[0]), "rules": rule_counts},
        "evaluation": {
            "graded": sum(grades.values()),
            "grades": {str(grade): count for grade, count in sorted(grades.items())},
        },
        "pay": {
            "checked": sum(floor.values()),
            **{status.value: floor.get(status.value, 0) for status in FloorStatus},
        },
        "insurance": {"workers": int(gap_workers), "months": int(gap_months)},
        "funds": {
            "budget": str(budget),
            "spent": str(spent),
            "left": str(budget - spent),
            "sources": [
                {
                    "kind": line["kind"],
                    "budget": str(line["budget"]),
                    "spent": str(line["spent"]),
                    "left": str(line["budget"] - line["spent"]),
                    "workers": line["workers"],
                }
                for line in lines
            ],
            "uses": {use: str(amount) for use, amount in uses.items()},
            "city_subsidy": {
                "workers": int(welfare),
                "amount": str(_money(int(welfare) * int(per_person))),
            },
            "work_subsidy": {"workers": int(part_time), "amount": str(_money(subsidy))},
        },
        "violations": {
            "below_floor": floor.get(FloorStatus.BELOW.value, 0),
            "will_fall": floor.get(FloorStatus.WILL_FALL.value, 0),
            "unplaced": floor.get(FloorStatus.UNPLACED.value, 0),
            "no_floor": floor.get(FloorStatus.NO_FLOOR.value, 0),
            "insurance": int(gap_workers),
            "unstaffed": int(unstaffed),
            "over_norm": int(over),
            "training_overdue": sum(rule_counts[rule.value][Status.OVERDUE] for rule in Rule),
            "overspent": sum(1 for line in lines if line["budget"] < line["spent"]),
        },
    }


def largest_county(root: Federation) -> Federation:
    """The county-level federation with the most active workers in its subtree."""
    counties = Federation.objects.filter(path__startswith=root.path, depth=2)
    return max(counties, key=lambda county: Worker.objects.active().under([county.path]).count())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    parser.add_argument("--county", help="code of the county-level federation (default: largest)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    root = compensation_floor.ensure_data(options.size)
    county = Federation.objects.get(code=options.county) if options.county else largest_county(root)
    today = options.today or timezone.localdate()
    year = today.year
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    workers = Worker.objects.active().under([county.path]).count()
    spendings = Spending.objects.filter(source__federation=county, source__year=year).count()
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; {county.name}: "
        f"{workers} active workers, {spendings} spending records in {year}; today {today}"
    )
    sqls = {
        **statements(),
        "staffing": staffing_report.raw_sql(),
        "training": compliance_dashboard.raw_sql(),
        "floor": compensation_floor.raw_sql(),
    }
    compared = benchsetup.compare(
        options.repeat,
        lambda: inspection.gather(county, year=year, today=today),
        lambda: run_raw(sqls, county, year, today),
    )
    if compared is None:
        return 1
    selector_time, raw_time, figures = compared
    print(
        f"Same figures: {figures['workers']['total']} workers, pay {figures['pay']}, "
        f"insurance {figures['insurance']}, funds spent {figures['funds']['spent']} "
        f"of {figures['funds']['budget']}; violations {figures['violations']}"
    )
    benchsetup.report("inspection.gather", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
