"""The mentoring rules as tables: no database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from mentorship import rules
from mentorship.rules import Health, PairingFacts

D0 = dt.date(2030, 1, 1)


def facts(**changes) -> PairingFacts:
    base = dict(
        peer=False,
        mentor_active=True,
        mentor_worker_id=None,
        apprentice_id=7,
        apprentice_active=True,
        mentor_load=0,
        load_limit=3,
        apprentice_has_active_of_kind=False,
        months=12,
    )
    return PairingFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "allowed", "reason"),
    [
        ({}, True, ""),
        ({"mentor_load": 2}, True, ""),
        ({"mentor_load": 3}, False, "达到上限 3 名"),
        ({"mentor_load": 1, "load_limit": 1}, False, "达到上限 1 名"),
        ({"load_limit": 0}, False, "达到上限 0 名"),
        ({"mentor_worker_id": 7}, False, "不能与自己结对"),
        ({"apprentice_active": False}, False, "已离职"),
        ({"peer": True}, False, "两名社会化工会工作者"),
        ({"peer": True, "mentor_worker_id": 8}, True, ""),
        ({"mentor_active": False}, False, "暂停接收"),
        ({"apprentice_has_active_of_kind": True}, False, "同类结对"),
        ({"months": 2}, False, "3 至 24 个月"),
        ({"months": 3}, True, ""),
        ({"months": 24}, True, ""),
        ({"months": 25}, False, "3 至 24 个月"),
    ],
)
def test_may_start(changes, allowed, reason):
    decision = rules.may_start(facts(**changes))
    assert decision.allowed is allowed
    assert reason in decision.reason
    assert bool(decision) is allowed


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2030, 1, 1), 12, dt.date(2030, 12, 31)),
        (dt.date(2030, 1, 31), 1, dt.date(2030, 2, 27)),  # 28 Feb is the next term's first day
        (dt.date(2030, 3, 15), 3, dt.date(2030, 6, 14)),
        (dt.date(2032, 2, 29), 24, dt.date(2034, 2, 27)),
    ],
)
def test_term_end(start, months, end):
    assert rules.term_end(start, months) == end


@pytest.mark.parametrize(
    ("last", "today", "expected"),
    [
        (None, dt.date(2030, 1, 31), Health.ON_TRACK),  # 30 days from the start
        (None, dt.date(2030, 2, 1), Health.CHECKIN_OVERDUE),
        (dt.date(2030, 3, 1), dt.date(2030, 3, 31), Health.ON_TRACK),
        (dt.date(2030, 3, 1), dt.date(2030, 4, 1), Health.CHECKIN_OVERDUE),
        (dt.date(2029, 12, 1), dt.date(2030, 1, 20), Health.ON_TRACK),  # counts from the start
    ],
)
def test_checkin_health(last, today, expected):
    assert rules.health(start=D0, last_confirmed=last, days=30, today=today) == expected


@pytest.mark.parametrize(
    ("today", "submitted", "due"),
    [
        (dt.date(2030, 6, 1), set(), ()),
        (dt.date(2030, 7, 2), set(), ("mid",)),  # half of 2030-01-01..12-31
        (dt.date(2030, 7, 2), {"mid"}, ()),
        (dt.date(2030, 12, 1), {"mid"}, ("final",)),
        (dt.date(2030, 12, 1), set(), ("mid", "final")),
        (dt.date(2031, 1, 5), {"mid", "final"}, ()),
    ],
)
def test_reviews_due(today, submitted, due):
    end = dt.date(2030, 12, 31)
    assert rules.reviews_due(start=D0, end=end, today=today, submitted=submitted) == due


@pytest.mark.parametrize(
    ("finals", "today", "allowed", "reason"),
    [
        ({"mentor", "apprentice"}, dt.date(2030, 12, 31), True, ""),
        ({"mentor"}, dt.date(2030, 12, 31), False, "徒弟还没有提交"),
        ({"apprentice"}, dt.date(2030, 12, 31), False, "导师还没有提交"),
        (set(), dt.date(2030, 12, 31), False, "都还没有提交"),
        ({"mentor", "apprentice"}, dt.date(2029, 12, 1), False, "尚未开始"),
    ],
)
def test_may_complete(finals, today, allowed, reason):
    decision = rules.may_complete(final_reviews=finals, today=today, start=D0)
    assert decision.allowed is allowed and reason in decision.reason


@pytest.mark.parametrize(
    ("hours", "cap", "credited"),
    [
        (D("10"), 16, D("10")),
        (D("16"), 16, D("16")),
        (D("30.5"), 16, D("16")),
        (D("30"), 0, D("0")),
        (D("0"), 16, D("0")),
        (D("7.5"), 8, D("7.5")),
    ],
)
def test_credited_mentoring_hours(hours, cap, credited):
    assert rules.credited_mentoring_hours(hours, cap) == credited
