"""Time the city-wide mentoring dashboard selector against a raw SQL aggregate of the same counts.

Run: ``.venv/bin/python bench/mentoring_dashboard.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. Migrates the database and, if the size-M scale city is missing,
generates it with ``generate_scale_data --size M``. If that city has no mentors (the mentoring
step of ``generate_scale_data`` is not there yet), this script adds them itself with bulk inserts
on the city's workers: 2,000 mentors, 6,000 pairings in every state and 60,000 meeting logs.

The selector is ``mentorship.selectors.mentoring_report`` (6 grouped queries, then the pure rules
of ``mentorship/rules.py`` per active pairing and per mentor in Python). The raw SQL computes, in
the database, the same numbers per county-level federation (mentors, mentors at capacity, active
pairings, overdue check-ins, pairings past their end, completed this year, credited hours), with
each federation's inherited policy parameters. Both must agree (exit status 1 if not).
"""

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from mentorship import rules  # noqa: E402
from mentorship.choices import Expertise, Kind, MeetingForm  # noqa: E402
from mentorship.models import MeetingLog, Mentor, Pairing  # noqa: E402
from mentorship.selectors import mentoring_report  # noqa: E402
from workforce.management.commands.generate_scale_data import ROOT_NAME  # noqa: E402
from workforce.models import Federation, Worker  # noqa: E402

MENTORS, PAIRINGS, LOGS = 2_000, 6_000, 60_000
COLUMNS = (
    "mentors",
    "at_capacity",
    "active",
    "checkin_overdue",
    "past_end",
    "completed",
    "hours",
)
# Pairing states of the generated data, with their shares.
STATES = (
    (Pairing.Status.ACTIVE, 0.40),
    (Pairing.Status.COMPLETED, 0.35),
    (Pairing.Status.DISSOLVED, 0.10),
    (Pairing.Status.PROPOSED, 0.10),
    (Pairing.Status.DECLINED, 0.05),
)
# Meeting log states, with their shares (planned ones are dated after today).
LOG_STATES = (
    (MeetingLog.Status.CONFIRMED, 0.80),
    (MeetingLog.Status.AWAITING, 0.10),
    (MeetingLog.Status.DISPUTED, 0.05),
    (MeetingLog.Status.PLANNED, 0.05),
)

DIALECTS = {
    "sqlite": {
        "minus_days": "date({d}, '-' || ({n}) || ' days')",
        "date": "{d}",
    },
    "postgresql": {
        "minus_days": "({d}::date - ({n})::int)",
        "date": "{d}::date",
    },
}


# -- the data ------------------------------------------------------------------------------------


def _pick(rng: random.Random, shares):
    return rng.choices([value for value, _share in shares], [share for _v, share in shares])[0]


def add_mentoring_data(root: Federation, today: dt.date, seed: int = 2017) -> None:
    """Add 2,000 mentors, 6,000 pairings and 60,000 meeting logs under ``root`` (bulk inserts)."""
    rng = random.Random(seed)
    workers = list(
        Worker.objects.filter(federation__path__startswith=root.path, status=Worker.Status.ACTIVE)
        .values_list("pk", "federation_id")
        .order_by("pk")
    )
    rng.shuffle(workers)
    # A quarter of the mentors are workers themselves; the rest are cadres with an account.
    worker_mentors = workers[: MENTORS // 4]
    apprentices = workers[MENTORS // 4 :]
    password = make_password(None)
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"scale-mentor-{n}", password=password)
            for n in range(MENTORS - len(worker_mentors))
        )
        worker_users = dict(
            Worker.objects.filter(pk__in=[pk for pk, _f in worker_mentors]).values_list(
                "pk", "user_id"
            )
        )
        federations = [f for _pk, f in workers]
        tags = Expertise.values
        mentors = []
        for n in range(MENTORS):
            if n < len(worker_mentors):
                worker_id, federation_id = worker_mentors[n]
                user_id = worker_users[worker_id]
            else:
                worker_id, federation_id = None, rng.choice(federations)
                user_id = users[n - len(worker_mentors)].pk
            mentors.append(
                Mentor(
                    user_id=user_id,
                    worker_id=worker_id,
                    federation_id=federation_id,
                    name=f"规模导师{n:04d}",
                    expertise=rng.sample(tags, rng.randint(1, 3)),
                    experience_since=today - dt.timedelta(days=rng.randint(200, 20 * 365)),
                    load_limit=rng.choice([None, None, None, None, 2, 4, 5]),
                    active=rng.random() < 0.9,
                )
            )
        mentors = Mentor.objects.bulk_create(mentors, batch_size=1000)

        pairings = []
        active_taken: set[tuple[int, str]] = set()
        for n in range(PAIRINGS):
            apprentice_id, federation_id = apprentices[n % len(apprentices)]
            kind = Kind.PEER if rng.random() < 0.15 else Kind.APPRENTICE
            status = _pick(rng, STATES)
            if status == Pairing.Status.ACTIVE:
                if (apprentice_id, kind) in active_taken:
                    status = Pairing.Status.COMPLETED
                active_taken.add((apprentice_id, kind))
            start = today - dt.timedelta(days=rng.randint(0, 730))
            months = rng.choice([6, 12, 12, 12, 18])
            end = rules.term_end(start, months)
            ended = None
            if status in (Pairing.Status.COMPLETED, Pairing.Status.DISSOLVED):
                ended = min(today, start + dt.timedelta(days=rng.randint(30, (end - start).days)))
            pairings.append(
                Pairing(
                    kind=kind,
                    mentor=rng.choice(mentors),
                    apprentice_id=apprentice_id,
                    federation_id=federation_id,
                    status=status,
                    start_date=start,
                    term_months=months,
                    end_date=end,
                    accepted_on=start if status >= Pairing.Status.ACTIVE else None,
                    ended_on=ended,
                )
            )
        pairings = Pairing.objects.bulk_create(pairings, batch_size=1000)

        held = [p for p in pairings if p.status >= Pairing.Status.ACTIVE or p.ended_on]
        logs = []
        for n in range(LOGS):
            pairing = held[n % len(held)]
            status = _pick(rng, LOG_STATES)
            last = pairing.ended_on or min(today, pairing.end_date)
            span = max((last - pairing.start_date).days, 0)
            day = pairing.start_date + dt.timedelta(days=rng.randint(0, span))
            if status == MeetingLog.Status.PLANNED:
                day = today + dt.timedelta(days=rng.randint(1, 30))
            logs.append(
                MeetingLog(
                    pairing=pairing,
                    date=day,
                    hours=Decimal(rng.randint(5, 40)) / 10,
                    form=rng.choice(MeetingForm.values),
                    topic="带教",
                    status=status,
                    written_by_id=pairing.mentor.user_id,
                )
            )
        MeetingLog.objects.bulk_create(logs, batch_size=2000)


def ensure_data(size: str, today: dt.date) -> Federation:
    root = Federation.objects.filter(name=ROOT_NAME).first()
    if root is None:
        print(f"Generating scale data (size {size}) ...", flush=True)
        call_command("generate_scale_data", size=size)
        root = Federation.objects.get(name=ROOT_NAME)
    if not Mentor.objects.filter(federation__path__startswith=root.path).exists():
        print(
            "The scale city has no mentors (no mentoring step in generate_scale_data yet): "
            f"adding {MENTORS} mentors, {PAIRINGS} pairings and {LOGS} meeting logs ...",
            flush=True,
        )
        add_mentoring_data(root, today)
    return root


# -- the two sides -------------------------------------------------------------------------------


def raw_sql() -> str:
    """Return one SQL statement computing the dashboard's numbers per county-level federation.

    Parameters: the root path pattern, today, and this year's 1 January and 31 December.
    """
    sql = DIALECTS[connection.vendor]
    federation = Federation._meta.db_table
    worker = Worker._meta.db_table
    mentor = Mentor._meta.db_table
    pairing = Pairing._meta.db_table
    log = MeetingLog._meta.db_table
    step = Federation.steplen
    inherited = benchsetup.inherited_policy_sql
    today = sql["date"].format(d="%(today)s")
    jan1 = sql["date"].format(d="%(jan1)s")
    dec31 = sql["date"].format(d="%(dec31)s")
    cutoff = sql["minus_days"].format(d=today, n="fed.checkin")
    active, completed, confirmed = (
        Pairing.Status.ACTIVE.value,
        Pairing.Status.COMPLETED.value,
        MeetingLog.Status.CONFIRMED.value,
    )
    return f"""
    WITH fed AS (
        SELECT f.id,
               CASE WHEN f.depth = 1 THEN f.path ELSE SUBSTR(f.path, 1, {2 * step}) END AS row_key,
               {inherited("mentor_load_limit")} AS load_limit,
               {inherited("mentor_checkin_days")} AS checkin,
               {inherited("mentoring_hours_cap")} AS cap
        FROM {federation} f
        WHERE f.path LIKE %(root)s
    ),
    loads AS (
        SELECT mentor_id, COUNT(*) AS n FROM {pairing} WHERE status = {active} GROUP BY mentor_id
    ),
    mentor_rows AS (
        SELECT fed.row_key, COUNT(*) AS mentors,
               SUM(CASE WHEN COALESCE(loads.n, 0) >= COALESCE(m.load_limit, fed.load_limit)
                        THEN 1 ELSE 0 END) AS at_capacity
        FROM {mentor} m JOIN fed ON fed.id = m.federation_id
        LEFT JOIN loads ON loads.mentor_id = m.id
        GROUP BY fed.row_key
    ),
    last_met AS (
        SELECT pairing_id, MAX(date) AS last FROM {log}
        WHERE status = {confirmed}
          AND pairing_id IN (SELECT id FROM {pairing} WHERE status = {active})
        GROUP BY pairing_id
    ),
    active_rows AS (
        SELECT fed.row_key, COUNT(*) AS active,
               SUM(CASE WHEN (CASE WHEN last_met.last > p.start_date THEN last_met.last
                                   ELSE p.start_date END) < {cutoff}
                        THEN 1 ELSE 0 END) AS overdue,
               SUM(CASE WHEN p.end_date < {today} THEN 1 ELSE 0 END) AS past_end
        FROM {pairing} p JOIN fed ON fed.id = p.federation_id
        LEFT JOIN last_met ON last_met.pairing_id = p.id
        WHERE p.status = {active}
        GROUP BY fed.row_key
    ),
    completed_rows AS (
        SELECT fed.row_key, COUNT(*) AS completed
        FROM {pairing} p JOIN fed ON fed.id = p.federation_id
        WHERE p.status = {completed} AND p.ended_on >= {jan1} AND p.ended_on <= {dec31}
        GROUP BY fed.row_key
    ),
    worker_hours AS (
        SELECT p.apprentice_id, w.federation_id, SUM(l.hours) AS hours
        FROM {log} l
        JOIN {pairing} p ON p.id = l.pairing_id
        JOIN {worker} w ON w.id = p.apprentice_id
        WHERE l.status = {confirmed} AND p.kind = '{Kind.APPRENTICE}'
          AND p.status IN ({active}, {completed})
          AND l.date >= {jan1} AND l.date <= {dec31}
        GROUP BY p.apprentice_id, w.federation_id
    ),
    hour_rows AS (
        SELECT fed.row_key,
               SUM(CASE WHEN fed.cap <= 0 THEN 0 WHEN worker_hours.hours > fed.cap THEN fed.cap
                        ELSE worker_hours.hours END) AS hours
        FROM worker_hours JOIN fed ON fed.id = worker_hours.federation_id
        GROUP BY fed.row_key
    )
    SELECT row_key, SUM(mentors), SUM(at_capacity), SUM(active), SUM(overdue), SUM(past_end),
           SUM(completed), SUM(hours)
    FROM (
        SELECT row_key, mentors, at_capacity, 0 AS active, 0 AS overdue, 0 AS past_end,
               0 AS completed, 0 AS hours FROM mentor_rows
        UNION ALL SELECT row_key, 0, 0, active, overdue, past_end, 0, 0 FROM active_rows
        UNION ALL SELECT row_key, 0, 0, 0, 0, 0, completed, 0 FROM completed_rows
        UNION ALL SELECT row_key, 0, 0, 0, 0, 0, 0, hours FROM hour_rows
    ) parts
    GROUP BY row_key
    ORDER BY row_key
    """


def _numbers(values) -> tuple:
    *counts, hours = values
    return (*(int(value or 0) for value in counts), round(float(hours or 0), 1))


def run_raw(sql: str, root_path: str, today: dt.date) -> dict[str, tuple]:
    params = {
        "root": root_path + "%",
        "today": today,
        "jan1": dt.date(today.year, 1, 1),
        "dec31": dt.date(today.year, 12, 31),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: _numbers(row[1:]) for row in cursor.fetchall()}


def run_selector(root_path: str, today: dt.date) -> dict[str, tuple]:
    report = mentoring_report([root_path], today=today)
    numbers = {
        row.key: _numbers(getattr(row.counts, name) for name in COLUMNS) for row in report.rows
    }
    # The raw query has no row for a federation without any mentoring.
    return {key: values for key, values in numbers.items() if any(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    today = options.today or timezone.localdate()
    root = ensure_data(options.size, today)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    under = {"federation__path__startswith": root.path}
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{Mentor.objects.filter(**under).count()} mentors, "
        f"{Pairing.objects.filter(**under).count()} pairings, "
        f"{MeetingLog.objects.filter(pairing__federation__path__startswith=root.path).count()} "
        f"meeting logs; today {today}"
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
    print(f"Same numbers in {len(raw_numbers)} rows; city-wide:")
    print("  " + ", ".join(f"{name} {value}" for name, value in zip(COLUMNS, totals, strict=True)))
    benchsetup.report("mentoring_report", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
