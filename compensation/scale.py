"""Pay and funds at scale: the "compensation" step of ``manage.py generate_scale_data``.

This is load data for the benchmarks (``bench/compensation_floor.py``,
``bench/compensation_inspection.py``): like the other scale steps it writes with
``bulk_create``, past the services (no per-row checks, no audit log, no acting user), so that
size M builds in seconds, but it keeps their rules: levels from ``rules.placement_level``
within each post, a new placement only when the level rises, charges never past a source's
budget, insurance months only where they are due.

Over the last five years (``YEARS``) of the scale city (at size M, about 18,000 of its 20,000
workers: every one but the part-time party-mass workers, who are paid a subsidy, and the few
hired in the last two months, left to be placed):

- the root's 三岗十八级 (正职 7-18, 副职 4-15, 其他 1-12) with a pay table from each 1 January
  and its 持证津贴, and the part-time work subsidy per grade;
- placements: each worker placed from the later of the hire date and the first year's
  1 January, then a step on each 1 January the record gives a higher level (at M about 45,000
  rows); about 3 % 正职 and 12 % 副职, the rest 其他;
- Sichuan's three minimum-wage tiers where missing (the rows of ``compensation/demo.py``, with
  the raise it announces; these rows are shared with the demo and never removed) and every
  county-level federation in a tier, its parks inheriting it;
- insurance years: the months due each year, with one month missing for about 3 % of them;
- per county-level federation and year the four fund sources, and ``spendings_size`` spending
  records (240,000 at M), a year's share each: monthly pay from the source of the worker's
  employment mode, monthly employer insurance, subsidies and training; 1 % voided. Each
  source's budget covers what is charged to it, with a margin.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from workforce.models import Federation, Worker

from . import rules
from .choices import PlacementReason, Source, Use
from .demo import INSURANCE_MONTHLY, PAYS_WAGE, POSTS, RAISE, SUBSIDIES, WAGES, raise_date
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
    SelfInspection,
    Spending,
    StepRun,
    SubsidyRate,
    TierAssignment,
)

BATCH = 5000
YEARS = 5
HEAD_SHARE, DEPUTY_SHARE = 0.03, 0.12
UNPLACED_DAYS = 60  # workers hired this recently are not placed yet
INSURANCE_GAP_SHARE = 0.03  # of the worker-years: one month unpaid
VOID_SHARE = 0.01  # of the spending records
# Shares of the spending records by use; training records name no worker.
USES = ((Use.PAY, 0.6), (Use.INSURANCE, 0.25), (Use.SUBSIDY, 0.1), (Use.TRAINING, 0.05))
ALLOWANCES = {"assistant": 100, "social_worker": 200, "senior": 300}


def spendings_size(workers: int) -> int:
    """Return how many spending records the step adds for ``workers``: 240,000 at M."""
    return workers * 12


def _add_scheme(root: Federation, first_year: int, last_year: int) -> tuple[dict, dict]:
    """Add the root's scheme and return its posts by name and its rates {year: {level: pay}}."""
    scheme = PayScheme.objects.create(federation=root, name="三岗十八级")
    posts = {
        post.name: post
        for post in Post.objects.bulk_create(
            Post(scheme=scheme, name=name, lowest=lowest, highest=highest, order=order)
            for order, (name, lowest, highest) in enumerate(POSTS)
        )
    }
    tables = PayTable.objects.bulk_create(
        PayTable(scheme=scheme, effective_from=dt.date(year, 1, 1), note="规模测试数据")
        for year in range(first_year, last_year + 1)
    )
    rates = {
        table.effective_from.year: {
            level: Decimal(2000 + 50 * (table.effective_from.year - first_year) + 110 * (level - 1))
            for level in range(1, 19)
        }
        for table in tables
    }
    PayRate.objects.bulk_create(
        PayRate(table=table, level=level, monthly=monthly)
        for table in tables
        for level, monthly in rates[table.effective_from.year].items()
    )
    Allowance.objects.bulk_create(
        Allowance(table=table, name="持证津贴", qualification=code, monthly=Decimal(amount))
        for table in tables
        for code, amount in ALLOWANCES.items()
    )
    SubsidyRate.objects.bulk_create(
        SubsidyRate(
            scheme=scheme,
            grade=grade,
            yearly=Decimal(amount),
            effective_from=dt.date(first_year, 1, 1),
        )
        for grade, amount in SUBSIDIES.items()
    )
    return posts, rates


def _add_floors(data) -> int:
    """Add the missing Sichuan rows (shared with the demo) and a tier per county; return the
    number of counties."""
    existing = set(MinimumWage.objects.values_list("tier", "effective_from"))
    rows = [
        MinimumWage(tier=tier, monthly=Decimal(monthly), effective_from=since, note="规模测试数据")
        for tier, dated in WAGES.items()
        for since, monthly in dated
        if (tier, since) not in existing
    ]
    rows += [
        MinimumWage(
            tier=tier,
            monthly=Decimal(monthly),
            effective_from=raise_date(data.today),
            note="规模测试数据：拟调整标准",
        )
        for tier, monthly in RAISE.items()
        if not any(t == tier and since > WAGES[tier][-1][0] for t, since in existing)
    ]
    MinimumWage.objects.bulk_create(rows)
    counties = [federation for federation in data.federations if federation.depth == 2]
    TierAssignment.objects.bulk_create(
        TierAssignment(federation=county, tier=1 + number % 3, effective_from=WAGES[1][-1][0])
        for number, county in enumerate(counties)
    )
    return len(counties)


def _employed(worker: Worker, first: dt.date, last: dt.date) -> bool:
    return worker.hire_date <= last and (worker.left_on is None or worker.left_on >= first)


def _add_placements(data, rng, posts, first_year: int) -> dict[int, dict[int, int]]:
    """Place the workers and step them each 1 January; return {worker id: {year: level}}."""
    scheme = rules.SchemeRules()
    placements, levels = [], {}
    newest = data.today - dt.timedelta(days=UNPLACED_DAYS)
    for worker in data.workers:
        if worker.employment_mode == Worker.EmploymentMode.PART_TIME or worker.hire_date > newest:
            continue
        draw = rng.random()
        name = (
            "正职" if draw < HEAD_SHARE else "副职" if draw < HEAD_SHARE + DEPUTY_SHARE else "其他"
        )
        post = posts[name]
        shape = rules.PostRange(post.name, post.lowest, post.highest)
        since = max(worker.hire_date, dt.date(first_year, 1, 1))
        current, by_year = 0, {}
        for year in range(since.year, data.today.year + 1):
            on = since if year == since.year else dt.date(year, 1, 1)
            if worker.left_on is not None and on > worker.left_on:
                break
            level = rules.placement_level(
                post=shape, education=worker.education, qualification=worker.qualification,
                hire_date=worker.hire_date, on=on, grades={}, scheme=scheme,
            ).level  # fmt: skip
            if level > current:
                placements.append(
                    Placement(
                        worker=worker, post=post, level=level, effective_from=on,
                        reason=PlacementReason.INITIAL if not current else PlacementReason.STEP,
                    )
                )  # fmt: skip
                current = level
            by_year[year] = current
        levels[worker.pk] = by_year
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    data.counts["placements"] = len(placements)
    return levels


def _add_insurance(data, rng, first_year: int) -> None:
    rows = []
    for worker in data.workers:
        if worker.employment_mode == Worker.EmploymentMode.PART_TIME:
            continue
        for year in range(first_year, data.today.year + 1):
            due = rules.due_months(
                year, hired=worker.hire_date, left=worker.left_on, today=data.today
            )
            if not due:
                continue
            if rng.random() < INSURANCE_GAP_SHARE:
                due.remove(rng.choice(due))
            rows.append(InsuranceYear(worker=worker, year=year, months=rules.months_bits(due)))
    InsuranceYear.objects.bulk_create(rows, batch_size=BATCH)
    data.counts["insurance years"] = len(rows)


def _county_of(federation: Federation, by_path: dict[str, Federation]) -> Federation:
    return by_path[federation.path[: 2 * Federation.steplen]]


def _add_funds(data, rng, levels: dict[int, dict[int, int]], rates, first_year: int) -> None:
    """Add the fund sources and the spending records, a year's share each (see the docstring)."""
    by_path = {f.path: f for f in data.federations if f.depth == 2}
    if not by_path:
        return
    sources = {
        (county.pk, year, kind): FundSource(
            federation=county, year=year, kind=kind, budget=Decimal("0"), note="规模测试数据"
        )
        for county in by_path.values()
        for year in range(first_year, data.today.year + 1)
        for kind in Source.values
    }
    federation_of = {f.pk: f for f in data.federations}
    total = spendings_size(data.size.workers)
    uses, weights = zip(*USES, strict=True)
    records = []  # (source key, use, amount, day, worker id)
    for year in range(first_year, data.today.year + 1):
        last_month = data.today.month if year == data.today.year else 12
        first, last = dt.date(year, 1, 1), dt.date(year, last_month, 28)
        employed = [w for w in data.workers if _employed(w, first, last)]
        placed = [w for w in employed if year in levels.get(w.pk, {})]
        if not employed:
            continue
        share = total // YEARS + (year - first_year < total % YEARS)
        for use in rng.choices(uses, weights, k=share):
            pool = placed if use in (Use.PAY, Use.INSURANCE) and placed else employed
            worker = rng.choice(pool)
            hired = worker.hire_date if worker.hire_date.year == year else first
            left = worker.left_on if worker.left_on and worker.left_on.year == year else last
            month = rng.randint(hired.month, max(hired.month, min(left.month, last_month)))
            day = dt.date(year, month, 15)
            county = _county_of(federation_of[worker.federation_id], by_path)
            if use == Use.PAY and year in levels.get(worker.pk, {}):
                amount = rates[year][levels[worker.pk][year]] + ALLOWANCES.get(
                    worker.qualification, 0
                )
                kind = PAYS_WAGE.get(worker.employment_mode, Source.COUNTY_BUDGET)
            elif use == Use.INSURANCE:
                amount, kind = INSURANCE_MONTHLY, Source.COUNTY_BUDGET
            elif use == Use.TRAINING:
                amount = Decimal(rng.randrange(2000, 20000, 100))
                records.append(((county.pk, year, Source.HIGHER_UNION), use, amount, day, None))
                continue
            else:
                amount, kind = Decimal(rng.choice((500, 1800, 3000, 3600))), Source.HIGHER_UNION
                use = Use.SUBSIDY
            records.append(((county.pk, year, kind), use, amount, day, worker.pk))
    spent: dict[tuple, Decimal] = defaultdict(Decimal)
    voided = set(rng.sample(range(len(records)), round(len(records) * VOID_SHARE)))
    for index, (key, _use, amount, _day, _worker) in enumerate(records):
        if index not in voided:
            spent[key] += amount
    for key, source in sources.items():
        margin = Decimal(rng.choice(("1.05", "1.10", "1.20")))
        source.budget = (spent[key] * margin / 1000).quantize(Decimal("1")) * 1000 + 1000
    FundSource.objects.bulk_create(sources.values())
    now = timezone.now()
    Spending.objects.bulk_create(
        (
            Spending(
                source=sources[key], use=use, amount=amount.quantize(rules.CENTS),
                worker_id=worker_id, spent_on=day, note="规模测试数据",
                voided_at=now if index in voided else None,
                void_reason="规模测试数据：录入有误" if index in voided else "",
            )
            for index, (key, use, amount, day, worker_id) in enumerate(records)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    data.counts["fund sources"] = len(sources)
    data.counts["spending records"] = len(records)


def add_compensation(data) -> None:
    """Add pay and funds to the scale city (see the module docstring)."""
    if data.root is None or not data.workers:
        return
    rng = random.Random(data.rng.randrange(2**32))
    first_year = data.today.year - YEARS + 1
    posts, rates = _add_scheme(data.root, first_year, data.today.year)
    data.counts["tiered counties"] = _add_floors(data)
    levels = _add_placements(data, rng, posts, first_year)
    _add_insurance(data, rng, first_year)
    _add_funds(data, rng, levels, rates, first_year)


def remove_compensation(root: Federation) -> None:
    """Delete the pay and funds data of the scale city under ``root`` (the minimum wages stay)."""
    under = Q(federation__path__startswith=root.path)
    workers = Q(worker__federation__path__startswith=root.path)
    Spending.objects.filter(source__federation__path__startswith=root.path).delete()
    FundSource.objects.filter(under).delete()
    SelfInspection.objects.filter(under).delete()
    StepRun.objects.filter(under).delete()
    InsuranceYear.objects.filter(workers).delete()
    Placement.objects.filter(workers).delete()
    TierAssignment.objects.filter(under).delete()
    PayScheme.objects.filter(under).delete()


# For ``generate_scale_data``: (name, add, remove), run after the workforce steps.
SCALE_STEPS = [("compensation", add_compensation, remove_compensation)]
