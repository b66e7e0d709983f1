"""Table tests of awards/rules.py with DOMAIN.md's and the issue's numbers; no database."""

import datetime as dt

import chinese_calendar
import pytest

from awards.choices import Bound, Level
from awards.rules import (
    EligibilityFacts,
    check_allocation,
    check_constraints,
    check_place,
    full_years,
    ineligibility,
    may_approve,
    may_object,
    notice_window,
    reserved_places,
)
from evaluation.choices import Grade

E, P, B, F = Grade.EXCELLENT, Grade.PASS, Grade.BASIC, Grade.FAIL


@pytest.mark.parametrize(
    "total, percent, reserved",
    [(7, 10, 1), (10, 10, 1), (11, 10, 2), (20, 10, 2), (1, 10, 1), (100, 10, 10), (30, 15, 5),
     (5, 0, 0)],
)  # fmt: skip
def test_reserved_places_round_up(total, percent, reserved):
    assert reserved_places(total, percent) == reserved


@pytest.mark.parametrize(
    "reserved, elsewhere, places, held, ok",
    [(3, 0, 3, 0, True), (3, 1, 2, 0, True), (3, 2, 2, 0, False), (3, 0, 1, 2, False),
     (3, 0, 0, 0, False), (3, 1, 2, 2, True)],
)  # fmt: skip
def test_allocations_never_exceed_the_reserved_places(reserved, elsewhere, places, held, ok):
    decision = check_allocation(
        reserved=reserved, allocated_elsewhere=elsewhere, places=places, held=held
    )
    assert bool(decision) is ok


@pytest.mark.parametrize("places, held, ok", [(2, 1, True), (2, 2, False), (1, 0, True)])
def test_no_nomination_past_the_allocation(places, held, ok):
    assert bool(check_place(places=places, held=held)) is ok


XIAMEN = [("frontline", Bound.AT_LEAST, 60), ("unit_head", Bound.AT_MOST, 15),
          ("female", Bound.AT_LEAST, 20)]  # fmt: skip


@pytest.mark.parametrize(
    "nominees, passed, counts",
    [
        # 5 nominees: 3 frontline (60%), none unit heads, 1 woman (20%): all pass
        ([{"frontline"}, {"frontline"}, {"frontline", "female"}, set(), set()],
         [True, True, True], [3, 0, 1]),
        # 2 of 5 frontline (40%) fails; 1 of 5 unit heads (20%) fails the 15% ceiling
        ([{"frontline"}, {"frontline"}, {"unit_head"}, {"female"}, set()],
         [False, False, True], [2, 1, 1]),
        # an empty list meets no "at least" and every "at most"
        ([], [False, True, False], [0, 0, 0]),
    ],
)  # fmt: skip
def test_category_constraints_on_the_whole_list(nominees, passed, counts):
    checks = check_constraints(XIAMEN, nominees)
    assert [c.passed for c in checks] == passed
    assert [c.count for c in checks] == counts


def test_national_ratio_is_exact_at_the_boundary():
    # 产业工人 ≥ 35%: 7 of 20 is exactly 35%
    nominees = [{"industrial"}] * 7 + [set()] * 13
    [check] = check_constraints([("industrial", Bound.AT_LEAST, 35)], nominees)
    assert check.passed and check.share == 35.0
    [check] = check_constraints([("industrial", Bound.AT_LEAST, 35)], nominees[1:] + [set()])
    assert not check.passed


def _facts(**changes):
    values = dict(
        active=True,
        hire_date=dt.date(2020, 3, 1),
        grades={2023: P, 2024: P, 2025: E},
        honours=[],
        award_name="五一劳动奖章",
        award_level=Level.CITY,
        campaign_year=2026,
    )
    values.update(changes)
    return EligibilityFacts(**values)


@pytest.mark.parametrize(
    "changes, reasons",
    [
        ({}, []),
        ({"active": False}, ["已离职。"]),
        ({"hire_date": dt.date(2025, 3, 1)}, ["工作年限 1 年，不足 2 年。"]),
        ({"grades": {2023: F, 2024: P, 2025: P}}, ["近 3 年有不合格等次（2023 年）。"]),
        ({"grades": {2022: F, 2024: P, 2025: P}}, []),  # outside the last 3 years
        ({"grades": {2024: P}}, ["没有 2025 年度的考核等次。"]),
        ({"grades": {2025: B}}, ["2025 年度考核等次低于合格。"]),
        ({"honours": [("五一劳动奖章", Level.CITY)]}, ["已获得同级或更高级别的五一劳动奖章。"]),
        ({"honours": [("五一劳动奖章", Level.PROVINCIAL)]},
         ["已获得同级或更高级别的五一劳动奖章。"]),
        ({"honours": [("五一劳动奖章", Level.COUNTY)]}, []),  # a lower level does not bar
        ({"honours": [("优秀工会工作者", Level.NATIONAL)]}, []),  # another award
        ({"already_nominated": True}, ["已在本次评选中被推荐。"]),
    ],
)  # fmt: skip
def test_eligibility(changes, reasons):
    found = ineligibility(
        _facts(**changes), today=dt.date(2026, 4, 1), min_service_years=2, clean_grade_years=3
    )
    assert found == reasons


@pytest.mark.parametrize(
    "start, today, years",
    [(dt.date(2024, 4, 1), dt.date(2026, 4, 1), 2), (dt.date(2024, 4, 2), dt.date(2026, 4, 1), 1),
     (dt.date(2027, 1, 1), dt.date(2026, 4, 1), 0)],
)  # fmt: skip
def test_full_years(start, today, years):
    assert full_years(start, today) == years


@pytest.mark.parametrize(
    "start, days, window",
    [
        # an ordinary week: Monday 2026-06-08 to Friday 2026-06-12
        (dt.date(2026, 6, 8), 5, (dt.date(2026, 6, 8), dt.date(2026, 6, 12))),
        # 劳动节 2026: 5-1..5-5 off, Saturday 5-9 is a 调休 working day
        (dt.date(2026, 4, 29), 5, (dt.date(2026, 4, 29), dt.date(2026, 5, 8))),
        (dt.date(2026, 5, 6), 4, (dt.date(2026, 5, 6), dt.date(2026, 5, 9))),
        # 国庆节 2026 starting on the holiday: the window starts after it
        (dt.date(2026, 10, 1), 1, (dt.date(2026, 10, 8), dt.date(2026, 10, 8))),
        # a Saturday start moves to Monday; 端午节 (Friday 2026-06-19) is skipped
        (dt.date(2026, 6, 13), 5, (dt.date(2026, 6, 15), dt.date(2026, 6, 22))),
    ],
)  # fmt: skip
def test_notice_window_counts_china_working_days(start, days, window):
    assert notice_window(start, days, chinese_calendar.is_workday) == window


def test_notice_window_with_weekdays_alone_differs_around_a_holiday():
    weekdays = lambda day: day.weekday() < 5  # noqa: E731
    assert notice_window(dt.date(2026, 4, 29), 5, weekdays)[1] == dt.date(2026, 5, 5)


@pytest.mark.parametrize(
    "today, ok",
    [(dt.date(2026, 6, 7), False), (dt.date(2026, 6, 8), True), (dt.date(2026, 6, 12), True),
     (dt.date(2026, 6, 13), False)],
)  # fmt: skip
def test_objections_only_during_the_window(today, ok):
    decision = may_object(today=today, starts_on=dt.date(2026, 6, 8), ends_on=dt.date(2026, 6, 12))
    assert bool(decision) is ok


@pytest.mark.parametrize(
    "today, open_objections, ok",
    [(dt.date(2026, 6, 12), 0, False), (dt.date(2026, 6, 13), 1, False),
     (dt.date(2026, 6, 13), 0, True)],
)  # fmt: skip
def test_approval_waits_for_the_window_and_the_objections(today, open_objections, ok):
    decision = may_approve(
        today=today, ends_on=dt.date(2026, 6, 12), open_objections=open_objections
    )
    assert bool(decision) is ok
