"""What pay and funds screens and other apps read: the scheme in force, placements and pay on a
date, the city-wide floor check, insurance gaps, the funds ledger and the self-inspection
figures. Each gathers with a few grouped queries and leaves the deciding to ``rules``.
"""

import datetime as dt
import enum
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from evaluation.selectors import grade_years
from workforce.models import Federation, Worker, subtree_q
from workforce.selectors import ancestor_paths, outermost_paths, policy_for

from . import rules
from .choices import Use
from .models import (
    Allowance,
    FundSource,
    InsuranceYear,
    MinimumWage,
    PayRate,
    PayScheme,
    PayTable,
    Placement,
    Post,
    Spending,
    SubsidyRate,
    TierAssignment,
)

ZERO = Decimal("0.00")


# Schemes ----------------------------------------------------------------------------------------


def scheme_for(federation: Federation) -> PayScheme | None:
    """Return the scheme in force for ``federation``: its own, or the nearest above (one query)."""
    return (
        PayScheme.objects.filter(federation__path__in=ancestor_paths(federation))
        .order_by("-federation__depth")
        .first()
    )


def scheme_rules(scheme: PayScheme) -> rules.SchemeRules:
    return rules.SchemeRules(
        years_per_step=scheme.years_per_step,
        education_years={
            "bachelor": scheme.bachelor_years,
            "master": scheme.master_years,
            "doctorate": scheme.doctorate_years,
        },
        excellent_run=scheme.excellent_run,
        max_early_steps=scheme.max_early_steps,
        qualification_levels={
            "assistant": scheme.assistant_levels,
            "social_worker": scheme.social_worker_levels,
            "senior": scheme.senior_levels,
        },
    )


def suggested_level(worker: Worker, post, on: dt.date) -> rules.LevelBreakdown:
    """Return the level the worker's record gives in ``post`` on ``on`` (two queries)."""
    return rules.placement_level(
        post=rules.PostRange(post.name, post.lowest, post.highest),
        education=worker.education,
        qualification=worker.qualification,
        hire_date=worker.hire_date,
        on=on,
        grades=grade_years([worker.pk]).get(worker.pk, {}),
        scheme=scheme_rules(post.scheme),
    )


# Pay on a date ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A pay table as plain values: amounts per level and the allowances."""

    scheme_id: int
    effective_from: dt.date
    rates: dict[int, Decimal]
    allowances: tuple[tuple[str, Decimal], ...]


def pay_tables(scheme_ids: Iterable[int]) -> dict[int, list[tuple[dt.date, Table]]]:
    """Return {scheme id: [(effective date, table)]} with rates and allowances (three queries)."""
    tables = {
        pk: Table(scheme_id, since, {}, ())
        for pk, scheme_id, since in PayTable.objects.filter(
            scheme_id__in=list(scheme_ids)
        ).values_list("pk", "scheme_id", "effective_from")
    }
    for table_id, level, monthly in (
        PayRate.objects.filter(table_id__in=list(tables))
        .values_list("table_id", "level", "monthly")
        .order_by()
    ):
        tables[table_id].rates[level] = monthly
    allowances: dict[int, list] = defaultdict(list)
    for table_id, qualification, monthly in (
        Allowance.objects.filter(table_id__in=list(tables))
        .values_list("table_id", "qualification", "monthly")
        .order_by()
    ):
        allowances[table_id].append((qualification, monthly))
    result: dict[int, list[tuple[dt.date, Table]]] = defaultdict(list)
    for pk, table in tables.items():
        full = Table(table.scheme_id, table.effective_from, table.rates, tuple(allowances[pk]))
        result[table.scheme_id].append((table.effective_from, full))
    return dict(result)


def pay_on(
    tables: dict[int, list[tuple[dt.date, Table]]],
    *,
    scheme_id: int,
    level: int,
    qualification: str,
    on: dt.date,
) -> Decimal | None:
    """Return the monthly pay of a level on a date from gathered tables (no query)."""
    table = rules.in_force(tables.get(scheme_id, []), on)
    if table is None:
        return None
    return rules.monthly_pay(level, table.rates, table.allowances, qualification=qualification)


def placements_by_worker(
    workers: QuerySet[Worker], on: dt.date | None = None
) -> dict[int, list[tuple[dt.date, tuple]]]:
    """Return {worker id: [(effective date, (post id, scheme id, post name, level))]} (one query).

    Only placements dated on or before ``on`` when it is given.
    """
    rows = Placement.objects.filter(worker__in=workers)
    if on is not None:
        rows = rows.filter(effective_from__lte=on)
    result: dict[int, list] = defaultdict(list)
    for worker_id, since, post_id, scheme_id, name, level in rows.values_list(
        "worker_id", "effective_from", "post_id", "post__scheme_id", "post__name", "level"
    ).order_by():
        result[worker_id].append((since, (post_id, scheme_id, name, level)))
    return result


def levels_on(worker_ids: Iterable[int], on: dt.date) -> dict[int, tuple[int, int]]:
    """Return {worker id: (post id, level)} in force on ``on`` (one query)."""
    placements = placements_by_worker(Worker.objects.filter(pk__in=list(worker_ids)), on)
    result = {}
    for worker_id, rows in placements.items():
        post_id, _scheme_id, _name, level = rules.in_force(rows, on)
        result[worker_id] = (post_id, level)
    return result


def step_candidates(
    federation: Federation, *, on: dt.date
) -> list[tuple[int, int, int, rules.LevelBreakdown]]:
    """Return (worker id, post id, level in force, breakdown) for each active worker under
    ``federation`` whose record gives a higher level on ``on`` than the one in force (four
    queries). Workers never placed are left to staff: a first placement is theirs to make."""
    workers = Worker.objects.active().under([federation.path])
    placements = placements_by_worker(workers, on)
    posts = {
        post.pk: post
        for post in Post.objects.filter(
            pk__in={value[0] for rows in placements.values() for _since, value in rows}
        ).select_related("scheme")
    }
    grades = grade_years(placements)
    candidates = []
    for worker_id, education, qualification, hired in (
        workers.filter(pk__in=list(placements))
        .values_list("pk", "education", "qualification", "hire_date")
        .order_by("name", "pk")
    ):
        post_id, _scheme_id, _name, level = rules.in_force(placements[worker_id], on)
        post = posts[post_id]
        breakdown = rules.placement_level(
            post=rules.PostRange(post.name, post.lowest, post.highest),
            education=education,
            qualification=qualification,
            hire_date=hired,
            on=on,
            grades=grades.get(worker_id, {}),
            scheme=scheme_rules(post.scheme),
        )
        if breakdown.level > level:
            candidates.append((worker_id, post_id, level, breakdown))
    return candidates


@dataclass
class PayLine:
    """A worker's placement and monthly pay on one date (the history on 我的薪酬)."""

    effective_from: dt.date
    post: str
    level: int
    reason: str
    note: str
    monthly: Decimal | None


def pay_history(worker: Worker, *, today: dt.date) -> tuple[list[PayLine], PayLine | None]:
    """Return the worker's placements, latest first, each with its pay when it took effect,
    and the pay in force today (four queries)."""
    placements = list(worker.placements.select_related("post").order_by("-effective_from", "-pk"))
    tables = pay_tables({placement.post.scheme_id for placement in placements})
    lines = []
    for placement in placements:
        monthly = pay_on(
            tables,
            scheme_id=placement.post.scheme_id,
            level=placement.level,
            qualification=worker.qualification,
            on=placement.effective_from,
        )
        lines.append(
            PayLine(
                placement.effective_from,
                placement.post.name,
                placement.level,
                placement.get_reason_display(),
                placement.note,
                monthly,
            )
        )
    current = next((line for line in lines if line.effective_from <= today), None)
    if current is not None:
        placement = next(p for p in placements if p.effective_from == current.effective_from)
        current = PayLine(
            current.effective_from,
            current.post,
            current.level,
            current.reason,
            current.note,
            pay_on(
                tables,
                scheme_id=placement.post.scheme_id,
                level=placement.level,
                qualification=worker.qualification,
                on=today,
            ),
        )
    return lines, current


# The floor check --------------------------------------------------------------------------------


class FloorStatus(enum.StrEnum):
    ABOVE = "above"
    BELOW = "below"  # at or under the floor in force
    WILL_FALL = "will_fall"  # above now, at or under a floor announced for later
    UNPLACED = "unplaced"  # no post and level, or no pay for the level
    NO_FLOOR = "no_floor"  # the county has no tier, or the tier no amount


@dataclass
class FloorRow:
    worker_id: int
    name: str
    federation: str
    monthly: Decimal | None
    floor: Decimal | None
    tier: int | None
    status: str
    next_floor: Decimal | None = None
    next_from: dt.date | None = None
    path: str = ""  # the worker's federation's tree path (screens group rows by county)
    post: str = ""
    level: int | None = None


@dataclass
class FloorReport:
    on: dt.date
    rows: list[FloorRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def checked(self) -> int:
        return len(self.rows)

    def problems(self) -> list[FloorRow]:
        return [row for row in self.rows if row.status != FloorStatus.ABOVE]


def _wage_rows() -> dict[int, list[tuple[dt.date, Decimal]]]:
    floors: dict[int, list] = defaultdict(list)
    for tier, since, monthly in MinimumWage.objects.values_list(
        "tier", "effective_from", "monthly"
    ):
        floors[tier].append((since, monthly))
    return floors


def _tier_rows(paths: list[str]) -> dict[str, list[tuple[dt.date, int]]]:
    """Return {federation path: [(effective date, tier)]} for ``paths``, their subtrees and
    ancestors (one query)."""
    step = Federation.steplen
    above = {path[:end] for path in paths for end in range(step, len(path), step)}
    tiers: dict[str, list] = defaultdict(list)
    for path, since, tier in TierAssignment.objects.filter(
        subtree_q(paths, "federation__") | Q(federation__path__in=above)
    ).values_list("federation__path", "effective_from", "tier"):
        tiers[path].append((since, tier))
    return tiers


def _tier_of(path: str, tiers: dict[str, list], on: dt.date) -> int | None:
    """The tier in force on ``on`` at the nearest federation on ``path`` that has one."""
    step = Federation.steplen
    for end in range(len(path), 0, -step):
        if path[:end] in tiers:
            tier = rules.in_force(tiers[path[:end]], on)
            if tier is not None:
                return tier
    return None


def placements_on(workers: QuerySet[Worker], on: dt.date) -> dict[int, tuple[int, str, int]]:
    """Return {worker id: (scheme id, post name, level)} of the placements in force on ``on``
    (one query: each worker's latest placement dated on or before ``on``, chosen in the
    database)."""
    later = Placement.objects.filter(
        worker=OuterRef("worker"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=on,
    )
    rows = Placement.objects.filter(worker__in=workers, effective_from__lte=on).exclude(
        Exists(later)
    )
    return {
        worker_id: (scheme_id, post, level)
        for worker_id, scheme_id, post, level in rows.values_list(
            "worker_id", "post__scheme_id", "post__name", "level"
        ).order_by()
    }


def floor_check(paths: list[str], *, on: dt.date) -> FloorReport:
    """Check every active full-time worker under ``paths`` against the floor (seven queries).

    Part-time party-mass workers (党群工作者兼职) are paid a work subsidy, not a wage, and are
    not checked. A floor announced for a later date flags the workers whose pay would be at
    or under it (``WILL_FALL``) before it takes effect. Pay, tiers and floors take few
    distinct values, so each is worked out once per call and reused for every worker.
    """
    report = FloorReport(on)
    scopes = outermost_paths(paths)
    if not scopes:
        return report
    workers = (
        Worker.objects.active()
        .under(scopes)
        .exclude(employment_mode=Worker.EmploymentMode.PART_TIME)
    )
    placements = placements_on(workers, on)
    tables = pay_tables({scheme_id for scheme_id, _post, _level in placements.values()})
    floors = _wage_rows()
    tiers = _tier_rows(scopes)

    @functools.cache
    def pay(scheme_id: int, level: int, qualification: str, day: dt.date) -> Decimal | None:
        return pay_on(tables, scheme_id=scheme_id, level=level, qualification=qualification, on=day)

    @functools.cache
    def tier_of(path: str) -> int | None:
        return _tier_of(path, tiers, on)

    @functools.cache
    def floor_of(tier: int | None) -> tuple[Decimal | None, tuple | None]:
        if tier is None:
            return None, None
        return rules.in_force(floors.get(tier, []), on), rules.next_change(floors.get(tier, []), on)

    for worker_id, name, path, federation, qualification in workers.values_list(
        "pk", "name", "federation__path", "federation__name", "qualification"
    ).order_by("federation__path", "name", "pk"):
        placement = placements.get(worker_id)
        monthly, post, level = None, "", None
        if placement is not None:
            scheme_id, post, level = placement
            monthly = pay(scheme_id, level, qualification, on)
        tier = tier_of(path)
        floor, announced = floor_of(tier)
        row = FloorRow(
            worker_id,
            name,
            federation,
            monthly,
            floor,
            tier,
            FloorStatus.ABOVE,
            path=path,
            post=post,
            level=level,
        )
        if monthly is None:
            row.status = FloorStatus.UNPLACED
        elif floor is None:
            row.status = FloorStatus.NO_FLOOR
        elif rules.below_floor(monthly, floor):
            row.status = FloorStatus.BELOW
        elif announced is not None:
            row.next_from, row.next_floor = announced
            later = pay(scheme_id, level, qualification, row.next_from)
            if later is not None and rules.below_floor(later, row.next_floor):
                row.status = FloorStatus.WILL_FALL
        report.rows.append(row)
    return report


# Insurance --------------------------------------------------------------------------------------


@dataclass
class InsuranceGap:
    worker_id: int
    name: str
    federation: str
    missing: list[int]


def insurance_gaps(paths: list[str], *, year: int, today: dt.date) -> list[InsuranceGap]:
    """Return the workers under ``paths`` with insurance months due in ``year`` but unpaid
    (two queries). Part-time workers are insured by their own employer and are left out."""
    scopes = outermost_paths(paths)
    if not scopes:
        return []
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    workers = (
        Worker.objects.under(scopes)
        .exclude(employment_mode=Worker.EmploymentMode.PART_TIME)
        .filter(hire_date__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    )
    paid = dict(
        InsuranceYear.objects.filter(worker__in=workers, year=year).values_list(
            "worker_id", "months"
        )
    )

    # Only the months of ``year`` count: a date before or after it is the same as its first or
    # last day, so most workers share their due months, worked out once.
    @functools.cache
    def due_months(hired: dt.date, left: dt.date | None) -> list[int]:
        return rules.due_months(year, hired=hired, left=left, today=today)

    gaps = []
    for worker_id, name, federation, hired, left in workers.values_list(
        "pk", "name", "federation__name", "hire_date", "left_on"
    ).order_by("federation__path", "name", "pk"):
        due = due_months(max(hired, start), min(left, end) if left else None)
        missing = rules.missing_months(paid.get(worker_id, 0), due)
        if missing:
            gaps.append(InsuranceGap(worker_id, name, federation, missing))
    return gaps


# Funds ------------------------------------------------------------------------------------------


def spent_of(source: FundSource) -> Decimal:
    """Return what is charged to ``source`` and not voided (one query)."""
    return source.spendings.standing().aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


@dataclass
class LedgerLine:
    source: FundSource
    spent: Decimal
    workers: int
    by_use: dict[str, Decimal]

    @property
    def left(self) -> Decimal:
        return self.source.budget - self.spent


@dataclass
class Ledger:
    lines: list[LedgerLine]

    @property
    def budget(self) -> Decimal:
        return sum((line.source.budget for line in self.lines), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def left(self) -> Decimal:
        return self.budget - self.spent

    def use_totals(self) -> dict[str, Decimal]:
        totals = dict.fromkeys(Use.values, ZERO)
        for line in self.lines:
            for use, amount in line.by_use.items():
                totals[use] += amount
        return totals


def ledger(sources: QuerySet[FundSource]) -> Ledger:
    """Return budget, spent, left, spending by use and workers paid for, per source (two
    queries whatever the number of spending records)."""
    lines = {
        source.pk: LedgerLine(source, ZERO, 0, dict.fromkeys(Use.values, ZERO))
        for source in sources.select_related("federation").order_by(
            "-year", "federation__path", "kind"
        )
    }
    if not lines:
        return Ledger([])
    for source_id, use, total in (
        Spending.objects.standing()
        .filter(source_id__in=list(lines))
        .values_list("source_id", "use")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        lines[source_id].by_use[use] = total
        lines[source_id].spent += total
    for source_id, workers in (
        Spending.objects.standing()
        .filter(source_id__in=list(lines), worker__isnull=False)
        .values_list("source_id")
        .annotate(workers=Count("worker", distinct=True))
        .order_by()
    ):
        lines[source_id].workers = workers
    return Ledger(list(lines.values()))


# Work subsidies ---------------------------------------------------------------------------------


@dataclass
class SubsidyLine:
    worker_id: int
    name: str
    grade: int | None
    yearly: Decimal


def work_subsidies(federation: Federation, *, year: int) -> list[SubsidyLine]:
    """Return each part-time party-mass worker's work subsidy for ``year`` by that year's
    confirmed grade (four queries)."""
    scheme = scheme_for(federation)
    workers = list(
        Worker.objects.active()
        .under([federation.path])
        .filter(employment_mode=Worker.EmploymentMode.PART_TIME)
        .values_list("pk", "name")
        .order_by("name", "pk")
    )
    rates: dict[int, list] = defaultdict(list)
    if scheme is not None:
        for grade, since, yearly in SubsidyRate.objects.filter(scheme=scheme).values_list(
            "grade", "effective_from", "yearly"
        ):
            rates[grade].append((since, yearly))
    in_force = {
        grade: amount
        for grade, rows in rates.items()
        if (amount := rules.in_force(rows, dt.date(year, 12, 31))) is not None
    }
    grades = grade_years(pk for pk, _name in workers)
    lines = []
    for pk, name in workers:
        grade = grades.get(pk, {}).get(year)
        lines.append(SubsidyLine(pk, name, grade, rules.work_subsidy(grade, in_force)))
    return lines


def city_subsidy_due(federation: Federation, *, year: int) -> tuple[int, Decimal]:
    """Return the public-welfare post workers of ``year`` and the city's extra for them."""
    count = (
        Worker.objects.under([federation.path])
        .filter(employment_mode=Worker.EmploymentMode.PUBLIC_WELFARE)
        .filter(hire_date__lte=dt.date(year, 12, 31))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=dt.date(year, 1, 1)))
        .count()
    )
    per_person = policy_for(federation).public_welfare_city_subsidy
    return count, rules.city_subsidy(count, per_person)
