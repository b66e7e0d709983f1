"""The compensation services: who may act, what is refused, and what each change leaves behind."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from wagtail.models import ModelLogEntry

from compensation import selectors, services
from compensation.choices import PlacementReason, ProposalState, ReportState, Source, Use
from compensation.models import Spending
from compensation.selectors import FloorStatus
from compensation.services import CompensationError
from evaluation.choices import Grade
from tests.factories import WorkerFactory, confirmed_grade

from .conftest import TODAY, rates

D = Decimal
pytestmark = pytest.mark.django_db


# Schemes and pay tables -------------------------------------------------------------------------


def test_only_the_federations_staff_change_its_scheme(scheme, county_staff, outsider):
    with pytest.raises(CompensationError):
        services.save_scheme(by=county_staff, federation=scheme.federation, scheme=scheme, name="x")
    with pytest.raises(CompensationError):
        services.save_post(by=outsider, scheme=scheme, name="正职", lowest=7, highest=18)


def test_a_federation_has_one_scheme(scheme, city_staff, city):
    with pytest.raises(CompensationError, match="已有薪酬体系"):
        services.save_scheme(by=city_staff, federation=city, name="又一个")


def test_a_county_scheme_overrides_the_citys(scheme, county_staff, county, park):
    assert selectors.scheme_for(park) == scheme
    own = services.save_scheme(by=county_staff, federation=county, name="三级九档")
    assert selectors.scheme_for(park) == own
    assert selectors.scheme_for(county.get_parent()) == scheme


def test_post_levels_are_checked(city_staff, scheme):
    with pytest.raises(CompensationError):
        services.save_post(by=city_staff, scheme=scheme, name="正职", lowest=9, highest=7)
    with pytest.raises(CompensationError):
        services.save_post(by=city_staff, scheme=scheme, name="正职", lowest=0, highest=7)


def test_a_post_cannot_shrink_past_a_held_level(city_staff, posts, placed_worker):
    post = posts["其他"]
    with pytest.raises(CompensationError, match="不能缩小"):
        services.save_post(
            by=city_staff, scheme=post.scheme, name="其他", lowest=3, highest=12, post=post
        )
    services.save_post(
        by=city_staff, scheme=post.scheme, name="其他岗", lowest=1, highest=14, post=post
    )
    post.refresh_from_db()
    assert (post.name, post.highest) == ("其他岗", 14)


def test_a_pay_table_covers_every_level(city_staff, scheme, posts):
    with pytest.raises(CompensationError, match="18"):
        services.save_pay_table(
            by=city_staff, scheme=scheme, effective_from=dt.date(2024, 1, 1), rates=rates(1, 17)
        )
    with pytest.raises(CompensationError, match="19"):
        services.save_pay_table(
            by=city_staff, scheme=scheme, effective_from=dt.date(2024, 1, 1), rates=rates(1, 19)
        )
    assert not scheme.tables.exists()


def test_one_pay_table_per_date(city_staff, scheme, pay_table):
    with pytest.raises(CompensationError, match="已有一份"):
        services.save_pay_table(
            by=city_staff, scheme=scheme, effective_from=pay_table.effective_from, rates=rates()
        )


def test_three_levels_nine_grades_is_expressible(county_staff, county):
    """Dalian's 三级九档: three posts of nine grades each, on one ladder of 27."""
    scheme = services.save_scheme(by=county_staff, federation=county, name="三级九档")
    for order, name in enumerate(["三级", "二级", "一级"]):
        services.save_post(
            by=county_staff,
            scheme=scheme,
            name=name,
            lowest=9 * order + 1,
            highest=9 * order + 9,
            order=order,
        )
    table = services.save_pay_table(
        by=county_staff, scheme=scheme, effective_from=dt.date(2024, 1, 1), rates=rates(1, 27)
    )
    assert table.rates.count() == 27


def test_editing_a_table_replaces_its_rows(city_staff, scheme, pay_table):
    services.save_pay_table(
        by=city_staff,
        scheme=scheme,
        effective_from=dt.date(2024, 1, 1),
        rates=rates(per_level=200),
        table=pay_table,
    )
    assert pay_table.rates.get(level=1).monthly == D("2200")
    assert not pay_table.allowances.exists()
    assert ModelLogEntry.objects.filter(action="compensation.pay_table").count() == 2


# Placements --------------------------------------------------------------------------------------


def test_placing_a_worker(county_staff, placed_worker, posts):
    placement = placed_worker.placements.get()
    assert (placement.post, placement.level) == (posts["其他"], 2)
    lines, current = selectors.pay_history(placed_worker, today=TODAY)
    assert current.monthly == D("2300.00") and len(lines) == 1


@pytest.mark.parametrize(("post", "level"), [("其他", 13), ("正职", 6)])
def test_a_level_outside_the_post_is_refused(county_staff, worker, posts, pay_table, post, level):
    with pytest.raises(CompensationError, match="之间"):
        services.place_worker(
            by=county_staff, worker=worker, post=posts[post], level=level, effective_from=TODAY
        )


def test_placing_is_for_the_workers_own_staff(outsider, worker, posts):
    with pytest.raises(CompensationError):
        services.place_worker(
            by=outsider, worker=worker, post=posts["其他"], level=1, effective_from=TODAY
        )


def test_a_post_of_another_scheme_is_refused(county_staff, county, worker, posts):
    own = services.save_scheme(by=county_staff, federation=county, name="县级体系")
    with pytest.raises(CompensationError, match="不属于"):
        services.place_worker(
            by=county_staff, worker=worker, post=posts["其他"], level=1, effective_from=TODAY
        )
    assert own.posts.count() == 0


def test_one_placement_per_date(county_staff, placed_worker, posts):
    with pytest.raises(CompensationError, match="已有一条"):
        services.place_worker(
            by=county_staff,
            worker=placed_worker,
            post=posts["其他"],
            level=3,
            effective_from=placed_worker.hire_date,
        )


def test_the_suggested_level_reads_the_record(worker, posts):
    worker.qualification = "assistant"
    confirmed_grade(worker, 2024, Grade.EXCELLENT)
    confirmed_grade(worker, 2025, Grade.EXCELLENT)
    breakdown = selectors.suggested_level(worker, posts["其他"], dt.date(2027, 3, 1))
    # 1 + (bachelor 3 + 3 years) // 3 + early 1 + assistant 1
    assert breakdown.level == 5


# The step run ------------------------------------------------------------------------------------


@pytest.fixture
def veteran(county_staff, county, unit, posts, pay_table):
    """Hired 2019-01-01 with a bachelor's degree, placed at 其他 2; 2021 was 基本合格."""
    worker = WorkerFactory(federation=county, hire_date=dt.date(2019, 1, 1), name="老王")
    services.place_worker(
        by=county_staff, worker=worker, post=posts["其他"], level=2, effective_from=worker.hire_date
    )
    confirmed_grade(worker, 2021, Grade.BASIC)
    confirmed_grade(worker, 2024, Grade.EXCELLENT)
    confirmed_grade(worker, 2025, Grade.EXCELLENT)
    return worker


def test_the_step_run_proposes_from_the_record(county_staff, county, veteran, placed_worker):
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    proposal = run.proposals.get()  # placed_worker's record gives no higher level yet
    # 1 + (3 + 7 - 1) // 3 + 1 early = 5
    assert (proposal.worker, proposal.from_level, proposal.to_level) == (veteran, 2, 5)
    assert any("2021" in reason for reason in proposal.reasons)
    assert veteran.placements.count() == 1  # nothing changes until staff confirm


def test_confirming_and_rejecting(county_staff, county, veteran, unit, posts):
    other = WorkerFactory(federation=county, hire_date=dt.date(2015, 1, 1))
    services.place_worker(
        by=county_staff, worker=other, post=posts["其他"], level=1, effective_from=other.hire_date
    )
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    mine, theirs = run.proposals.get(worker=veteran), run.proposals.get(worker=other)
    placements = services.decide_proposals(
        by=county_staff, run=run, confirm=[mine.pk], reject=[theirs.pk]
    )
    assert [(p.worker, p.level, p.reason) for p in placements] == [
        (veteran, 5, PlacementReason.STEP)
    ]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (ProposalState.CONFIRMED, ProposalState.REJECTED)
    assert mine.placement.note.startswith("岗位起始级")
    assert not other.placements.filter(effective_from=dt.date(2026, 1, 1)).exists()
    # Decided proposals stay decided when the run is refreshed.
    services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    assert run.proposals.count() == 2
    with pytest.raises(CompensationError, match="已处理"):
        services.decide_proposals(by=county_staff, run=run, confirm=[mine.pk])


def test_a_proposal_made_stale_is_refused(county_staff, county, veteran, posts):
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    services.place_worker(
        by=county_staff,
        worker=veteran,
        post=posts["其他"],
        level=4,
        effective_from=dt.date(2025, 6, 1),
        reason=PlacementReason.ADJUST,
    )
    with pytest.raises(CompensationError, match="重新生成"):
        services.decide_proposals(by=county_staff, run=run, confirm=[run.proposals.get().pk])
    assert veteran.placements.count() == 2


def test_the_step_run_is_for_the_federations_staff(outsider, county, veteran):
    with pytest.raises(CompensationError):
        services.propose_steps(
            by=outsider, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
        )


# Floors ------------------------------------------------------------------------------------------


def test_the_floor_check(county_staff, city_staff, county, city, floor, placed_worker, posts, unit):
    at_floor = WorkerFactory(federation=county, name="持平")
    services.place_worker(
        by=county_staff, worker=at_floor, post=posts["其他"], level=1, effective_from=TODAY
    )
    WorkerFactory(federation=county, name="未定级")
    WorkerFactory(federation=county, name="兼职", employment_mode="part_time")
    # 2,150 for level 1 is above 2,100; raise the pay table so level 1 pays exactly 2,100.
    services.save_pay_table(
        by=city_staff,
        scheme=posts["其他"].scheme,
        effective_from=dt.date(2026, 6, 1),
        rates=rates(base=1950),
    )
    report = selectors.floor_check([city.path], on=TODAY)
    statuses = {row.name: row.status for row in report.rows}
    assert statuses == {
        placed_worker.name: FloorStatus.ABOVE,
        "持平": FloorStatus.BELOW,  # equal is a violation
        "未定级": FloorStatus.UNPLACED,
    }


def test_a_raised_floor_flags_workers_before_it_takes_effect(
    city_staff, city, floor, placed_worker
):
    services.save_minimum_wage(
        by=city_staff, tier=1, monthly=D("2300"), effective_from=dt.date(2026, 10, 1)
    )
    row = selectors.floor_check([city.path], on=TODAY).rows[0]
    assert row.status == FloorStatus.WILL_FALL
    assert (row.next_floor, row.next_from) == (D("2300"), dt.date(2026, 10, 1))
    row = selectors.floor_check([city.path], on=dt.date(2026, 10, 1)).rows[0]
    assert (row.status, row.floor) == (FloorStatus.BELOW, D("2300"))


def test_a_county_without_a_tier_is_flagged(city, placed_worker):
    assert selectors.floor_check([city.path], on=TODAY).rows[0].status == FloorStatus.NO_FLOOR


def test_a_subtree_takes_its_nearest_tier(city_staff, county_staff, park, floor, posts):
    worker = WorkerFactory(federation=park)
    services.place_worker(
        by=county_staff, worker=worker, post=posts["其他"], level=2, effective_from=worker.hire_date
    )
    assert selectors.floor_check([park.path], on=TODAY).rows[0].tier == 1
    services.assign_tier(
        by=county_staff, federation=park, tier=2, effective_from=dt.date(2026, 1, 1)
    )
    assert selectors.floor_check([park.path], on=TODAY).rows[0].tier == 2


def test_only_the_city_keeps_the_wage_table(county_staff):
    with pytest.raises(CompensationError, match="市总工会"):
        services.save_minimum_wage(
            by=county_staff, tier=1, monthly=D("2100"), effective_from=dt.date(2026, 1, 1)
        )


def test_a_county_does_not_set_its_own_tier(county_staff, county):
    with pytest.raises(CompensationError, match="上级"):
        services.assign_tier(by=county_staff, federation=county, tier=3, effective_from=TODAY)


# Insurance and subsidies -------------------------------------------------------------------------


def test_insurance_gaps(county_staff, county, city, worker):
    services.record_insurance(by=county_staff, worker=worker, year=2026, months=[1, 2, 3, 5])
    gaps = selectors.insurance_gaps([city.path], year=2026, today=TODAY)
    assert [(gap.name, gap.missing) for gap in gaps] == [(worker.name, [4])]
    services.record_insurance(by=county_staff, worker=worker, year=2026, months=[1, 2, 3, 4, 5])
    assert selectors.insurance_gaps([city.path], year=2026, today=TODAY) == []
    # Hired 2024-03-01: January and February 2024 are not due.
    gaps = selectors.insurance_gaps([city.path], year=2024, today=TODAY)
    assert gaps[0].missing == list(range(3, 13))


def test_insurance_months_are_checked(county_staff, worker):
    with pytest.raises(CompensationError):
        services.record_insurance(by=county_staff, worker=worker, year=2026, months=[13])


def test_work_subsidies_follow_the_grade(city_staff, county, scheme, unit):
    services.set_subsidies(
        by=city_staff,
        scheme=scheme,
        effective_from=dt.date(2024, 1, 1),
        yearly={Grade.EXCELLENT: D("3600"), Grade.PASS: D("2400")},
    )
    good = WorkerFactory(federation=county, employment_mode="part_time", name="甲")
    WorkerFactory(federation=county, employment_mode="part_time", name="乙")
    confirmed_grade(good, 2025, Grade.EXCELLENT)
    lines = selectors.work_subsidies(county, year=2025)
    assert [(line.name, line.yearly) for line in lines] == [("乙", D("0.00")), ("甲", D("3600.00"))]


def test_the_citys_extra_for_public_welfare_posts(county, unit):
    WorkerFactory.create_batch(3, federation=county, employment_mode="public_welfare")
    WorkerFactory(federation=county)
    assert selectors.city_subsidy_due(county, year=2026) == (3, D("1500.00"))


# Funds -------------------------------------------------------------------------------------------


def test_charging_within_the_budget(county_staff, source, worker):
    services.charge(
        by=county_staff,
        source=source,
        use=Use.PAY,
        amount=D("9000"),
        spent_on=TODAY,
        worker=worker,
    )
    with pytest.raises(CompensationError, match="1000.00"):
        services.charge(
            by=county_staff, source=source, use=Use.PAY, amount=D("1000.01"), spent_on=TODAY
        )
    assert Spending.objects.count() == 1
    line = selectors.ledger(source.federation.fund_sources.all()).lines[0]
    assert (line.spent, line.left, line.workers) == (D("9000"), D("1000"), 1)
    assert line.by_use[Use.PAY] == D("9000")


def test_a_voided_spending_frees_its_amount(county_staff, source):
    spending = services.charge(
        by=county_staff, source=source, use=Use.TRAINING, amount=D("10000"), spent_on=TODAY
    )
    services.void_spending(by=county_staff, spending=spending, reason="重复登记")
    assert selectors.spent_of(source) == 0
    with pytest.raises(CompensationError, match="已作废"):
        services.void_spending(by=county_staff, spending=spending, reason="again")
    with pytest.raises(CompensationError, match="原因"):
        services.void_spending(by=county_staff, spending=spending, reason=" ")


def test_a_budget_cannot_drop_below_spending(county_staff, county, source):
    services.charge(by=county_staff, source=source, use=Use.PAY, amount=D("6000"), spent_on=TODAY)
    with pytest.raises(CompensationError, match="6000"):
        services.save_fund_source(
            by=county_staff,
            federation=county,
            year=2026,
            kind=Source.COUNTY_BUDGET,
            budget=D("5999.99"),
        )
    services.save_fund_source(
        by=county_staff, federation=county, year=2026, kind=Source.COUNTY_BUDGET, budget=D("6000")
    )
    source.refresh_from_db()
    assert source.budget == D("6000")
    assert ModelLogEntry.objects.filter(action="compensation.budget").count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"spent_on": dt.date(2025, 12, 31)}, "年度"),
        ({"use": "cake"}, "用途"),
    ],
)
def test_bad_charges_are_refused(county_staff, source, changes, message):
    values = {"use": Use.PAY, "amount": D("10"), "spent_on": TODAY, **changes}
    with pytest.raises(CompensationError, match=message):
        services.charge(by=county_staff, source=source, **values)


def test_a_charge_for_another_countys_worker_is_refused(county_staff, source, other_worker):
    with pytest.raises(CompensationError, match="不属于"):
        services.charge(
            by=county_staff,
            source=source,
            use=Use.PAY,
            amount=D("10"),
            spent_on=TODAY,
            worker=other_worker,
        )


def test_funds_are_for_the_countys_staff(outsider, source, park, county_staff):
    with pytest.raises(CompensationError):
        services.charge(by=outsider, source=source, use=Use.PAY, amount=D("1"), spent_on=TODAY)
    with pytest.raises(CompensationError, match="县级"):
        services.save_fund_source(
            by=county_staff, federation=park, year=2026, kind=Source.EMPLOYER, budget=D("1")
        )


# Self-inspection ---------------------------------------------------------------------------------


@pytest.fixture
def report(county_staff, county):
    return services.start_report(by=county_staff, federation=county, year=2026)


def test_a_report_is_submitted_with_frozen_figures(
    county_staff,
    city_staff,
    report,
    placed_worker,
    source,
    floor,
    django_capture_on_commit_callbacks,
):
    city_staff.email = "city@example.com"
    city_staff.save()
    with pytest.raises(CompensationError, match="说明"):
        services.submit_report(by=county_staff, report=report, today=TODAY)
    services.save_report_text(
        by=county_staff, report=report, remarks="总体规范。", corrective_actions="无"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(by=county_staff, report=report, today=TODAY)
    assert report.state == ReportState.SUBMITTED
    assert report.figures["workers"]["total"] == 1
    assert report.figures["pay"]["above"] == 1
    assert report.figures["funds"]["budget"] == "10000.00"
    assert mail.outbox[-1].bcc == ["city@example.com"]
    with pytest.raises(CompensationError, match="不能修改"):
        services.save_report_text(
            by=county_staff, report=report, remarks="x", corrective_actions=""
        )


def test_the_city_reviews_a_report(county_staff, city_staff, report):
    services.save_report_text(by=county_staff, report=report, remarks="说明", corrective_actions="")
    with pytest.raises(CompensationError, match="已报送"):
        services.review_report(by=city_staff, report=report, accept=True)
    services.submit_report(by=county_staff, report=report, today=TODAY)
    with pytest.raises(CompensationError, match="上级"):
        services.review_report(by=county_staff, report=report, accept=True)
    with pytest.raises(CompensationError, match="意见"):
        services.review_report(by=city_staff, report=report, accept=False)
    report = services.review_report(by=city_staff, report=report, accept=False, comment="补充经费")
    assert report.state == ReportState.RETURNED
    services.save_report_text(
        by=county_staff, report=report, remarks="已补充", corrective_actions=""
    )
    services.submit_report(by=county_staff, report=report, today=TODAY)
    report = services.review_report(by=city_staff, report=report, accept=True)
    assert report.state == ReportState.ACKNOWLEDGED


def test_one_report_per_county_and_year(county_staff, county, report, park):
    assert services.start_report(by=county_staff, federation=county, year=2026) == report
    with pytest.raises(CompensationError, match="县级"):
        services.start_report(by=county_staff, federation=park, year=2026)


def test_the_figures_count_violations(county_staff, county, floor, placed_worker, posts):
    with time_machine.travel(dt.datetime(2026, 6, 15, 9), tick=False):
        figures = services.inspection.gather(county, year=2026, today=TODAY)
    assert figures["violations"]["insurance"] == 1  # nothing recorded for 2026
    assert figures["violations"]["below_floor"] == 0
    assert figures["workers"]["hiring"] == {"open": 1, "purchased": 0, "part_time": 0}


def test_every_change_is_audited(county_staff, source, placed_worker):
    services.charge(by=county_staff, source=source, use=Use.PAY, amount=D("1"), spent_on=TODAY)
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"compensation.budget", "compensation.charge", "compensation.place"} <= actions
