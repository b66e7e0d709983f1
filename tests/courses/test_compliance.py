"""Table tests of the three training rules (DOMAIN.md "Training"); no database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from courses.compliance import (
    Completion,
    Evidence,
    Rule,
    Status,
    StatusCounts,
    WorkerFacts,
    add_months,
    annual_status,
    assess,
    onboarding_deadline,
    onboarding_status,
    qualifies_as_rotation,
    rotation_status,
)
from workforce.policy import Policy

POLICY = Policy()
d = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2024, 3, 1), 24, d(2026, 3, 1)),
        (d(2024, 2, 29), 24, d(2026, 2, 28)),  # leap day to a common year
        (d(2022, 2, 28), 24, d(2024, 2, 28)),  # stays the 28th even in a leap year
        (d(2023, 8, 31), 24, d(2025, 8, 31)),
        (d(2023, 8, 31), 6, d(2024, 2, 29)),  # month end clamped, leap year
        (d(2023, 8, 31), 18, d(2025, 2, 28)),
        (d(2023, 12, 31), 24, d(2025, 12, 31)),
        (d(2024, 1, 31), 1, d(2024, 2, 29)),
        (d(2025, 11, 30), 3, d(2026, 2, 28)),
        (d(2025, 5, 15), -24, d(2023, 5, 15)),
    ],
)
def test_add_months_keeps_to_month_ends(day, months, expected):
    assert add_months(day, months) == expected


# -- annual: §四.三 "每年业务培训时间不少于1周" = 40 credited hours per calendar year (DOMAIN.md)

HIRED_LONG_AGO = d(2020, 5, 1)


@pytest.mark.parametrize(
    ("hours", "previous", "hire", "today", "status", "due"),
    [
        # the policy's example: 5 days × 8 h = 40 h is enough
        (D(40), D(40), HIRED_LONG_AGO, d(2026, 6, 1), Status.MET, d(2026, 12, 31)),
        (D("40.0"), D(0), HIRED_LONG_AGO, d(2026, 1, 10), Status.MET, d(2026, 12, 31)),
        (D(56), D(40), HIRED_LONG_AGO, d(2026, 12, 31), Status.MET, d(2026, 12, 31)),
        # just short
        (D("39.5"), D(40), HIRED_LONG_AGO, d(2026, 6, 1), Status.IN_PROGRESS, d(2026, 12, 31)),
        # due soon: 31 December at most 60 days away (1 November is exactly 60 days)
        (D(12), D(40), HIRED_LONG_AGO, d(2026, 10, 31), Status.IN_PROGRESS, d(2026, 12, 31)),
        (D(12), D(40), HIRED_LONG_AGO, d(2026, 11, 1), Status.DUE_SOON, d(2026, 12, 31)),
        (D(12), D(40), HIRED_LONG_AGO, d(2024, 11, 1), Status.DUE_SOON, d(2024, 12, 31)),  # leap
        (D(39), D(40), HIRED_LONG_AGO, d(2026, 12, 31), Status.DUE_SOON, d(2026, 12, 31)),
        # last year ended short: overdue until this year's hours are in
        (D(0), D(39), HIRED_LONG_AGO, d(2026, 1, 1), Status.OVERDUE, d(2025, 12, 31)),
        (D(16), D(8), HIRED_LONG_AGO, d(2026, 7, 1), Status.OVERDUE, d(2025, 12, 31)),
        (D(40), D(8), HIRED_LONG_AGO, d(2026, 7, 1), Status.MET, d(2026, 12, 31)),
        # hired on last year's last day: that year counted (not prorated)
        (D(0), D(0), d(2025, 12, 31), d(2026, 2, 1), Status.OVERDUE, d(2025, 12, 31)),
        # hired this year: last year is not owed
        (D(0), D(0), d(2026, 1, 1), d(2026, 2, 1), Status.IN_PROGRESS, d(2026, 12, 31)),
        (D(0), D(0), d(2026, 11, 20), d(2026, 11, 25), Status.DUE_SOON, d(2026, 12, 31)),
    ],
)
def test_annual_status(hours, previous, hire, today, status, due):
    result = annual_status(
        hours=hours, previous_hours=previous, hire_date=hire, today=today, policy=POLICY
    )
    assert (result.rule, result.status, result.due_date) == (Rule.ANNUAL, status, due)
    assert result.hours == hours
    assert result.required_hours == 40
    assert result.days_left == (due - today).days


def test_annual_status_uses_the_policy_parameters():
    policy = Policy(annual_training_hours=24, due_soon_days=30)
    met = annual_status(
        hours=D(24), previous_hours=D(24), hire_date=HIRED_LONG_AGO, today=d(2026, 3, 1),
        policy=policy,
    )  # fmt: skip
    assert met.status is Status.MET and met.required_hours == 24
    not_yet = annual_status(
        hours=D(0), previous_hours=D(24), hire_date=HIRED_LONG_AGO, today=d(2026, 11, 20),
        policy=policy,
    )  # fmt: skip
    assert not_yet.status is Status.IN_PROGRESS  # 41 days left > 30


def test_annual_evidence_is_kept_in_date_order():
    late = Evidence(2, "集体协商实务", D(8), d(2026, 5, 1))
    early = Evidence(1, "工会法律法规与职工维权实务", D(16), d(2026, 3, 1))
    result = annual_status(
        hours=D(24), previous_hours=D(40), hire_date=HIRED_LONG_AGO, today=d(2026, 6, 1),
        policy=POLICY, evidence=[late, early],
    )  # fmt: skip
    assert result.evidence == (early, late)


# -- rotation: §四.三 "每2年应安排1次为期1月的业务轮训"


def rotation(session_id, completed_on, days=20, hours=D(160)):
    return Completion(session_id, f"岗位轮训班{session_id}", completed_on, days, hours)


@pytest.mark.parametrize(
    ("days", "hours", "qualifies"),
    [
        (20, D(0), True),  # 20 training days
        (19, D("159.5"), False),
        (19, D(160), True),  # or 160 credited hours
        (5, D(40), False),  # a one-week course is not "为期1月"
    ],
)
def test_a_rotation_must_last_one_month(days, hours, qualifies):
    assert qualifies_as_rotation(rotation(1, d(2025, 6, 30), days, hours), POLICY) is qualifies


@pytest.mark.parametrize(
    ("hire", "completions", "today", "status", "due"),
    [
        # none yet: hire date + 24 months
        (d(2025, 3, 1), [], d(2025, 9, 1), Status.IN_PROGRESS, d(2027, 3, 1)),
        (d(2024, 3, 1), [], d(2026, 1, 1), Status.DUE_SOON, d(2026, 3, 1)),  # 59 days
        (d(2024, 3, 1), [], d(2026, 3, 1), Status.DUE_SOON, d(2026, 3, 1)),  # the due day
        (d(2024, 3, 1), [], d(2026, 3, 2), Status.OVERDUE, d(2026, 3, 1)),
        # hire dates on month ends
        (d(2024, 2, 29), [], d(2026, 3, 1), Status.OVERDUE, d(2026, 2, 28)),
        (d(2024, 2, 29), [], d(2026, 2, 28), Status.DUE_SOON, d(2026, 2, 28)),
        (d(2023, 12, 31), [], d(2025, 6, 1), Status.IN_PROGRESS, d(2025, 12, 31)),
        # the last qualifying completion + 24 months
        (d(2019, 1, 1), [rotation(1, d(2025, 6, 30))], d(2026, 6, 1), Status.MET, d(2027, 6, 30)),
        (
            d(2019, 1, 1),
            [rotation(1, d(2023, 5, 31)), rotation(2, d(2025, 6, 30))],
            d(2026, 6, 1),
            Status.MET,
            d(2027, 6, 30),
        ),
        (
            d(2019, 1, 1),
            [rotation(1, d(2024, 6, 30))],
            d(2026, 5, 1),
            Status.DUE_SOON,
            d(2026, 6, 30),
        ),
        (
            d(2019, 1, 1),
            [rotation(1, d(2024, 6, 30))],
            d(2026, 7, 1),
            Status.OVERDUE,
            d(2026, 6, 30),
        ),
        # completed on the very day the previous one fell due: a new 24 months from that day
        (
            d(2019, 1, 1),
            [rotation(1, d(2023, 9, 15)), rotation(2, d(2025, 9, 15))],
            d(2025, 9, 16),
            Status.MET,
            d(2027, 9, 15),
        ),
        # a short rotation course does not count: back to the older one
        (
            d(2019, 1, 1),
            [rotation(1, d(2024, 1, 10)), rotation(2, d(2025, 11, 20), days=5, hours=D(40))],
            d(2026, 2, 1),
            Status.OVERDUE,
            d(2026, 1, 10),
        ),
    ],
)
def test_rotation_status(hire, completions, today, status, due):
    result = rotation_status(hire_date=hire, completions=completions, today=today, policy=POLICY)
    assert (result.rule, result.status, result.due_date) == (Rule.ROTATION, status, due)


def test_rotation_evidence_lists_qualifying_sessions_newest_first():
    old, new, short = (
        rotation(1, d(2022, 6, 30)),
        rotation(2, d(2024, 6, 30)),
        rotation(3, d(2025, 6, 30), days=3, hours=D(24)),
    )
    result = rotation_status(
        hire_date=d(2019, 1, 1), completions=[old, short, new], today=d(2025, 7, 1), policy=POLICY
    )
    assert [e.session_id for e in result.evidence] == [2, 1]
    assert result.evidence[0].on == d(2024, 6, 30)
    assert result.evidence[0].title == "岗位轮训班2"


def test_rotation_uses_the_policy_parameters():
    policy = Policy(rotation_interval_months=12, rotation_min_days=10, rotation_min_hours=80)
    result = rotation_status(
        hire_date=d(2019, 1, 1),
        completions=[rotation(1, d(2025, 8, 31), days=10, hours=D(0))],
        today=d(2025, 9, 1),
        policy=policy,
    )
    assert (result.status, result.due_date) == (Status.MET, d(2026, 8, 31))


# -- onboarding (DOMAIN.md, not the policy text: before posting, or within 90 days of hire)


def onboarding(session_id, completed_on):
    return Completion(session_id, "新任社会化工会工作者上岗培训", completed_on, 5, D(40))


@pytest.mark.parametrize(
    ("hire", "posted", "expected"),
    [
        (d(2026, 1, 1), None, d(2026, 4, 1)),  # 90 days, common year
        (d(2023, 12, 31), None, d(2024, 3, 30)),  # 90 days across a leap February
        (d(2022, 12, 31), None, d(2023, 3, 31)),
        (d(2026, 1, 1), d(2026, 1, 15), d(2026, 4, 1)),  # posted early: still 90 days
        (d(2026, 1, 1), d(2026, 6, 1), d(2026, 6, 1)),  # posted late: before posting counts
    ],
)
def test_onboarding_deadline(hire, posted, expected):
    assert onboarding_deadline(hire, posted, POLICY) == expected


@pytest.mark.parametrize(
    ("hire", "posted", "completions", "today", "status", "late"),
    [
        (d(2026, 1, 1), None, [], d(2026, 1, 20), Status.IN_PROGRESS, False),
        (d(2026, 1, 1), None, [], d(2026, 1, 30), Status.IN_PROGRESS, False),  # 61 days left
        (d(2026, 1, 1), None, [], d(2026, 1, 31), Status.DUE_SOON, False),  # 60 days left
        (d(2026, 1, 1), None, [], d(2026, 2, 1), Status.DUE_SOON, False),  # 59 days left
        (d(2026, 1, 1), None, [], d(2026, 4, 1), Status.DUE_SOON, False),  # the 90th day
        (d(2026, 1, 1), None, [], d(2026, 4, 2), Status.OVERDUE, False),
        (d(2026, 1, 1), d(2026, 1, 9), [onboarding(1, d(2026, 4, 1))], d(2026, 5, 1), Status.MET,
         False),
        (d(2026, 1, 1), None, [onboarding(1, d(2026, 4, 2))], d(2026, 5, 1), Status.MET, True),
        # completed before posting, even though past 90 days
        (d(2026, 1, 1), d(2026, 6, 1), [onboarding(1, d(2026, 5, 20))], d(2026, 7, 1), Status.MET,
         False),
        # completed before hire (trained while recruited) counts
        (d(2026, 1, 1), None, [onboarding(1, d(2025, 12, 20))], d(2026, 7, 1), Status.MET, False),
        # hired years ago without any onboarding on record
        (d(2019, 3, 1), d(2019, 3, 5), [], d(2026, 1, 1), Status.OVERDUE, False),
    ],
)  # fmt: skip
def test_onboarding_status(hire, posted, completions, today, status, late):
    result = onboarding_status(
        hire_date=hire, first_posting=posted, completions=completions, today=today, policy=POLICY
    )
    assert (result.rule, result.status, result.late) == (Rule.ONBOARDING, status, late)
    assert result.due_date == onboarding_deadline(hire, posted, POLICY)
    assert [e.session_id for e in result.evidence] == [c.session_id for c in completions]


def test_onboarding_evidence_starts_with_the_first_completion():
    result = onboarding_status(
        hire_date=d(2026, 1, 1),
        first_posting=None,
        completions=[onboarding(7, d(2026, 8, 1)), onboarding(3, d(2026, 2, 1))],
        today=d(2026, 9, 1),
        policy=POLICY,
    )
    assert [e.session_id for e in result.evidence] == [3, 7]
    assert result.late is False


def test_assess_and_count():
    facts = WorkerFacts(
        worker_id=5,
        hire_date=d(2024, 3, 1),
        first_posting=d(2024, 3, 10),
        hours=D(12),
        previous_hours=D(48),
        rotations=(),
        onboardings=(onboarding(1, d(2024, 4, 1)),),
    )
    compliance = assess(facts, today=d(2026, 1, 5), policy=POLICY)
    assert compliance.annual.status is Status.IN_PROGRESS
    assert compliance.rotation.status is Status.DUE_SOON  # 2026-03-01 is 55 days away
    assert compliance.onboarding.status is Status.MET
    assert compliance.attention == (compliance.rotation,)
    assert compliance.result(Rule.ROTATION) is compliance.rotation

    counts = StatusCounts()
    counts.add(compliance)
    counts.add(assess(facts, today=d(2026, 3, 2), policy=POLICY))
    assert counts.workers == 2
    assert counts.get(Rule.ROTATION, Status.DUE_SOON) == 1
    assert counts.get(Rule.ROTATION, Status.OVERDUE) == 1
    assert counts.get(Rule.ONBOARDING, Status.MET) == 2
    assert sum(counts.counts[Rule.ANNUAL].values()) == 2


def test_results_read_as_one_line_for_reminders():
    overdue = annual_status(
        hours=D("7.5"), previous_hours=D(8), hire_date=HIRED_LONG_AGO, today=d(2026, 3, 1),
        policy=POLICY,
    )  # fmt: skip
    assert (
        str(overdue)
        == "年度培训学时：已逾期（2025年未满 40 学时，截止 2025-12-31；本年已认定 7.5 学时）"
    )
    soon = annual_status(
        hours=D("32.0"), previous_hours=D(40), hire_date=HIRED_LONG_AGO, today=d(2026, 12, 1),
        policy=POLICY,
    )  # fmt: skip
    assert str(soon) == "年度培训学时：即将到期（本年已认定 32 / 40 学时，截止 2026-12-31）"
    rotation_due = rotation_status(
        hire_date=d(2024, 3, 1), completions=[], today=d(2026, 3, 2), policy=POLICY
    )
    assert str(rotation_due) == "岗位轮训：已逾期（截止 2026-03-01）"
