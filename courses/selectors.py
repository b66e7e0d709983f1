"""Reads for the courses app: catalog and sessions (front office), training compliance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.models import Federation, PolicyParameters, Posting, Worker, subtree_q
from workforce.policy import POLICY_FIELDS, Policy, resolve_policy
from workforce.selectors import outermost_paths, policy_for

from . import credits, enrolment_rules
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
from .models import Attendance, CoursePage, Enrolment, Meeting, Session, TrainingType
from .search import query_terms

# =============================================================================================
# Training compliance (§四.三): gather what ``courses.compliance`` needs, in grouped queries.
# =============================================================================================


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


NO_HOURS = (Decimal(0), Decimal(0))


def _meetings_between(first: dt.date, last: dt.date) -> QuerySet[Meeting]:
    return Meeting.objects.filter(date__gte=first, date__lte=last).values("pk")


def _hours_per_worker(per_enrolment: QuerySet) -> dict[int, tuple[Decimal, Decimal]]:
    """Return worker id → (hours this year, hours last year) from hours per enrolment.

    The per-enrolment aggregate is summed per worker in the database, around the ORM's own
    SQL: grouping the attendance by ``enrolment__worker_id`` directly makes SQLite walk the
    attendance worker by worker, several times slower on a million rows.
    """
    sql, params = per_enrolment.query.sql_with_params()
    enrolment = connection.ops.quote_name(Enrolment._meta.db_table)
    wrapped = (
        f"SELECT e.worker_id, SUM(x.now), SUM(x.total) FROM ({sql}) x "
        f"JOIN {enrolment} e ON e.id = x.enrolment_id GROUP BY e.worker_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        rows = cursor.fetchall()
    tenth = Decimal("0.1")

    def exact(value) -> Decimal:
        # SQLite sums decimals as floats; hours are kept to one decimal place.
        return Decimal(str(value or 0)).quantize(tenth)

    return {worker_id: (exact(now), exact(total) - exact(now)) for worker_id, now, total in rows}


def _gather_facts(
    workers: QuerySet[Worker], rows: dict[int, dt.date], *, today: dt.date, evidence: bool = False
) -> dict[int, WorkerFacts]:
    """Return the rule inputs of the workers ``rows`` (id → hire date) selected by ``workers``.

    Four grouped queries whatever the number of workers: credited hours of this and last
    calendar year per worker (from attendance), completed rotation and onboarding enrolments,
    the training days of rotation sessions, and each worker's first posting. With
    ``evidence``, one more lists this year's hours per session (for a single worker's page).
    Hours credited by other apps (``courses.credits``: 高师带徒 meetings) are added to both
    years, each source reading a fixed number of grouped queries more.

    The attendance is matched to the years through lists of meeting ids rather than a join
    on each attendance row: with a million rows that is what keeps the dashboard quick.
    """
    this_year = dt.date(today.year, 1, 1)
    last_year = dt.date(today.year - 1, 1, 1)
    year_end = dt.date(today.year, 12, 31)
    worker_ids = workers.values("pk")
    enrolment_ids = Enrolment.objects.filter(worker_id__in=worker_ids).values("pk")

    per_enrolment = (
        Attendance.objects.filter(
            enrolment_id__in=enrolment_ids,
            meeting_id__in=_meetings_between(last_year, year_end),
        )
        .values("enrolment_id")
        .annotate(
            now=Sum("hours", filter=Q(meeting_id__in=_meetings_between(this_year, year_end))),
            total=Sum("hours"),
        )
        .values_list("enrolment_id", "now", "total")
        .order_by()
    )
    hours = _hours_per_worker(per_enrolment)
    extra = credits.gather(worker_ids, first=last_year, last=year_end, evidence=evidence)
    for source in extra:
        for (worker_id, year), credited in source.hours.items():
            now, before = hours.get(worker_id, NO_HOURS)
            if year == today.year:
                hours[worker_id] = (now + credited, before)
            elif year == today.year - 1:
                hours[worker_id] = (now, before + credited)

    completed = Enrolment.objects.filter(
        worker_id__in=worker_ids,
        completed=True,
        session__course__training_type__in=[TrainingType.ROTATION, TrainingType.ONBOARDING],
    )
    # Training days matter for rotations only (§四.三 "为期1月", read by DOMAIN.md as 20 days).
    training_days = dict(
        Meeting.objects.filter(
            session__course__training_type=TrainingType.ROTATION, cancelled=False
        )
        .values("session_id")
        .annotate(days=Count("date", distinct=True))
        .values_list("session_id", "days")
        .order_by()
    )
    completions: dict[tuple[int, str], list[Completion]] = defaultdict(list)
    for (
        worker_id,
        kind,
        session_id,
        title,
        end_date,
        completed_on,
        credited,
    ) in completed.values_list(
        "worker_id",
        "session__course__training_type",
        "session_id",
        "session__title",
        "session__end_date",
        "completed_on",
        "credited_hours",
    ).order_by():
        completions[(worker_id, kind)].append(
            Completion(
                session_id,
                title,
                completed_on or end_date,
                training_days.get(session_id, 0),
                credited,
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

    for source in extra:
        for worker_id, items in source.evidence.items():
            per_session[worker_id].extend(items)

    return {
        worker_id: WorkerFacts(
            worker_id=worker_id,
            hire_date=hire_date,
            first_posting=first_postings.get(worker_id),
            hours=hours.get(worker_id, NO_HOURS)[0],
            previous_hours=hours.get(worker_id, NO_HOURS)[1],
            annual_evidence=tuple(per_session.get(worker_id, ())),
            rotations=tuple(completions.get((worker_id, TrainingType.ROTATION), ())),
            onboardings=tuple(completions.get((worker_id, TrainingType.ONBOARDING), ())),
        )
        for worker_id, hire_date in rows.items()
    }


def worker_compliance(worker: Worker, *, today: dt.date) -> tuple[WorkerCompliance, Policy]:
    """Return one worker's standing against the three rules, with the policy used.

    Six queries (seven when ``worker.federation`` is not loaded yet), plus those of the
    credited-hours sources (``courses.credits``).
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
    standing, each measured with its own federation's policy (6 queries, plus those of the
    credited-hours sources)."""
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
    overdue for each rule (7 queries plus the credited-hours sources', whatever the number of
    workers)."""
    report = ComplianceReport(today=today)
    scopes = outermost_paths(paths)
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
    (worker id → results), read in 6 queries."""
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


# =============================================================================================
# Catalog and sessions: the public pages and the staff screens (courses-ui).
# =============================================================================================

LIVE_SESSION_STATUSES = (Session.Status.PLANNED, Session.Status.OPEN, Session.Status.CLOSED)
SEARCH_LIMIT = 200


def upcoming_q(today: dt.date, prefix: str = "") -> Q:
    """Return a Q for sessions still to come or running: not over, cancelled or finished."""
    return Q(**{f"{prefix}end_date__gte": today, f"{prefix}status__in": LIVE_SESSION_STATUSES})


def enrolment_open_q(now: dt.datetime, prefix: str = "") -> Q:
    """Return a Q for sessions a worker may enrol in themself at ``now`` (seats aside).

    ``enrolment_rules.window`` as a filter: the rule's status, both ends of the window included.
    """
    return Q(
        **{
            f"{prefix}status": enrolment_rules.SELF_ENROLMENT_STATUS,
            f"{prefix}enrol_opens__lte": now,
            f"{prefix}enrol_closes__gte": now,
        }
    )


def _count(rows: QuerySet, by: str) -> Coalesce:
    """Return a correlated count of ``rows`` grouped ``by`` their link to the outer row.

    A subquery rather than a join, so several counts never multiply each other.
    """
    counts = rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def with_seats(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate ``confirmed_count`` and ``waitlisted_count`` (read ``seats_left`` after)."""
    return sessions.annotate(
        confirmed_count=_count(
            Enrolment.objects.filter(session=OuterRef("pk"), status=Enrolment.Status.CONFIRMED),
            "session",
        ),
        waitlisted_count=_count(
            Enrolment.objects.filter(session=OuterRef("pk"), status=Enrolment.Status.WAITLISTED),
            "session",
        ),
    )


def with_schedule(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate the number of held meetings (``meeting_count``) and their ``scheduled_hours``."""
    held = Meeting.objects.filter(session=OuterRef("pk"), cancelled=False).order_by()
    return sessions.annotate(
        meeting_count=_count(held, "session"),
        scheduled_hours=Subquery(
            held.values("session").annotate(total=Sum("hours")).values("total")[:1]
        ),
    )


def seats_left(session: Session) -> int | None:
    """Return the free seats of a session loaded ``with_seats``; None when unlimited."""
    return enrolment_rules.seats_left(session.capacity, session.confirmed_count)


def free_seat_sessions(now: dt.datetime) -> QuerySet[Session]:
    """Return the sessions open for enrolment at ``now`` that still have a free seat.

    ``enrolment_rules.has_free_seat`` as a filter: unlimited, or fewer confirmed than seats.
    """
    return with_seats(Session.objects.filter(enrolment_open_q(now))).filter(
        Q(capacity__isnull=True) | Q(confirmed_count__lt=F("capacity"))
    )


@dataclass(frozen=True)
class CatalogFilters:
    """What the catalog is narrowed to; empty values mean "all"."""

    training_type: str = ""
    organizer: Federation | None = None
    upcoming_only: bool = False
    open_seats_only: bool = False
    query: str = ""


def search_course_ids(query: str, *, limit: int = SEARCH_LIMIT) -> list[int]:
    """Return the ids of live courses matching ``query``, best first (1 query).

    Uses Wagtail search with Chinese character-pair terms (``courses/search.py``).
    """
    terms = query_terms(query)
    if not terms:
        return []
    results = CoursePage.objects.live().only("pk").search(terms, operator="and")
    return [page.pk for page in results[:limit]]


def catalog_courses(filters: CatalogFilters, *, today: dt.date, now: dt.datetime) -> QuerySet:
    """Return the live courses shown by the catalog with ``filters``, annotated for the list.

    Each course carries ``upcoming_sessions`` (count), ``next_start`` (date) and
    ``has_free_seats``; one query per page of results, plus one for a search.
    """
    courses = CoursePage.objects.live().select_related("organizer")
    if filters.training_type:
        courses = courses.filter(training_type=filters.training_type)
    if filters.organizer is not None:
        courses = courses.filter(organizer__path__startswith=filters.organizer.path)
    upcoming = Session.objects.filter(upcoming_q(today), course=OuterRef("pk"))
    courses = courses.annotate(
        upcoming_sessions=_count(upcoming, "course"),
        next_start=Subquery(upcoming.order_by("start_date").values("start_date")[:1]),
        has_free_seats=Exists(free_seat_sessions(now).filter(course=OuterRef("pk"))),
    )
    if filters.upcoming_only:
        courses = courses.filter(upcoming_sessions__gt=0)
    if filters.open_seats_only:
        courses = courses.filter(has_free_seats=True)
    if filters.query:
        ids = search_course_ids(filters.query)
        if not ids:
            return courses.none()
        rank = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), output_field=IntegerField())
        return courses.filter(pk__in=ids).annotate(rank=rank).order_by("rank")
    return courses.order_by(F("next_start").asc(nulls_last=True), "title", "pk")


def catalog_organizers() -> QuerySet[Federation]:
    """Return the federations organizing at least one live course (1 query)."""
    organizer_ids = CoursePage.objects.live().values("organizer_id")
    return Federation.objects.filter(pk__in=organizer_ids).order_by("path")


def course_sessions(course, *, today: dt.date) -> list[Session]:
    """Return a course's current and upcoming sessions with seats and schedule (1 query)."""
    sessions = Session.objects.filter(upcoming_q(today), course=course).select_related("organizer")
    return list(with_schedule(with_seats(sessions)).order_by("start_date", "pk"))


def enrolments_of(worker: Worker | None, sessions: Iterable[Session]) -> dict[int, Enrolment]:
    """Return ``worker``'s enrolments in ``sessions`` by session id (1 query, 0 without one)."""
    ids = [session.pk for session in sessions]
    if worker is None or not ids:
        return {}
    return {
        enrolment.session_id: enrolment
        for enrolment in Enrolment.objects.filter(worker=worker, session_id__in=ids)
    }


def public_sessions() -> QuerySet[Session]:
    """Return the sessions anyone may look at: those of live courses."""
    return Session.objects.filter(course__live=True)


def session_page(pk: int) -> tuple[Session, list[Meeting]]:
    """Return a public session with course, organizer, seats and its meetings (2 queries)."""
    sessions = public_sessions().select_related("course", "organizer")
    session = with_schedule(with_seats(sessions)).get(pk=pk)
    return session, list(session.meetings.order_by("date", "start_time"))


# What the enrolment rules read (``courses.enrolment_rules``) ------------------------------------


def session_facts(session: Session, *, seats_taken: int) -> enrolment_rules.SessionFacts:
    """Return the enrolment rules' view of ``session`` (no query), its times in local time."""
    return enrolment_rules.SessionFacts(
        status=session.status,
        enrol_opens=timezone.localtime(session.enrol_opens),
        enrol_closes=timezone.localtime(session.enrol_closes),
        cancel_deadline=timezone.localtime(session.cancel_deadline),
        capacity=session.capacity,
        seats_taken=seats_taken,
    )


def seats_taken(session: Session) -> int:
    """Return the number of confirmed enrolments of ``session`` (1 query)."""
    return Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED).count()


def _slot(meeting: Meeting) -> enrolment_rules.Slot:
    return enrolment_rules.Slot(meeting.date, meeting.start_time, meeting.end_time)


def overlapping_session(session: Session, worker: Worker) -> Session | None:
    """Return another confirmed session of ``worker`` whose meetings overlap ``session``'s.

    Held meetings only, in sessions not cancelled (2 queries, 1 when ``session`` has none).
    """
    mine = [
        _slot(meeting)
        for meeting in Meeting.objects.filter(session=session, cancelled=False).only(
            "date", "start_time", "end_time"
        )
    ]
    if not mine:
        return None
    others = (
        Meeting.objects.filter(
            cancelled=False,
            date__in={slot.date for slot in mine},
            session__enrolments__worker=worker,
            session__enrolments__status=Enrolment.Status.CONFIRMED,
        )
        .exclude(session=session)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session")
    )
    for other in others:
        if any(enrolment_rules.overlaps(slot, _slot(other)) for slot in mine):
            return other.session
    return None


def missing_prerequisites(course: CoursePage, worker: Worker) -> list[str]:
    """Return the titles of ``course``'s prerequisites ``worker`` has not completed yet.

    1 query, 2 when the course has prerequisites.
    """
    required = dict(course.prerequisites.values_list("pk", "title"))
    if not required:
        return []
    completed = set(
        Enrolment.objects.filter(
            worker=worker, completed=True, session__course_id__in=required
        ).values_list("session__course_id", flat=True)
    )
    return enrolment_rules.missing_prerequisites(required, completed)


# Staff screens -------------------------------------------------------------------------------


def session_roster(session: Session) -> list[Enrolment]:
    """Return every enrolment of a session with its worker: confirmed, waitlisted, cancelled.

    Ordered by status (confirmed first), then the waitlist order, then name (1 query).
    """
    return list(
        Enrolment.objects.filter(session=session)
        .select_related("worker", "worker__federation")
        .order_by("-status", "waitlisted_at", "worker__name", "pk")
    )


def confirmed_roster(session: Session) -> list[Enrolment]:
    """Return the confirmed enrolments of a session with their workers, by name (1 query)."""
    return list(
        Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED)
        .select_related("worker")
        .order_by("worker__name", "pk")
    )


def session_meetings(session: Session) -> list[Meeting]:
    """Return a session's meetings with how many attendance marks each has (1 query)."""
    return list(
        session.meetings.annotate(
            marked=_count(Attendance.objects.filter(meeting=OuterRef("pk")), "meeting")
        ).order_by("date", "start_time")
    )


def attendance_marks(meeting: Meeting) -> dict[int, int]:
    """Return the recorded attendance at a meeting: enrolment id → status (1 query)."""
    return dict(meeting.attendances.values_list("enrolment_id", "status"))
