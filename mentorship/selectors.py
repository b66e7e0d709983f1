"""Reads for mentoring: an apprentice's gaps, a pairing's state, the lists on people's pages."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from courses.compliance import Status
from courses.selectors import policies_by_path, worker_compliance
from workforce.models import Federation, Worker, subtree_q
from workforce.policy import Policy
from workforce.selectors import outermost_paths, plain_rows

from . import matching, rules
from .choices import Expertise
from .credits import counted_logs
from .models import Extension, Goal, MeetingLog, Mentor, Pairing, Review

# The apprentice's gaps, and the expertise that helps close each (data, used by goals and by
# the match suggestions).
GAP_AREAS = {
    "annual": Expertise.TRAINING,
    "rotation": Expertise.TRAINING,
    "onboarding": Expertise.TRAINING,
    "qualification": Expertise.SOCIAL_WORK,
}


@dataclass(frozen=True)
class Gap:
    """Something the apprentice still lacks: a compliance requirement or the qualification."""

    key: str
    title: str
    due: dt.date
    area: str


def gaps_of(worker: Worker, *, today: dt.date) -> list[Gap]:
    """Return the compliance requirements the worker has not met, and a missing qualification."""
    compliance, _policy = worker_compliance(worker, today=today)
    gaps = [
        Gap(
            f"compliance:{result.rule}",
            _("完成%(rule)s要求") % {"rule": result.rule.label},
            max(result.due_date, today),
            GAP_AREAS[str(result.rule)],
        )
        for result in compliance
        if result.status != Status.MET
    ]
    if worker.qualification == Worker.Qualification.NONE:
        gaps.append(
            Gap(
                "qualification",
                _("取得社会工作者职业资格"),
                dt.date(today.year, 12, 31),
                GAP_AREAS["qualification"],
            )
        )
    return gaps


def with_activity(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Annotate each pairing with its last confirmed meeting, confirmed hours, goals' average
    progress and the logs awaiting confirmation (one query for the whole list)."""
    confirmed = Q(logs__status=MeetingLog.Status.CONFIRMED)
    return pairings.annotate(
        last_confirmed=Max("logs__date", filter=confirmed),
        awaiting_logs=Count(
            "logs", filter=Q(logs__status=MeetingLog.Status.AWAITING), distinct=True
        ),
    )


def pairing_detail(pairing: Pairing) -> dict:
    """Return what a pairing's page shows: goals, logs, reviews and pending extensions."""
    return {
        "goals": list(pairing.goals.all()),
        "logs": list(pairing.logs.select_related("written_by").order_by("-date", "-pk")),
        "reviews": {(r.stage, r.side): r for r in pairing.reviews.all()},
        "extension": pairing.extensions.filter(status=Extension.Status.PENDING).first(),
    }


def mentor_of(user) -> Mentor | None:
    """Return the mentor profile of a signed-in user, if they have one."""
    if not user.is_authenticated:
        return None
    return Mentor.objects.filter(user=user).select_related("federation").first()


def submitted_reviews(pairing: Pairing) -> set[tuple[str, str]]:
    return set(Review.objects.filter(pairing=pairing).values_list("stage", "side"))


# =============================================================================================
# Staff screens (导师带徒 admin): loads, limits, check-in health, match suggestions, dashboard.
# =============================================================================================

ACTIVE_Q = Q(pairings__status=Pairing.Status.ACTIVE)
CONFIRMED_LOG_Q = Q(logs__status=MeetingLog.Status.CONFIRMED)


def county_path(path: str) -> str:
    """Return the path of the county-level federation a federation belongs to (a city's own
    path for the city itself)."""
    step = Federation.steplen
    return path if len(path) <= step else path[: 2 * step]


def with_load(mentors: QuerySet[Mentor]) -> QuerySet[Mentor]:
    """Annotate each mentor with ``active_load``, their active pairings (grouped, 1 query)."""
    return mentors.annotate(active_load=Count("pairings", filter=ACTIVE_Q))


def limit_of(mentor: Mentor, policy: Policy) -> int:
    return mentor.load_limit if mentor.load_limit is not None else policy.mentor_load_limit


def with_limits(mentors: Iterable[Mentor]) -> list[Mentor]:
    """Set ``limit`` on each mentor (loaded with its federation): their own load limit or
    their federation's policy (1 query for all of them)."""
    mentors = list(mentors)
    policies = policies_by_path(m.federation.path for m in mentors)
    for mentor in mentors:
        mentor.limit = limit_of(mentor, policies[mentor.federation.path])
    return mentors


def free_mentors(mentors: QuerySet[Mentor]) -> list[Mentor]:
    """Return the active mentors among ``mentors`` with a free place (2 queries)."""
    loaded = with_load(mentors.filter(active=True).select_related("federation"))
    return [m for m in with_limits(loaded) if m.active_load < m.limit]


def checkin_overdue_q(paths: list[str], *, today: dt.date) -> Q:
    """Return a Q for the active pairings under ``paths`` whose check-ins are overdue.

    The same decision as ``rules.health`` with each federation's ``mentor_checkin_days``,
    made in the database on a queryset annotated by ``with_activity`` (2 queries to build).
    """
    federations = Federation.objects.filter(subtree_q(paths)).values_list("id", "path")
    federations = list(federations)
    policies = policies_by_path(path for _id, path in federations)
    by_days: dict[int, list[int]] = defaultdict(list)
    for federation_id, path in federations:
        by_days[policies[path].mentor_checkin_days].append(federation_id)
    q = Q(pk__in=[])
    for days, ids in by_days.items():
        # rules.health: overdue when today > max(start, last confirmed) + days.
        cutoff = today - dt.timedelta(days=days)
        q |= Q(federation_id__in=ids, start_date__lt=cutoff) & (
            Q(last_confirmed__isnull=True) | Q(last_confirmed__lt=cutoff)
        )
    return Q(status=Pairing.Status.ACTIVE) & q


def past_end_q(*, today: dt.date) -> Q:
    """Return a Q for active pairings past their end date (the daily job flags them)."""
    return Q(status=Pairing.Status.ACTIVE, end_date__lt=today)


def with_health(pairings: Iterable[Pairing], *, today: dt.date) -> list[Pairing]:
    """Set ``checkin_overdue`` and ``past_end`` on pairings annotated by ``with_activity``
    (loaded with their federation), with each federation's policy (1 query)."""
    pairings = list(pairings)
    policies = policies_by_path(p.federation.path for p in pairings)
    for pairing in pairings:
        active = pairing.status == Pairing.Status.ACTIVE
        health = rules.health(
            start=pairing.start_date,
            last_confirmed=pairing.last_confirmed,
            days=policies[pairing.federation.path].mentor_checkin_days,
            today=today,
        )
        pairing.checkin_overdue = active and health == rules.Health.CHECKIN_OVERDUE
        pairing.past_end = active and pairing.end_date < today
    return pairings


def _years(since: dt.date | None, today: dt.date) -> int:
    if since is None or since > today:
        return 0
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def match_candidates(
    worker: Worker, mentors: QuerySet[Mentor], *, today: dt.date
) -> tuple[matching.Apprentice, list[Mentor], list[matching.Candidate]]:
    """Gather what ``matching.suggest`` needs: the apprentice's gaps and open goals' areas,
    and every mentor of ``mentors`` with their active load and load limit.

    Grouped reads: the mentors with their loads (1 query), their policies (1), the county-level
    federations (1), the open goals (1), and the apprentice's gaps (``gaps_of``).
    """
    gap_areas = frozenset(gap.area for gap in gaps_of(worker, today=today) if gap.area)
    goal_areas = frozenset(
        Goal.objects.filter(
            pairing__apprentice=worker,
            pairing__status__in=(Pairing.Status.PROPOSED, Pairing.Status.ACTIVE),
            progress__lt=100,
        )
        .exclude(area="")
        .values_list("area", flat=True)
    )
    loaded = with_limits(with_load(mentors.select_related("federation")).order_by("pk"))
    counties = {county_path(worker.federation.path)}
    counties |= {county_path(m.federation.path) for m in loaded}
    county_ids = dict(Federation.objects.filter(path__in=counties).values_list("path", "id"))
    apprentice = matching.Apprentice(
        worker_id=worker.pk,
        county_id=county_ids[county_path(worker.federation.path)],
        gap_areas=gap_areas,
        goal_areas=goal_areas,
    )
    candidates = [
        matching.Candidate(
            mentor_id=m.pk,
            county_id=county_ids[county_path(m.federation.path)],
            expertise=tuple(m.expertise),
            load=m.active_load,
            load_limit=m.limit,
            years=_years(m.experience_since, today),
            active=m.active,
            worker_id=m.worker_id,
        )
        for m in loaded
    ]
    return apprentice, loaded, candidates


def match_suggestions(
    worker: Worker,
    mentors: QuerySet[Mentor],
    *,
    today: dt.date,
    weights: matching.Weights = matching.DEFAULT_WEIGHTS,
) -> list[tuple[matching.Suggestion, Mentor]]:
    """Return the ranked suggestions for ``worker`` among ``mentors``, each with its mentor."""
    apprentice, loaded, candidates = match_candidates(worker, mentors, today=today)
    by_id = {m.pk: m for m in loaded}
    return [
        (suggestion, by_id[suggestion.mentor_id])
        for suggestion in matching.suggest(apprentice, candidates, weights)
    ]


# The mentoring dashboard (带教统计) -----------------------------------------------------------


@dataclass
class MentoringCounts:
    """One dashboard row's numbers (or the total)."""

    mentors: int = 0
    at_capacity: int = 0
    active: int = 0
    checkin_overdue: int = 0
    past_end: int = 0
    completed: int = 0
    hours: Decimal = Decimal(0)  # credited this year (confirmed 高师带徒 hours, capped)

    def add(self, other: "MentoringCounts") -> None:
        for name in ("mentors", "at_capacity", "active", "checkin_overdue", "past_end"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.completed += other.completed
        self.hours += other.hours

    @property
    def empty(self) -> bool:
        return not (self.mentors or self.active or self.completed or self.hours)


@dataclass
class MentoringRow:
    key: str
    federation_id: int
    name: str
    counts: MentoringCounts = field(default_factory=MentoringCounts)


@dataclass
class MentoringReport:
    today: dt.date
    rows: list[MentoringRow] = field(default_factory=list)
    total: MentoringCounts = field(default_factory=MentoringCounts)


def _row_key(path: str, scopes: list[str]) -> str:
    """Return the dashboard row of a federation: under a city root its county-level child (or
    the root for its own records); a scope below the root is a single row of its subtree."""
    scope = next(scope for scope in scopes if path.startswith(scope))
    if len(scope) > Federation.steplen:
        return scope
    return county_path(path)


def mentoring_report(paths: list[str], *, today: dt.date) -> MentoringReport:
    """Return per county-level federation the mentors, mentors at capacity, active pairings,
    overdue check-ins, pairings past their end, pairings completed this year and the mentoring
    hours credited this year (6 grouped queries, whatever the number of rows)."""
    report = MentoringReport(today=today)
    scopes = outermost_paths(paths)
    if not scopes:
        return report
    step = Federation.steplen
    rows: dict[str, MentoringRow] = {}
    all_paths = []
    for federation_id, path, name in Federation.objects.filter(subtree_q(scopes)).values_list(
        "id", "path", "name"
    ):
        all_paths.append(path)
        if _row_key(path, scopes) == path:
            label = _("%(name)s（本级）") % {"name": name} if len(path) == step else name
            rows[path] = MentoringRow(path, federation_id, label)
    policies = policies_by_path(all_paths)

    def row(path: str) -> MentoringCounts:
        return rows[_row_key(path, scopes)].counts

    mentors = Mentor.objects.filter(subtree_q(scopes, "federation__"))
    for _pk, path, own_limit, load in plain_rows(
        mentors.values_list("pk", "federation__path", "load_limit").annotate(
            load=Count("pairings", filter=ACTIVE_Q)
        )
    ):
        counts = row(path)
        counts.mentors += 1
        limit = own_limit if own_limit is not None else policies[path].mentor_load_limit
        counts.at_capacity += load >= limit

    pairings = Pairing.objects.filter(subtree_q(scopes, "federation__"))
    for _pk, path, start, end, last in plain_rows(
        pairings.filter(status=Pairing.Status.ACTIVE)
        .values_list("pk", "federation__path", "start_date", "end_date")
        .annotate(last=Max("logs__date", filter=CONFIRMED_LOG_Q))
    ):
        start, end, last = _date(start), _date(end), _date(last)
        counts = row(path)
        counts.active += 1
        days = policies[path].mentor_checkin_days
        overdue = rules.health(start=start, last_confirmed=last, days=days, today=today)
        counts.checkin_overdue += overdue == rules.Health.CHECKIN_OVERDUE
        counts.past_end += end < today

    first, last_day = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for path, completed in plain_rows(
        pairings.filter(status=Pairing.Status.COMPLETED, ended_on__range=(first, last_day))
        .values_list("federation__path")
        .annotate(n=Count("pk"))
    ):
        row(path).completed += completed

    # Hours are the apprentice's: counted in their federation's row, capped by its policy.
    for _worker_id, path, hours in plain_rows(
        counted_logs()
        .filter(
            subtree_q(scopes, "pairing__apprentice__federation__"), date__range=(first, last_day)
        )
        .values_list("pairing__apprentice_id", "pairing__apprentice__federation__path")
        .annotate(hours=Sum("hours"))
    ):
        cap = policies[path].mentoring_hours_cap
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))  # SQLite sums to a float
        row(path).hours += rules.credited_mentoring_hours(hours, cap)

    for entry in rows.values():
        report.total.add(entry.counts)
    # A city's own row is shown only when it has something of its own.
    report.rows = [
        entry for key, entry in sorted(rows.items()) if len(key) > step or not entry.counts.empty
    ]
    return report


def _date(value) -> dt.date | None:
    """Return a date read raw from the database (SQLite gives ISO text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
