"""Time the city-wide compliance dashboard selector against a raw SQL aggregate of the same counts.

Run: ``.venv/bin/python bench/compliance_dashboard.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. Migrates the database and, if the size-M scale city (with its
training: 500 courses, 2,000 sessions, 100,000 enrolments, 1,000,000 attendance rows) is missing,
generates it with ``generate_scale_data --size M`` (``--replace`` when an older scale city
without training is there).

The selector is ``courses.selectors.compliance_report`` (7 grouped queries, then the pure rules of
``courses/compliance.py`` per worker in Python). The raw SQL computes, in the database, the same
met / in progress / due soon / overdue counts per county-level federation for the three rules,
with each federation's inherited policy parameters and the 高师带徒 hours credited as training.
Both must agree (exit status 1 if not).
"""

import argparse
import datetime as dt
import sys

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from courses.compliance import Rule, Status  # noqa: E402
from courses.models import Attendance, CoursePage, Enrolment, Meeting, Session  # noqa: E402
from courses.selectors import compliance_report  # noqa: E402
from mentorship.choices import Kind  # noqa: E402
from mentorship.models import MeetingLog, Pairing  # noqa: E402
from workforce.management.commands.generate_scale_data import ROOT_NAME  # noqa: E402
from workforce.models import Federation, Posting, Worker  # noqa: E402

COLUMNS = ["workers"] + [f"{rule}:{status}" for rule in Rule for status in Status]

# Date arithmetic differs between the databases; each fragment takes SQL expressions.
DIALECTS = {
    "sqlite": {
        "days_between": "CAST(julianday({b}) - julianday({a}) AS INTEGER)",
        "add_days": "date({d}, '+' || ({n}) || ' days')",
        # Month arithmetic kept to the month's last day (SQLite's own '+N months' overflows).
        "add_months": (
            "MIN(date({d}, 'start of month', '+' || ({n}) || ' months',"
            " '+' || (CAST(strftime('%%d', {d}) AS INTEGER) - 1) || ' days'),"
            " date({d}, 'start of month', '+' || (({n}) + 1) || ' months', '-1 day'))"
        ),
        "date": "{d}",
    },
    "postgresql": {
        "days_between": "({b}::date - {a}::date)",
        "add_days": "({d}::date + ({n}))",
        "add_months": "({d}::date + make_interval(months => ({n})::int))::date",
        "date": "{d}::date",
    },
}


def raw_sql() -> str:
    """Return one SQL statement computing the dashboard's counts per county-level federation.

    Parameters: the root path pattern, then today, this year's 1 January, last year's 1 January,
    last year's 31 December and this year's 31 December (see ``run_raw``).
    """
    sql = DIALECTS[connection.vendor]
    qn = connection.ops.quote_name
    federation = Federation._meta.db_table
    worker = Worker._meta.db_table
    posting = Posting._meta.db_table
    enrolment = Enrolment._meta.db_table
    attendance = Attendance._meta.db_table
    meeting = Meeting._meta.db_table
    session = Session._meta.db_table
    course = CoursePage._meta.db_table
    meeting_log = MeetingLog._meta.db_table
    pairing = Pairing._meta.db_table
    step = Federation.steplen
    inherited = benchsetup.inherited_policy_sql

    today = sql["date"].format(d="%(today)s")
    this_jan1 = sql["date"].format(d="%(this_jan1)s")
    last_jan1 = sql["date"].format(d="%(last_jan1)s")
    last_dec31 = sql["date"].format(d="%(last_dec31)s")
    this_dec31 = sql["date"].format(d="%(this_dec31)s")
    rotation_due = sql["add_months"].format(d="COALESCE(rot.last, w.hire_date)", n="w.rot_months")
    hired_plus = sql["add_days"].format(d="w.hire_date", n="w.onb_days")
    onboarding_due = f"CASE WHEN post.first > {hired_plus} THEN post.first ELSE {hired_plus} END"

    def capped(when: str) -> str:
        hours = f"SUM(CASE WHEN {when} THEN m.hours ELSE 0 END)"
        return f"""CASE WHEN w.mentoring_cap <= 0 THEN 0
                        WHEN {hours} > w.mentoring_cap THEN w.mentoring_cap ELSE {hours} END"""

    def deadline(due: str, done: str) -> str:
        left = sql["days_between"].format(a=today, b=due)
        return f"""CASE WHEN {today} > {due} THEN 'overdue'
                        WHEN {left} <= due_soon THEN 'due_soon'
                        WHEN {done} THEN 'met' ELSE 'in_progress' END"""

    counts = ",\n".join(
        f"SUM(CASE WHEN {rule}_status = '{status}' THEN 1 ELSE 0 END)"
        for rule in Rule
        for status in Status
    )
    return f"""
    WITH fed AS (
        SELECT f.id,
               CASE WHEN f.depth = 1 THEN f.path ELSE SUBSTR(f.path, 1, {2 * step}) END AS row_key,
               {inherited("annual_training_hours")} AS annual,
               {inherited("rotation_interval_months")} AS rot_months,
               {inherited("rotation_min_days")} AS rot_days,
               {inherited("rotation_min_hours")} AS rot_hours,
               {inherited("onboarding_days")} AS onb_days,
               {inherited("due_soon_days")} AS due_soon,
               {inherited("mentoring_hours_cap")} AS mentoring_cap
        FROM {federation} f
        WHERE f.path LIKE %(root)s
    ),
    w AS (
        SELECT w.id, w.hire_date, fed.row_key, fed.annual, fed.rot_months, fed.rot_days,
               fed.rot_hours, fed.onb_days, fed.due_soon, fed.mentoring_cap
        FROM {worker} w JOIN fed ON fed.id = w.federation_id
        WHERE w.status = 'active'
    ),
    -- Credited hours per enrolment first (attendance matched to the years through meeting
    -- ids, as the selector does), then per worker.
    per_enrolment AS (
        SELECT a.enrolment_id,
               SUM(CASE WHEN a.meeting_id IN (
                       SELECT id FROM {meeting} WHERE date >= {this_jan1} AND date <= {this_dec31})
                   THEN a.hours ELSE 0 END) AS now,
               SUM(a.hours) AS total
        FROM {attendance} a
        WHERE a.meeting_id IN (
                SELECT id FROM {meeting} WHERE date >= {last_jan1} AND date <= {this_dec31})
          AND a.enrolment_id IN (
                SELECT id FROM {enrolment} WHERE worker_id IN (SELECT id FROM w))
        GROUP BY a.enrolment_id
    ),
    -- Per worker: the enrolments' hours, and confirmed 高师带徒 meeting hours credited as
    -- training up to the inherited cap a year (mentorship/credits.py).
    hours AS (
        SELECT worker_id, SUM(now) AS now, SUM(before) AS before FROM (
            SELECT e.worker_id, x.now, x.total - x.now AS before
            FROM per_enrolment x JOIN {enrolment} e ON e.id = x.enrolment_id
            UNION ALL
            SELECT w.id, {capped(f"m.date >= {this_jan1}")}, {capped(f"m.date < {this_jan1}")}
            FROM {meeting_log} m
            JOIN {pairing} p ON p.id = m.pairing_id
            JOIN w ON w.id = p.apprentice_id
            WHERE m.status = {int(MeetingLog.Status.CONFIRMED)} AND p.kind = '{Kind.APPRENTICE}'
              AND p.status IN ({int(Pairing.Status.ACTIVE)}, {int(Pairing.Status.COMPLETED)})
              AND m.date >= {last_jan1} AND m.date <= {this_dec31}
            GROUP BY w.id, w.mentoring_cap
        ) y
        GROUP BY worker_id
    ),
    completed AS (
        SELECT e.worker_id, e.session_id, c.training_type, e.credited_hours,
               COALESCE(e.completed_on, s.end_date) AS on_day
        FROM {enrolment} e
        JOIN {session} s ON s.id = e.session_id
        JOIN {course} c ON c.page_ptr_id = s.course_id
        WHERE e.completed AND c.training_type IN ('rotation', 'onboarding')
          AND e.worker_id IN (SELECT id FROM w)
    ),
    days AS (
        SELECT session_id, COUNT(DISTINCT date) AS n FROM {meeting}
        WHERE NOT cancelled AND session_id IN (SELECT session_id FROM completed)
        GROUP BY session_id
    ),
    completions AS (
        SELECT completed.*, COALESCE(days.n, 0) AS days
        FROM completed LEFT JOIN days ON days.session_id = completed.session_id
    ),
    rot AS (
        SELECT x.worker_id, MAX(x.on_day) AS last
        FROM completions x JOIN w ON w.id = x.worker_id
        WHERE x.training_type = 'rotation'
          AND (x.days >= w.rot_days OR x.credited_hours >= w.rot_hours)
        GROUP BY x.worker_id
    ),
    onb AS (
        SELECT worker_id, MIN(on_day) AS first FROM completions
        WHERE training_type = 'onboarding' GROUP BY worker_id
    ),
    post AS (
        SELECT worker_id, MIN({qn("start")}) AS first FROM {posting}
        WHERE worker_id IN (SELECT id FROM w) GROUP BY worker_id
    ),
    facts AS (
        SELECT w.row_key, w.hire_date, w.annual, w.due_soon,
               COALESCE(hours.now, 0) AS h_now, COALESCE(hours.before, 0) AS h_before,
               rot.last AS rot_last, {rotation_due} AS rot_due,
               onb.first AS onb_first, {onboarding_due} AS onb_due
        FROM w
        LEFT JOIN hours ON hours.worker_id = w.id
        LEFT JOIN rot ON rot.worker_id = w.id
        LEFT JOIN onb ON onb.worker_id = w.id
        LEFT JOIN post ON post.worker_id = w.id
    ),
    statuses AS (
        SELECT row_key,
               CASE WHEN h_now >= annual THEN 'met'
                    WHEN hire_date <= {last_dec31} AND h_before < annual THEN 'overdue'
                    ELSE ({deadline(this_dec31, "1 = 0")}) END AS annual_status,
               {deadline("rot_due", "rot_last IS NOT NULL")} AS rotation_status,
               CASE WHEN onb_first IS NOT NULL THEN 'met'
                    ELSE ({deadline("onb_due", "1 = 0")}) END AS onboarding_status
        FROM facts
    )
    SELECT row_key, COUNT(*),
           {counts}
    FROM statuses
    GROUP BY row_key
    ORDER BY row_key
    """


def run_raw(sql: str, root_path: str, today: dt.date) -> dict[str, tuple[int, ...]]:
    params = {
        "root": root_path + "%",
        "today": today,
        "this_jan1": dt.date(today.year, 1, 1),
        "last_jan1": dt.date(today.year - 1, 1, 1),
        "last_dec31": dt.date(today.year - 1, 12, 31),
        "this_dec31": dt.date(today.year, 12, 31),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(int(value) for value in row[1:]) for row in cursor.fetchall()}


def run_selector(root_path: str, today: dt.date) -> dict[str, tuple[int, ...]]:
    report = compliance_report([root_path], today=today)
    return {
        row.key: (row.counts.workers,)
        + tuple(row.counts.get(rule, status) for rule in Rule for status in Status)
        for row in report.rows
        if row.counts.workers  # the raw query has no row for a federation without workers
    }


def ensure_scale_city(size: str) -> Federation:
    root = Federation.objects.filter(name=ROOT_NAME).first()
    if root is not None and Session.objects.filter(organizer__path__startswith=root.path).exists():
        return root
    print(f"Generating scale data (size {size}, with training) ...", flush=True)
    call_command("generate_scale_data", size=size, replace=root is not None)
    return Federation.objects.get(name=ROOT_NAME)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    root = ensure_scale_city(options.size)
    today = options.today or timezone.localdate()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    workers = Worker.objects.active().filter(federation__path__startswith=root.path).count()
    attendance = Attendance.objects.filter(
        meeting__session__organizer__path__startswith=root.path
    ).count()
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{workers} active workers, {attendance} attendance rows; today {today}"
    )

    sql = raw_sql()
    compared = benchsetup.compare(
        options.repeat,
        lambda: run_selector(root.path, today),
        lambda: run_raw(sql, root.path, today),
    )
    if compared is None:
        return 1
    selector_time, raw_time, raw_numbers = compared
    totals = [sum(column) for column in zip(*raw_numbers.values(), strict=True)]
    print(f"Same counts in {len(raw_numbers)} rows; city-wide:")
    print(f"  workers {totals[0]}")
    for index, rule in enumerate(Rule):
        part = totals[1 + index * len(Status) : 1 + (index + 1) * len(Status)]
        print(f"  {rule:<10} " + ", ".join(f"{s} {n}" for s, n in zip(Status, part, strict=True)))
    benchsetup.report("compliance_report", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
