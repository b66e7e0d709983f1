"""What evaluation pages and other apps read: tallies, scoring tables, grades.

Scores are always computed from the answers with one grouped query per set of cycles
(``tallies``) and the pure rule ``rules.weighted_score``; nothing is cached beside them except
the snapshot taken when collecting closes (``Assessment.score``).
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from workforce.models import Posting, Worker, open_posting_q

from . import rules
from .choices import Grade, State, grade_label
from .models import Answer, Assessment, Cycle, Invitation, Kind, Poster


def kind_rules(kinds: Iterable[Kind]) -> list[rules.KindRule]:
    return [rules.KindRule(kind.pk, kind.weight, kind.min_answers) for kind in kinds]


def bands_of(cycle: Cycle) -> rules.Bands:
    return rules.Bands(cycle.excellent_min, cycle.pass_min, cycle.basic_min)


def cap_of(cycle: Cycle, covered: int) -> int:
    return rules.excellent_cap(covered, cycle.excellent_share_percent)


def tallies(assessments: QuerySet[Assessment]) -> dict[int, dict[int, tuple[int, Decimal]]]:
    """Return {assessment id: {kind id: (answers, mean score)}} in one grouped query."""
    return _tallies(Answer.objects.filter(assessment__in=assessments))


def _tallies(answers: QuerySet[Answer]) -> dict[int, dict[int, tuple[int, Decimal]]]:
    rows = (
        answers.order_by()
        .values_list("assessment_id", "kind_id")
        .annotate(n=Count("pk"), mean=Avg("score"))
    )
    result: dict[int, dict[int, tuple[int, Decimal]]] = defaultdict(dict)
    for assessment_id, kind_id, n, mean in rows:
        # Both backends give a Decimal (SQLite's float through Django's 15-digit converter).
        result[assessment_id][kind_id] = (
            n,
            mean if isinstance(mean, Decimal) else Decimal(str(mean)),
        )
    return result


def scores(cycle: Cycle, assessments: QuerySet[Assessment] | None = None) -> dict[int, rules.Score]:
    """Return each covered worker's weighted score, computed from the answers now."""
    kinds = kind_rules(cycle.kinds.all())
    assessments = cycle.assessments.all() if assessments is None else assessments
    counts = tallies(assessments)
    return {
        pk: rules.weighted_score(kinds, counts.get(pk, {}))
        for pk in assessments.values_list("pk", flat=True)
    }


@dataclass
class ScoringRow:
    assessment: Assessment
    score: rules.Score
    unit: str = ""

    @property
    def worker(self) -> Worker:
        return self.assessment.worker


@dataclass
class ScoringTable:
    cycle: Cycle
    kinds: list[Kind]
    rows: list[ScoringRow]
    cap: int
    excellent: int = 0  # 优秀 given or proposed
    ties: int = 0
    distribution: Counter = field(default_factory=Counter)


def _unit_names(worker_ids: list[int]) -> dict[int, str]:
    postings = Posting.objects.filter(open_posting_q(), worker_id__in=worker_ids)
    return dict(postings.values_list("worker_id", "unit__name"))


def scoring_table(cycle: Cycle) -> ScoringTable:
    """The cycle's scoring table: worker, unit, score per kind, total, proposed and set grade.

    Four queries whatever the number of workers: kinds, assessments with their workers,
    the grouped answers, the open postings.
    """
    kinds = list(cycle.kinds.all())
    assessments = list(cycle.assessments.select_related("worker").order_by("worker__name", "pk"))
    counts = tallies(cycle.assessments.all())
    units = _unit_names([a.worker_id for a in assessments])
    rule_kinds = kind_rules(kinds)
    rows = [
        ScoringRow(
            a, rules.weighted_score(rule_kinds, counts.get(a.pk, {})), units.get(a.worker_id, "")
        )
        for a in assessments
    ]
    table = ScoringTable(cycle, kinds, rows, cap_of(cycle, len(rows)))
    for row in rows:
        grade = row.assessment.grade
        if grade is not None:
            table.distribution[grade] += 1
        table.excellent += grade == Grade.EXCELLENT
        table.ties += row.assessment.tie
    return table


@dataclass(slots=True)
class CityRow:
    """A covered worker in the city-wide scoring table, as plain values."""

    assessment_id: int
    cycle_id: int
    worker_id: int
    name: str
    unit: str
    score: rules.Score
    proposed: int | None
    grade: int | None


@dataclass
class CityScoring:
    cycles: list[Cycle]
    kinds: dict[int, list[Kind]]  # cycle id -> its kinds
    rows: list[CityRow]  # by federation, then worker name


def city_scoring(paths: list[str], *, year: int | None = None) -> CityScoring:
    """Every covered worker's score per kind and total, for all cycles under ``paths`` at once.

    The scoring table of a whole city (an overview or an export across counties): five
    queries whatever the number of cycles and workers — cycles, kinds, the assessments with
    the workers' names, the grouped answers, the open postings. Rows are plain values: at
    20,000 workers, building model instances would cost more than the arithmetic.
    """
    cycles = Cycle.objects.under(paths).select_related("federation").order_by("federation__path")
    if year is not None:
        cycles = cycles.filter(year=year)
    cycles = list(cycles)
    ids = [cycle.pk for cycle in cycles]
    kinds: dict[int, list[Kind]] = defaultdict(list)
    for kind in Kind.objects.filter(cycle_id__in=ids).order_by("cycle_id", "order", "pk"):
        kinds[kind.cycle_id].append(kind)
    rule_kinds = {cycle_id: kind_rules(found) for cycle_id, found in kinds.items()}
    assessments = (
        Assessment.objects.filter(cycle_id__in=ids)
        .order_by("cycle__federation__path", "cycle_id", "worker__name", "pk")
        .values_list("pk", "cycle_id", "worker_id", "worker__name", "proposed", "grade")
    )
    counts = _tallies(Answer.objects.filter(kind__cycle_id__in=ids))
    covered = Assessment.objects.filter(cycle_id__in=ids).values("worker_id")
    postings = Posting.objects.filter(open_posting_q(), worker_id__in=covered).values_list(
        "worker_id", "unit__name"
    )
    units = dict(postings)
    rows = [
        CityRow(
            pk,
            cycle_id,
            worker_id,
            name,
            units.get(worker_id, ""),
            rules.weighted_score(rule_kinds.get(cycle_id, []), counts.get(pk, {})),
            proposed,
            grade,
        )
        for pk, cycle_id, worker_id, name, proposed, grade in assessments
    ]
    return CityScoring(cycles, dict(kinds), rows)


def subject_of(assessment: Assessment) -> dict[str, str]:
    """Whom a survey is about, as the public page shows it: name and unit, no ID number."""
    posting = (
        Posting.objects.filter(open_posting_q(), worker_id=assessment.worker_id)
        .select_related("unit")
        .first()
    )
    return {
        "name": assessment.worker.name,
        "unit": posting.unit.name if posting else assessment.worker.federation.display_name,
    }


def invitation_by_token(token: str) -> Invitation | None:
    """Return the invitation with ``token``, with what its survey page shows (one query)."""
    return (
        Invitation.objects.select_related(
            "kind__cycle", "assessment__worker__federation", "assessment__cycle"
        )
        .filter(token=token)
        .first()
    )


def reminders_due(cycle: Cycle, *, now: dt.datetime, every_days: int) -> QuerySet[Invitation]:
    """Return the invitations to remind now: emailed, with an address, unanswered and open,
    and emailed last (first email or reminder) at least ``every_days`` days ago."""
    quiet_since = now - dt.timedelta(days=every_days)
    return (
        Invitation.objects.filter(
            kind__cycle=cycle,
            source=Invitation.Source.ISSUED,
            revoked=False,
            uses_left__gt=0,
            sent_at__isnull=False,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .exclude(email="")
        .filter(
            Q(reminded_at__isnull=True, sent_at__lte=quiet_since) | Q(reminded_at__lte=quiet_since)
        )
    )


def poster_by_code(code: str) -> Poster | None:
    """Return the poster with ``code``, with what its entry page shows (one query)."""
    return (
        Poster.objects.select_related("kind__cycle", "assessment__worker__federation")
        .filter(code=code)
        .first()
    )


def response_counts(cycle: Cycle) -> list[dict]:
    """Per kind: answers received, invitations issued and used (never who answered what).

    Three queries: the kinds, then answers and invitations each grouped by kind apart (counted
    in one join they would multiply each other's rows).
    """
    kinds = list(cycle.kinds.all())
    answers = dict(
        Answer.objects.filter(kind__cycle=cycle)
        .order_by()
        .values_list("kind_id")
        .annotate(n=Count("pk"))
    )
    invitations = {
        kind_id: (issued, used)
        for kind_id, issued, used in Invitation.objects.filter(
            kind__cycle=cycle, source=Invitation.Source.ISSUED
        )
        .order_by()
        .values_list("kind_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(uses_left=0)))
    }
    return [
        {
            "kind": kind,
            "answers": answers.get(kind.pk, 0),
            "issued": invitations.get(kind.pk, (0, 0))[0],
            "used": invitations.get(kind.pk, (0, 0))[1],
        }
        for kind in kinds
    ]


@dataclass(frozen=True)
class GradeRecord:
    """A confirmed annual grade, as other apps (careers, awards, pay) read it."""

    year: int
    grade: Grade
    label: str
    score: Decimal | None
    federation_id: int


def grades_of(worker: Worker | int) -> list[GradeRecord]:
    """Return a worker's confirmed grades, the latest year first (one query)."""
    worker_id = worker if isinstance(worker, int) else worker.pk
    return grades_by_worker([worker_id]).get(worker_id, [])


def grades_by_worker(worker_ids: Iterable[int]) -> dict[int, list[GradeRecord]]:
    """Return {worker id: confirmed grades, latest first} for many workers in one query."""
    rows = (
        Assessment.objects.filter(
            worker_id__in=list(worker_ids), cycle__state=State.CONFIRMED, grade__isnull=False
        )
        .order_by("worker_id", "-cycle__year")
        .values_list(
            "worker_id", "cycle__year", "grade", "cycle__label_set", "score", "cycle__federation_id"
        )
    )
    result: dict[int, list[GradeRecord]] = defaultdict(list)
    for worker_id, year, grade, label_set, score, federation_id in rows:
        result[worker_id].append(
            GradeRecord(year, Grade(grade), grade_label(grade, label_set), score, federation_id)
        )
    return dict(result)


def grade_years(worker_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Return {worker id: {year: grade}} of the confirmed grades as plain numbers (one query):
    for rules that need no labels or scores (pay steps, subsidies)."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for worker_id, year, grade in Assessment.objects.filter(
        worker_id__in=list(worker_ids), cycle__state=State.CONFIRMED, grade__isnull=False
    ).values_list("worker_id", "cycle__year", "grade"):
        result[worker_id][year] = grade
    return dict(result)


def my_results(assessments: QuerySet[Assessment]) -> list[dict]:
    """A worker's confirmed results with the mean score per kind (not single answers)."""
    assessments = list(
        assessments.select_related("cycle__federation")
        .prefetch_related(Prefetch("cycle__kinds", queryset=Kind.objects.order_by("order", "pk")))
        .order_by("-cycle__year")
    )
    counts = tallies(Assessment.objects.filter(pk__in=[a.pk for a in assessments]))
    results = []
    for assessment in assessments:
        kinds = list(assessment.cycle.kinds.all())
        score = rules.weighted_score(kind_rules(kinds), counts.get(assessment.pk, {}))
        results.append(
            {
                "assessment": assessment,
                "grade": assessment.cycle.grade_label(assessment.grade),
                "proposed": assessment.cycle.grade_label(assessment.proposed),
                "kinds": [(kind, score.kinds[kind.pk]) for kind in kinds],
            }
        )
    return results
