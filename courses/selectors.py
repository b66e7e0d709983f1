"""Reads for the courses app: catalog and sessions (front office), training compliance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from workforce.models import Federation, PolicyParameters, Posting, Worker, subtree_q
from workforce.policy import POLICY_FIELDS, Policy, resolve_policy
from workforce.selectors import policy_for

from .compliance import (
    Completion,
    Evidence,
    Rule,
    Status,
    StatusCounts,
    WorkerCompliance,
    WorkerFacts,
    assess,
)
from .models import Attendance, Enrolment, Meeting, Session, TrainingType

# =============================================================================================
# Training compliance (§四.三): gather what ``courses.compliance`` needs, in grouped queries.
# =============================================================================================


def _outermost(paths: Iterable[str]) -> list[str]:
    """Return ``paths`` sorted, without those that lie inside another of them."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def _prefixes(path: str) -> list[str]:
    step = Federation.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def policies_by_path(paths: Iterable[str]) -> dict[str, Policy]:
    """Return the policy in force at each federation path (1 query for all of them)."""
    paths = set(paths)
    chains = {path: _prefixes(path) for path in paths}
    wanted = {prefix for chain in chains.values() for prefix in chain}
    overrides = {
        row.pop("federation__path"): row
        for row in PolicyParameters.objects.filter(federation__path__in=wanted).values(
            "federation__path", *POLICY_FIELDS
        )
    }
    return {
        path: resolve_policy(overrides[p] for p in chain if p in overrides)
        for path, chain in chains.items()
    }


def _training_days() -> Subquery:
    """Return a subquery counting the days a session's (non-cancelled) meetings fall on."""
    return Subquery(
        Meeting.objects.filter(session=OuterRef("session_id"), cancelled=False)
        .order_by()
        .values("session")
        .annotate(days=Count("date", distinct=True))
        .values("days")[:1]
    )


def _gather_facts(
    workers: QuerySet[Worker], rows: dict[int, dt.date], *, today: dt.date, evidence: bool = False
) -> dict[int, WorkerFacts]:
    """Return the rule inputs of the workers ``rows`` (id → hire date) selected by ``workers``.

    Three grouped queries whatever the number of workers: credited hours of this and last
    calendar year per worker (from attendance), completed rotation and onboarding enrolments
    with their sessions' training days, and each worker's first posting. With ``evidence``,
    one more lists this year's hours per session (for a single worker's page).
    """
    this_year = dt.date(today.year, 1, 1)
    last_year = dt.date(today.year - 1, 1, 1)
    year_end = dt.date(today.year, 12, 31)
    worker_ids = workers.values("pk")

    hours: dict[int, tuple[Decimal, Decimal]] = {
        row["enrolment__worker_id"]: (row["now"] or Decimal(0), row["before"] or Decimal(0))
        for row in Attendance.objects.filter(
            enrolment__worker_id__in=worker_ids,
            meeting__date__gte=last_year,
            meeting__date__lte=year_end,
        )
        .values("enrolment__worker_id")
        .annotate(
            now=Sum("hours", filter=Q(meeting__date__gte=this_year)),
            before=Sum("hours", filter=Q(meeting__date__lt=this_year)),
        )
        .order_by()
    }

    completions: dict[tuple[int, str], list[Completion]] = defaultdict(list)
    for row in (
        Enrolment.objects.filter(
            worker_id__in=worker_ids,
            completed=True,
            session__course__training_type__in=[TrainingType.ROTATION, TrainingType.ONBOARDING],
        )
        .values(
            "worker_id",
            "session_id",
            "session__title",
            "session__end_date",
            "session__course__training_type",
            "completed_on",
            "credited_hours",
        )
        .annotate(days=_training_days())
        .order_by()
    ):
        completions[(row["worker_id"], row["session__course__training_type"])].append(
            Completion(
                row["session_id"],
                row["session__title"],
                row["completed_on"] or row["session__end_date"],
                row["days"] or 0,
                row["credited_hours"],
            )
        )

    first_postings = dict(
        Posting.objects.filter(worker_id__in=worker_ids)
        .values("worker_id")
        .annotate(first=Min("start"))
        .values_list("worker_id", "first")
        .order_by()
    )

    per_session: dict[int, list[Evidence]] = defaultdict(list)
    if evidence:
        for row in (
            Attendance.objects.filter(
                enrolment__worker_id__in=worker_ids,
                meeting__date__gte=this_year,
                meeting__date__lte=year_end,
            )
            .values("enrolment__worker_id", "enrolment__session_id", "enrolment__session__title")
            .annotate(hours=Sum("hours"), last=Max("meeting__date"))
            .order_by()
        ):
            if row["hours"]:
                per_session[row["enrolment__worker_id"]].append(
                    Evidence(
                        row["enrolment__session_id"],
                        row["enrolment__session__title"],
                        row["hours"],
                        row["last"],
                    )
                )

    return {
        worker_id: WorkerFacts(
            worker_id=worker_id,
            hire_date=hire_date,
            first_posting=first_postings.get(worker_id),
            hours=hours.get(worker_id, (Decimal(0), Decimal(0)))[0],
            previous_hours=hours.get(worker_id, (Decimal(0), Decimal(0)))[1],
            annual_evidence=tuple(per_session.get(worker_id, ())),
            rotations=tuple(completions.get((worker_id, TrainingType.ROTATION), ())),
            onboardings=tuple(completions.get((worker_id, TrainingType.ONBOARDING), ())),
        )
        for worker_id, hire_date in rows.items()
    }


def worker_compliance(worker: Worker, *, today: dt.date) -> tuple[WorkerCompliance, Policy]:
    """Return one worker's standing against the three rules, with the policy used.

    Five queries (six when ``worker.federation`` is not loaded yet).
    """
    workers = Worker.objects.filter(pk=worker.pk)
    facts = _gather_facts(workers, {worker.pk: worker.hire_date}, today=today, evidence=True)
    policy = policy_for(worker.federation)
    return assess(facts[worker.pk], today=today, policy=policy), policy


@dataclass
class ComplianceRow:
    """One county-level federation's counts (or a city federation's own workers)."""

    key: str
    federation_id: int
    name: str
    counts: StatusCounts = field(default_factory=StatusCounts)


@dataclass
class ComplianceReport:
    today: dt.date
    rows: list[ComplianceRow] = field(default_factory=list)
    total: StatusCounts = field(default_factory=StatusCounts)


def _row_key(path: str, scopes: list[str]) -> str:
    """Return the dashboard row a federation's workers are counted in.

    Under a city root: its county-level child, or the root itself for its own workers; a scope
    below the root (a county's staff) is a single row of its whole subtree.
    """
    step = Federation.steplen
    scope = next(scope for scope in scopes if path.startswith(scope))
    if len(scope) > step:
        return scope
    return path if len(path) == step else path[: 2 * step]


def _row_workers_q(federation: Federation) -> Q:
    """Return a Q for the workers counted in ``federation``'s dashboard row."""
    if federation.depth == 1:
        return Q(federation_id=federation.pk)
    return Q(federation__path__startswith=federation.path)


def _assess_workers(
    workers: QuerySet[Worker], *, today: dt.date, extra: tuple[str, ...] = ()
) -> list[tuple[dict, WorkerCompliance]]:
    """Return each selected worker's values (id, hire date, federation path, ``extra``) and
    standing, each measured with its own federation's policy (5 queries)."""
    rows = list(
        workers.values("pk", "hire_date", "federation__path", *extra).order_by(
            "federation__path", "name", "pk"
        )
    )
    facts = _gather_facts(workers, {row["pk"]: row["hire_date"] for row in rows}, today=today)
    policies = policies_by_path(row["federation__path"] for row in rows)
    return [
        (row, assess(facts[row["pk"]], today=today, policy=policies[row["federation__path"]]))
        for row in rows
    ]


def compliance_report(paths: list[str], *, today: dt.date) -> ComplianceReport:
    """Return per county-level federation the active workers met / in progress / due soon /
    overdue for each rule (6 queries, whatever the number of workers)."""
    report = ComplianceReport(today=today)
    scopes = _outermost(paths)
    if not scopes:
        return report
    step = Federation.steplen
    rows: dict[str, ComplianceRow] = {}
    for federation_id, path, name in Federation.objects.filter(subtree_q(scopes)).values_list(
        "id", "path", "name"
    ):
        if _row_key(path, scopes) == path:
            label = _("%(name)s（本级）") % {"name": name} if len(path) == step else name
            rows[path] = ComplianceRow(path, federation_id, label)

    workers = Worker.objects.active().under(scopes)
    for row, compliance in _assess_workers(workers, today=today):
        key = _row_key(row["federation__path"], scopes)
        rows[key].counts.add(compliance)
        report.total.add(compliance)
    # A city's own row is shown only when it has workers of its own.
    report.rows = [
        row for key, row in sorted(rows.items()) if len(key) > step or row.counts.workers
    ]
    return report


def workers_needing_attention(*, today: dt.date) -> dict[int, tuple]:
    """Return, for every active worker with a rule due soon or overdue, those results
    (worker id → results), read in 5 queries."""
    return {
        row["pk"]: compliance.attention
        for row, compliance in _assess_workers(Worker.objects.active(), today=today)
        if compliance.attention
    }


@dataclass(frozen=True)
class ComplianceListEntry:
    worker_id: int
    name: str
    federation: str
    unit: str
    hire_date: dt.date
    compliance: WorkerCompliance


def compliance_workers(
    federation: Federation, *, rule: Rule, status: Status, today: dt.date
) -> list[ComplianceListEntry]:
    """Return the active workers of ``federation``'s dashboard row whose ``rule`` is at
    ``status``, with their current unit (7 queries)."""
    workers = Worker.objects.active().filter(_row_workers_q(federation))
    assessed = [
        (row, compliance)
        for row, compliance in _assess_workers(
            workers, today=today, extra=("name", "federation__name")
        )
        if compliance.result(rule).status is status
    ]
    units = dict(
        Posting.objects.open()
        .filter(worker_id__in=[row["pk"] for row, _c in assessed])
        .values_list("worker_id", "unit__name")
    )
    return [
        ComplianceListEntry(
            row["pk"],
            row["name"],
            row["federation__name"],
            units.get(row["pk"], ""),
            row["hire_date"],
            compliance,
        )
        for row, compliance in assessed
    ]


@dataclass
class MyTraining:
    """What a worker's "my training" page shows."""

    upcoming: list[Enrolment]
    waitlisted: list[Enrolment]
    past: list[Enrolment]
    compliance: WorkerCompliance
    policy: Policy


def my_training(worker: Worker, *, today: dt.date) -> MyTraining:
    """Return a worker's enrolments (upcoming, waitlisted, past) and compliance (7 queries)."""
    enrolments = list(
        Enrolment.objects.filter(worker=worker)
        .select_related("session", "session__course", "session__organizer")
        .annotate(
            meeting_count=Count("session__meetings", filter=Q(session__meetings__cancelled=False))
        )
        .order_by("session__start_date", "pk")
    )
    upcoming, waitlisted, past = [], [], []
    for enrolment in enrolments:
        session = enrolment.session
        if enrolment.status == Enrolment.Status.WAITLISTED and session.end_date >= today:
            waitlisted.append(enrolment)
        elif (
            enrolment.status == Enrolment.Status.CONFIRMED
            and session.end_date >= today
            and session.status != Session.Status.CANCELLED
        ):
            upcoming.append(enrolment)
        else:
            past.append(enrolment)
    past.reverse()  # newest first
    compliance, policy = worker_compliance(worker, today=today)
    return MyTraining(upcoming, waitlisted, past, compliance, policy)

