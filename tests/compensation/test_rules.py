"""Table tests of the pure pay and funds rules, with DOMAIN.md's 三岗十八级 numbers."""

import datetime as dt
from decimal import Decimal

import pytest

from compensation import rules
from compensation.rules import BASIC, EXCELLENT, FAIL, PASS

D = Decimal
ZHENG = rules.PostRange("正职", 7, 18)
QITA = rules.PostRange("其他", 1, 12)
ON = dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("start", "on", "years"),
    [
        (dt.date(2020, 3, 1), dt.date(2023, 2, 28), 2),
        (dt.date(2020, 3, 1), dt.date(2023, 3, 1), 3),
        (dt.date(2020, 3, 1), dt.date(2020, 1, 1), 0),
        (dt.date(2020, 2, 29), dt.date(2021, 2, 28), 0),
        (dt.date(2020, 2, 29), dt.date(2021, 3, 1), 1),
    ],
)
def test_completed_years(start, on, years):
    assert rules.completed_years(start, on) == years


@pytest.mark.parametrize(
    ("grades", "steps", "years"),
    [
        ({}, 0, []),
        ({2020: EXCELLENT}, 0, []),
        ({2020: EXCELLENT, 2021: EXCELLENT}, 1, [2021]),
        # A year counts towards one step only.
        ({2020: EXCELLENT, 2021: EXCELLENT, 2022: EXCELLENT}, 1, [2021]),
        ({2020: EXCELLENT, 2021: EXCELLENT, 2022: EXCELLENT, 2023: EXCELLENT}, 2, [2021, 2023]),
        # At most twice.
        ({year: EXCELLENT for year in range(2018, 2026)}, 2, [2019, 2021]),
        # Successive: a gap or a lower grade breaks the run.
        ({2020: EXCELLENT, 2022: EXCELLENT}, 0, []),
        ({2020: EXCELLENT, 2021: PASS, 2022: EXCELLENT}, 0, []),
        ({2020: PASS, 2021: EXCELLENT, 2022: EXCELLENT}, 1, [2022]),
    ],
)
def test_early_steps(grades, steps, years):
    assert rules.early_steps(grades, run=2, limit=2) == (steps, years)


def test_early_steps_follow_the_scheme():
    grades = {2020: EXCELLENT, 2021: EXCELLENT, 2022: EXCELLENT}
    assert rules.early_steps(grades, run=3, limit=2) == (1, [2022])
    assert rules.early_steps(grades, run=2, limit=0) == (0, [])


@pytest.mark.parametrize(
    ("post", "education", "qualification", "hired", "grades", "level"),
    [
        # Starting level from the post; a high-school worker on day one.
        (QITA, "high_school", "none", dt.date(2027, 1, 1), {}, 1),
        (ZHENG, "high_school", "none", dt.date(2027, 1, 1), {}, 7),
        # Education counted as service: bachelor 3 (one step), master 5, doctorate 7 (two).
        (QITA, "bachelor", "none", dt.date(2027, 1, 1), {}, 2),
        (QITA, "master", "none", dt.date(2027, 1, 1), {}, 2),
        (QITA, "doctorate", "none", dt.date(2027, 1, 1), {}, 3),
        # Master 5 + 1 year of service = 6: two steps.
        (QITA, "master", "none", dt.date(2026, 1, 1), {}, 3),
        # One level every 3 years of service with passing grades.
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {}, 2),
        (QITA, "high_school", "none", dt.date(2024, 1, 2), {}, 1),
        (QITA, "high_school", "none", dt.date(2021, 1, 1), {}, 3),
        # A year below 合格 does not count; a year without a grade does.
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {2025: BASIC}, 1),
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {2024: FAIL}, 1),
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {2024: PASS, 2025: PASS}, 2),
        # A grade from before the service does not take a year away.
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {2023: FAIL}, 2),
        # Two successive 优秀 years: one early step.
        (QITA, "high_school", "none", dt.date(2024, 1, 1), {2025: EXCELLENT, 2026: EXCELLENT}, 3),
        # A qualification adds 1 / 2 / 3 levels (the worker's highest only).
        (QITA, "high_school", "assistant", dt.date(2027, 1, 1), {}, 2),
        (QITA, "high_school", "social_worker", dt.date(2027, 1, 1), {}, 3),
        (QITA, "high_school", "senior", dt.date(2027, 1, 1), {}, 4),
        # Capped at the post's top level.
        (QITA, "doctorate", "senior", dt.date(1990, 1, 1), {}, 12),
        (ZHENG, "doctorate", "senior", dt.date(1990, 1, 1), {}, 18),
    ],
)
def test_placement_level(post, education, qualification, hired, grades, level):
    result = rules.placement_level(
        post=post,
        education=education,
        qualification=qualification,
        hire_date=hired,
        on=ON,
        grades=grades,
    )
    assert result.level == level


def test_placement_level_explains_each_part():
    result = rules.placement_level(
        post=ZHENG,
        education="bachelor",
        qualification="social_worker",
        hire_date=dt.date(2020, 1, 1),
        on=ON,
        grades={2022: BASIC, 2025: EXCELLENT, 2026: EXCELLENT},
    )
    # 7 + (3 + 7 - 1) // 3 + 1 + 2
    assert (result.start, result.service_years, result.counted_years) == (7, 7, 6)
    assert (result.steps, result.early_steps, result.qualification_levels) == (3, 1, 2)
    assert result.level == 13 and not result.capped
    assert len(result.reasons) == 6
    assert "2022" in result.reasons[2]


def test_placement_level_follows_the_scheme():
    scheme = rules.SchemeRules(
        years_per_step=2,
        education_years={"bachelor": 0},
        excellent_run=2,
        max_early_steps=1,
        qualification_levels={"senior": 1},
    )
    result = rules.placement_level(
        post=QITA,
        education="bachelor",
        qualification="senior",
        hire_date=dt.date(2023, 1, 1),
        on=ON,
        grades={2023: EXCELLENT, 2024: EXCELLENT, 2025: EXCELLENT, 2026: EXCELLENT},
        scheme=scheme,
    )
    assert result.level == 1 + 2 + 1 + 1


def test_a_capped_level_says_so():
    result = rules.placement_level(
        post=QITA,
        education="doctorate",
        qualification="senior",
        hire_date=dt.date(2000, 1, 1),
        on=ON,
        grades={},
    )
    assert result.capped and result.level == 12 and "12" in result.reasons[-1]


@pytest.mark.parametrize(
    ("on", "value"),
    [
        (dt.date(2023, 12, 31), None),
        (dt.date(2024, 1, 1), "a"),
        (dt.date(2025, 6, 30), "a"),
        (dt.date(2025, 7, 1), "b"),
        (dt.date(2030, 1, 1), "b"),
    ],
)
def test_in_force(on, value):
    rows = [(dt.date(2025, 7, 1), "b"), (dt.date(2024, 1, 1), "a")]
    assert rules.in_force(rows, on) == value


def test_next_change():
    rows = [(dt.date(2025, 7, 1), "b"), (dt.date(2024, 1, 1), "a"), (dt.date(2027, 1, 1), "c")]
    assert rules.next_change(rows, dt.date(2025, 1, 1)) == (dt.date(2025, 7, 1), "b")
    assert rules.next_change(rows, dt.date(2027, 1, 1)) is None


@pytest.mark.parametrize(
    ("level", "qualification", "pay"),
    [
        (1, "none", D("2150.00")),
        (1, "social_worker", D("2350.00")),  # + 社会工作师 200
        (1, "senior", D("2150.00")),  # an allowance for exactly one qualification
        (2, "none", D("2300.00")),
        (9, "none", None),  # the table has no amount for the level
    ],
)
def test_monthly_pay(level, qualification, pay):
    rates = {1: D("2150"), 2: D("2300")}
    allowances = [("social_worker", D("200"))]
    assert rules.monthly_pay(level, rates, allowances, qualification=qualification) == pay


def test_an_allowance_for_everyone():
    rates = {1: D("2150")}
    allowances = [("", D("100.50")), ("assistant", D("100"))]
    assert rules.monthly_pay(1, rates, allowances, qualification="assistant") == D("2350.50")


@pytest.mark.parametrize(
    ("pay", "floor", "below"),
    [
        (D("2100.01"), D("2100"), False),
        (D("2100.00"), D("2100"), True),  # 应高于: equal is a violation
        (D("2099.99"), D("2100"), True),
        (D("3000"), D("2100"), False),
    ],
)
def test_below_floor(pay, floor, below):
    assert rules.below_floor(pay, floor) is below


@pytest.mark.parametrize(
    ("hired", "left", "today", "months"),
    [
        (dt.date(2020, 1, 1), None, dt.date(2027, 1, 1), list(range(1, 13))),
        # The current month is not over yet.
        (dt.date(2020, 1, 1), None, dt.date(2026, 4, 15), [1, 2, 3]),
        (dt.date(2020, 1, 1), None, dt.date(2026, 5, 1), [1, 2, 3, 4]),
        # Hired in the middle of March: March is due.
        (dt.date(2026, 3, 15), None, dt.date(2027, 1, 1), list(range(3, 13))),
        # Left on 10 August: August is due, September is not.
        (dt.date(2020, 1, 1), dt.date(2026, 8, 10), dt.date(2027, 1, 1), list(range(1, 9))),
        (dt.date(2027, 2, 1), None, dt.date(2027, 6, 1), []),
    ],
)
def test_due_months(hired, left, today, months):
    assert rules.due_months(2026, hired=hired, left=left, today=today) == months


@pytest.mark.parametrize(
    ("paid", "due", "missing"),
    [
        ([], [1, 2, 3], [1, 2, 3]),
        ([1, 2, 3], [1, 2, 3], []),
        ([1, 3], [1, 2, 3], [2]),
        ([12], [11, 12], [11]),
    ],
)
def test_missing_months(paid, due, missing):
    assert rules.missing_months(rules.months_bits(paid), due) == missing


@pytest.mark.parametrize(
    ("budget", "spent", "amount", "allowed"),
    [
        (D("1000"), D("0"), D("1000"), True),
        (D("1000"), D("400"), D("600.00"), True),
        (D("1000"), D("400"), D("600.01"), False),
        (D("1000"), D("1000"), D("0.01"), False),
        (D("1000"), D("0"), D("0"), False),
        (D("1000"), D("0"), D("-5"), False),
    ],
)
def test_may_charge(budget, spent, amount, allowed):
    assert bool(rules.may_charge(budget=budget, spent=spent, amount=amount)) is allowed


def test_a_refused_charge_says_what_is_left():
    decision = rules.may_charge(budget=D("1000"), spent=D("400"), amount=D("700"))
    assert "600" in decision.reason and "700" in decision.reason


@pytest.mark.parametrize(
    ("budget", "spent", "allowed"),
    [(D("500"), D("400"), True), (D("400"), D("400"), True), (D("399.99"), D("400"), False)],
)
def test_may_set_budget(budget, spent, allowed):
    assert bool(rules.may_set_budget(budget=budget, spent=spent)) is allowed


@pytest.mark.parametrize(
    ("grade", "amount"),
    [
        (EXCELLENT, D("3600.00")),
        (PASS, D("2400.00")),
        (BASIC, D("1200.00")),
        (FAIL, D("0.00")),  # no amount set for the grade
        (None, D("0.00")),  # no grade confirmed
    ],
)
def test_work_subsidy(grade, amount):
    yearly = {EXCELLENT: D("3600"), PASS: D("2400"), BASIC: D("1200")}
    assert rules.work_subsidy(grade, yearly) == amount


@pytest.mark.parametrize(
    ("workers", "per_person", "amount"),
    [(0, 500, D("0.00")), (1, 500, D("500.00")), (12, 500, D("6000.00")), (3, 800, D("2400.00"))],
)
def test_city_subsidy(workers, per_person, amount):
    assert rules.city_subsidy(workers, per_person) == amount
