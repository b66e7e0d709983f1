"""Time the city-wide evaluation scoring table against a raw SQL aggregate of the same scores.

Run: ``.venv/bin/python bench/evaluation_scoring.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. Migrates the database and, if the size-M scale city is missing,
generates it with ``generate_scale_data --size M``; if that city has no evaluation cycles (it was
generated before the evaluation step existed), this script adds them with that step
(``evaluation/scale.py``: a cycle per federation, about 292,000 answers).

The selector side is ``evaluation.selectors.city_scoring``: the scoring table of every cycle of
the city at once (five queries: cycles, kinds, assessments with the workers' names, the grouped
answers, the open postings; then ``rules.weighted_score`` per worker in Python), with names and
units. For comparison the script also times ``selectors.scoring_table`` (the one-cycle table of
the scoring screen, with model instances) run for every cycle, and checks it agrees too.

The raw side is one SQL statement computing, per covered worker, the weighted
score in the database: Σ weight × mean score of each kind / 100, each mean rounded half up to
0.01 first, and no score (NULL) when a kind has fewer answers than its minimum. It works in
integer cents, so both databases round exactly as ``rules.weighted_score`` does. Both must give
the same number for every worker (exit status 1 if not).
"""

import argparse
import random
import sys
from decimal import Decimal

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluation import selectors  # noqa: E402
from evaluation.models import Answer, Assessment, Cycle, Kind  # noqa: E402
from evaluation.scale import add_evaluation  # noqa: E402
from workforce.management.commands.generate_scale_data import (  # noqa: E402
    ROOT_NAME,
    SIZES,
    ScaleData,
)
from workforce.models import Federation, Worker  # noqa: E402


def ensure_data(size: str) -> Federation:
    root = Federation.objects.filter(name=ROOT_NAME).first()
    if root is None:
        print(f"Generating scale data (size {size}) ...", flush=True)
        call_command("generate_scale_data", size=size)
        root = Federation.objects.get(name=ROOT_NAME)
    if not Cycle.objects.filter(federation__path__startswith=root.path).exists():
        print("The scale city has no evaluation cycles: adding them ...", flush=True)
        under = root.get_descendants()
        data = ScaleData(size=SIZES[size], rng=random.Random(2017), today=timezone.localdate())
        data.federations = list(under.order_by("path"))
        data.workers = list(Worker.objects.filter(federation__in=under).order_by("pk"))
        with transaction.atomic():
            add_evaluation(data)
    return root


# -- the two sides -------------------------------------------------------------------------------


def raw_sql() -> str:
    """Return one SQL statement: (assessment id, weighted score in cents or NULL) per worker.

    Parameter: the root path pattern.
    """
    answer, kind = Answer._meta.db_table, Kind._meta.db_table
    assessment, cycle = Assessment._meta.db_table, Cycle._meta.db_table
    federation = Federation._meta.db_table
    return f"""
    WITH tally AS (
        SELECT an.assessment_id, an.kind_id, COUNT(*) AS n,
               SUM(CAST(ROUND(an.score * 100) AS INTEGER)) AS cents
        FROM {answer} an
        JOIN {kind} k ON k.id = an.kind_id
        JOIN {cycle} c ON c.id = k.cycle_id
        JOIN {federation} f ON f.id = c.federation_id
        WHERE f.path LIKE %(root)s
        GROUP BY an.assessment_id, an.kind_id
    )
    SELECT a.id,
           CASE WHEN SUM(CASE WHEN COALESCE(t.n, 0) < k.min_answers THEN 1 ELSE 0 END) > 0
                THEN NULL
                -- each kind's mean in cents rounded half up, then the weighted sum / 100 too
                ELSE (2 * SUM(k.weight * ((2 * t.cents + t.n) / (2 * t.n))) + 100) / 200
           END AS total
    FROM {assessment} a
    JOIN {cycle} c ON c.id = a.cycle_id
    JOIN {federation} f ON f.id = c.federation_id
    JOIN {kind} k ON k.cycle_id = a.cycle_id
    LEFT JOIN tally t ON t.assessment_id = a.id AND t.kind_id = k.id
    WHERE f.path LIKE %(root)s
    GROUP BY a.id
    """


def run_raw(sql: str, root_path: str) -> dict[int, Decimal | None]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"root": root_path + "%"})
        return {
            pk: None if cents is None else Decimal(int(cents)).scaleb(-2)
            for pk, cents in cursor.fetchall()
        }


def run_selector(root_path: str) -> dict[int, Decimal | None]:
    return {row.assessment_id: row.score.total for row in selectors.city_scoring([root_path]).rows}


def run_per_cycle(root_path: str) -> dict[int, Decimal | None]:
    numbers = {}
    for cycle in Cycle.objects.under([root_path]).select_related("federation"):
        for row in selectors.scoring_table(cycle).rows:
            numbers[row.assessment.pk] = row.score.total
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    root = ensure_data(options.size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after the bulk inserts, on both databases
    cycles = Cycle.objects.under([root.path])
    assessments = Assessment.objects.filter(cycle__in=cycles)
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{cycles.count()} cycles, {assessments.count()} covered workers, "
        f"{Answer.objects.filter(assessment__in=assessments).count()} answers"
    )

    sql = raw_sql()
    compared = benchsetup.compare(
        options.repeat, lambda: run_selector(root.path), lambda: run_raw(sql, root.path)
    )
    if compared is None:
        return 1
    selector_time, raw_time, raw_numbers = compared
    scored = [total for total in raw_numbers.values() if total is not None]
    print(
        f"Same score for all {len(raw_numbers)} workers: {len(scored)} complete "
        f"(mean {sum(scored) / len(scored):.2f}), {len(raw_numbers) - len(scored)} incomplete"
    )
    benchsetup.report("city_scoring", selector_time, raw_time, options.repeat)
    # For comparison: the one-cycle table (model instances, for the scoring screen) per cycle.
    (per_cycle_time,), (per_cycle,) = benchsetup.best_times(
        max(options.repeat // 2, 1), lambda: run_per_cycle(root.path)
    )
    assert per_cycle == raw_numbers, "scoring_table disagrees with the raw SQL"
    print(
        f"scoring_table per cycle: {per_cycle_time * 1000:8.1f} ms "
        f"({per_cycle_time / raw_time:.2f}x the raw SQL)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
