"""The compensation demo steps: the scheme and tables, floors with an announced raise, placements,
step runs, insurance, a funded year, two self-inspections and the 我的薪酬 link; idempotent."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from wagtail.models import ModelLogEntry

from compensation import demo, selectors
from compensation.choices import ProposalState, ReportState, Source, Use
from compensation.models import (
    FundSource,
    InsuranceYear,
    MinimumWage,
    PayScheme,
    Placement,
    SelfInspection,
    Spending,
    StepProposal,
    StepRun,
    TierAssignment,
)
from compensation.selectors import FloorStatus
from evaluation.choices import Grade
from tests.factories import WorkerFactory, confirmed_grade
from workforce.demo import DemoContext
from workforce.models import Worker

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)
E, Q = Worker.Education, Worker.Qualification
M = Worker.EmploymentMode
SW = "绵阳市社会工作服务中心"


def context(by, city, county, other_county, workers):
    return DemoContext(
        by=by,
        today=TODAY,
        federations={"MY": city, "FC": county, "YX": other_county},
        workers={worker.id_number: worker for worker in workers},
    )


@pytest.fixture
def workers(county, other_county):
    persona = DemoContext(today=TODAY).worker_plans()[0].person.id_number
    fc = [
        dict(
            id_number=persona,
            education=E.MASTER,
            qualification=Q.ASSISTANT,
            hire_date=dt.date(2019, 5, 1),
        ),
        dict(education=E.BACHELOR, hire_date=dt.date(2018, 3, 1)),
        dict(
            education=E.BACHELOR,
            qualification=Q.SOCIAL_WORKER,
            hire_date=dt.date(2018, 9, 1),
            employment_mode=M.PUBLIC_WELFARE,
        ),
        dict(
            education=E.JUNIOR_COLLEGE,
            hire_date=dt.date(2020, 4, 1),
            employment_mode=M.PURCHASED,
            contractor=SW,
        ),
        dict(education=E.JUNIOR_COLLEGE, hire_date=dt.date(2025, 2, 1)),  # level 1, no step yet
        dict(education=E.BACHELOR, hire_date=dt.date(2026, 3, 1), employment_mode=M.PUBLIC_WELFARE),
        dict(education=E.BACHELOR, hire_date=dt.date(2021, 1, 1), employment_mode=M.PART_TIME),
    ]
    yx = [
        dict(education=E.BACHELOR, hire_date=dt.date(2018, 1, 1)),
        dict(education=E.BACHELOR, hire_date=dt.date(2018, 2, 1)),
        dict(
            education=E.MASTER,
            hire_date=dt.date(2018, 3, 1),
            employment_mode=M.PURCHASED,
            contractor=SW,
        ),
        dict(education=E.JUNIOR_COLLEGE, hire_date=dt.date(2021, 3, 1)),  # the violation
        dict(education=E.BACHELOR, hire_date=dt.date(2021, 5, 1)),
    ]
    made = [
        *(WorkerFactory(federation=county, **values) for values in fc),
        *(WorkerFactory(federation=other_county, **values) for values in yx),
    ]
    confirmed_grade(made[6], 2025, Grade.EXCELLENT)  # the part-time worker's subsidy
    return made


def snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            PayScheme, MinimumWage, TierAssignment, Placement, StepRun, StepProposal,
            InsuranceYear, FundSource, Spending, SelfInspection, ModelLogEntry,
        )
    }  # fmt: skip


def test_demo_steps_are_idempotent(city_staff, city, county, other_county, workers):
    ctx = context(city_staff, city, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(ctx)
    persona, part_time, violation = workers[0], workers[6], workers[10]

    # The city's 三岗十八级 with both tables and the work subsidies.
    scheme = PayScheme.objects.get()
    assert (scheme.federation, scheme.name) == (city, "三岗十八级")
    assert [(p.name, p.lowest, p.highest) for p in scheme.posts.all()] == list(demo.POSTS)
    tables = list(scheme.tables.order_by("effective_from"))
    assert [t.effective_from for t in tables] == [dt.date(2024, 1, 1), dt.date(2026, 1, 1)]
    assert all(t.rates.count() == 18 and t.allowances.count() == 3 for t in tables)
    assert scheme.subsidies.count() == 4

    # Sichuan's tiers, each with a raise from 2026-08-01 noted as to be checked; 游仙区 in tier 1.
    raises = MinimumWage.objects.filter(effective_from=dt.date(2026, 8, 1))
    assert sorted(raises.values_list("tier", flat=True)) == [1, 2, 3]
    assert all(wage.note for wage in MinimumWage.objects.all())
    tiers = sorted(TierAssignment.objects.values_list("federation__code", "effective_from", "tier"))
    assert tiers == [
        ("FC", dt.date(2022, 4, 1), 2),
        ("YX", dt.date(2022, 4, 1), 2),
        ("YX", dt.date(2026, 1, 1), 1),
    ]

    # Every full-time worker placed from the hire date; the part-time one is not.
    initial = Placement.objects.filter(reason="initial")
    assert sorted(initial.values_list("worker_id", flat=True)) == sorted(
        w.pk for w in workers if w != part_time
    )
    assert all(p.effective_from == p.worker.hire_date for p in initial.select_related("worker"))
    heads = initial.filter(post__name="正职").values_list("worker__federation__code", flat=True)
    assert sorted(heads) == ["FC", "YX"]

    # This year's runs: all confirmed but the lowest-placed worker's in each county.
    for run in StepRun.objects.all():
        states = Counter(run.proposals.values_list("state", flat=True))
        assert states[ProposalState.PROPOSED] == 1 and states[ProposalState.CONFIRMED] >= 1
    assert StepProposal.objects.get(worker=violation).state == ProposalState.PROPOSED
    assert persona.placements.filter(reason="step").exists()

    # The floor check: one violation (游仙区, level 1 at exactly the floor), the raise flags more.
    report = selectors.floor_check([city.path], on=TODAY)
    below = [row for row in report.rows if row.status == FloorStatus.BELOW]
    assert [(row.worker_id, row.monthly, row.floor) for row in below] == [
        (violation.pk, Decimal("2100.00"), Decimal("2100.00"))
    ]
    assert report.count(FloorStatus.WILL_FALL) >= 1
    assert report.count(FloorStatus.UNPLACED) == report.count(FloorStatus.NO_FLOOR) == 0

    # Insurance: one worker misses one month.
    (gap,) = selectors.insurance_gaps([city.path], year=2026, today=TODAY)
    assert len(gap.missing) == 1

    # A funded year: four sources per county, within budget, every use charged.
    for federation in (county, other_county):
        ledger = selectors.ledger(FundSource.objects.filter(federation=federation, year=2026))
        assert sorted(line.source.kind for line in ledger.lines) == sorted(Source.values)
        assert ledger.spent > 0 and all(line.left >= 0 for line in ledger.lines)
    uses = set(Spending.objects.values_list("use", flat=True))
    assert uses == set(Use.values)
    assert not Spending.objects.filter(spent_on__gt=TODAY).exists()

    # 涪城区 submitted its self-inspection with the figures; 游仙区's is a draft.
    submitted = SelfInspection.objects.get(federation=county)
    assert submitted.state == ReportState.SUBMITTED and submitted.remarks
    assert submitted.figures["violations"]["insurance"] == 1
    assert SelfInspection.objects.get(federation=other_county).state == ReportState.DRAFT

    # The link to the demo worker's pay page.
    ((label, url),) = ctx.links
    assert persona.name in label
    assert resolve(urlsplit(url).path).view_name == "compensation:my_pay"

    before = snapshot()
    again = context(city_staff, city, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(again)
    assert not again.created
    assert snapshot() == before
    assert again.links == ctx.links


def test_without_the_city_the_steps_add_nothing(city_staff, county, other_county, workers):
    ctx = DemoContext(
        by=city_staff,
        today=TODAY,
        federations={"FC": county, "YX": other_county},
        workers={worker.id_number: worker for worker in workers},
    )
    for step in demo.DEMO_STEPS:
        step(ctx)
    assert not ctx.created and not ctx.links
    assert not PayScheme.objects.exists() and not MinimumWage.objects.exists()
