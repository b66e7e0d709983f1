"""The enrolment rules as tables: plain values in, a decision out; no database."""

import datetime as dt

import pytest

from courses import enrolment_rules as rules
from courses.enrolment_rules import Decision, Offer, SessionFacts, Slot, Window

OPENS = dt.datetime(2030, 2, 1, 9, tzinfo=dt.UTC)
CLOSES = dt.datetime(2030, 3, 1, 18, tzinfo=dt.UTC)
DEADLINE = dt.datetime(2030, 3, 3, 18, tzinfo=dt.UTC)
BEFORE = OPENS - dt.timedelta(minutes=1)
DURING = dt.datetime(2030, 2, 15, 12, tzinfo=dt.UTC)
AFTER = CLOSES + dt.timedelta(minutes=1)
LATE = DEADLINE + dt.timedelta(minutes=1)


def facts(status="open", capacity=None, taken=0) -> SessionFacts:
    return SessionFacts(
        status=status,
        enrol_opens=OPENS,
        enrol_closes=CLOSES,
        cancel_deadline=DEADLINE,
        capacity=capacity,
        seats_taken=taken,
    )


@pytest.mark.parametrize(
    "capacity, taken, left, free",
    [
        (None, 0, None, True),  # unlimited
        (None, 500, None, True),
        (0, 0, 0, False),  # no seats: everyone waits
        (30, 29, 1, True),
        (30, 30, 0, False),
        (30, 31, 0, False),  # capacity lowered below the confirmed count
    ],
)
def test_seats(capacity, taken, left, free):
    assert rules.seats_left(capacity, taken) == left
    assert rules.has_free_seat(capacity, taken) is free


@pytest.mark.parametrize(
    "status, now, expected",
    [
        ("open", BEFORE, Window.NOT_YET),
        ("open", OPENS, Window.OPEN),  # both ends included
        ("open", DURING, Window.OPEN),
        ("open", CLOSES, Window.OPEN),
        ("open", AFTER, Window.CLOSED),
        ("planned", BEFORE, Window.NOT_YET),
        ("planned", DURING, Window.CLOSED),
        ("closed", BEFORE, Window.CLOSED),
        ("closed", DURING, Window.CLOSED),
        ("cancelled", BEFORE, Window.CLOSED),
        ("finished", DURING, Window.CLOSED),
    ],
)
def test_window(status, now, expected):
    assert rules.window(facts(status), now=now) is expected


ACTIVE = {"worker_name": "张三", "worker_active": True}


@pytest.mark.parametrize(
    "session, staff, now, expected",
    [
        (facts(), False, DURING, Decision(True)),
        (facts(capacity=2, taken=2), False, DURING, Decision(True, waitlist=True)),
        (facts(capacity=0), False, DURING, Decision(True, waitlist=True)),
        (facts(), False, BEFORE, Decision(False, "报名尚未开始（2030-02-01 09:00 开始）。")),
        (facts(), False, AFTER, Decision(False, "报名已截止。")),
        (facts("planned"), False, DURING, Decision(False, "班次当前不接受报名。")),
        (facts("closed"), False, DURING, Decision(False, "班次当前不接受报名。")),
        (facts("cancelled"), False, DURING, Decision(False, "班次已取消。")),
        (facts("finished"), False, DURING, Decision(False, "班次已结束。")),
        # Staff enrol outside the window and whatever the status, but not into a session
        # that is cancelled or finished.
        (facts(), True, AFTER, Decision(True)),
        (facts("planned"), True, BEFORE, Decision(True)),
        (facts("cancelled"), True, DURING, Decision(False, "班次已取消。")),
        (facts("finished"), True, DURING, Decision(False, "班次已结束。")),
    ],
)
def test_decide_enrolment_session_and_window(session, staff, now, expected):
    assert rules.decide_enrolment(session, staff=staff, now=now, **ACTIVE) == expected


CLASH = rules.Clash("上午班", dt.date(2030, 3, 4), dt.date(2030, 3, 8))


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"worker_active": False}, "张三 已离职，不能报名。"),
        # A worker who left is refused first, even when the session is cancelled.
        ({"worker_active": False, "session": facts("cancelled")}, "张三 已离职，不能报名。"),
        ({"clash": CLASH}, "与已报名的班次“上午班”（2030-03-04 至 2030-03-08）上课时间冲突。"),
        ({"missing": ("工会基础知识", "劳动法")}, "须先完成先修课程：工会基础知识、劳动法。"),
        # The window is checked before overlaps and prerequisites.
        ({"clash": CLASH, "missing": ("劳动法",), "now": AFTER}, "报名已截止。"),
        ({"clash": CLASH, "missing": ("劳动法",)}, "与已报名的班次“上午班”"),
    ],
)
def test_decide_enrolment_refusals(kwargs, reason):
    arguments = {"session": facts(), "staff": False, "now": DURING, **ACTIVE, **kwargs}
    session = arguments.pop("session")
    decision = rules.decide_enrolment(session, **arguments)
    assert not decision.allowed and not decision.waitlist
    assert decision.reason.startswith(reason)


@pytest.mark.parametrize(
    "completed, staff, now, expected",
    [
        (False, False, DEADLINE, Decision(True)),  # the deadline itself is still in time
        (False, False, LATE, Decision(False, "已过取消报名截止时间，请联系主办单位。")),
        (False, True, DEADLINE + dt.timedelta(days=30), Decision(True)),
        (True, False, DURING, Decision(False, "已结业的报名不能取消。")),
        (True, True, DURING, Decision(False, "已结业的报名不能取消。")),
    ],
)
def test_decide_cancellation(completed, staff, now, expected):
    decision = rules.decide_cancellation(facts(), completed=completed, staff=staff, now=now)
    assert decision == expected


@pytest.mark.parametrize(
    "session, enrolled, completed, now, expected",
    [
        (facts(), False, False, DURING, Offer.ENROL),
        (facts(capacity=1, taken=1), False, False, DURING, Offer.WAITLIST),
        (facts(), False, False, BEFORE, Offer.NOT_YET),
        (facts("planned"), False, False, BEFORE, Offer.NOT_YET),
        (facts(), False, False, AFTER, Offer.CLOSED),
        (facts("cancelled"), False, False, DURING, Offer.CLOSED),
        (facts(), True, False, AFTER, Offer.CANCEL),  # the window closed, the deadline not yet
        (facts(), True, False, DEADLINE + dt.timedelta(seconds=1), Offer.KEEP),
        (facts(), True, True, DURING, Offer.KEEP),
    ],
)
def test_offer(session, enrolled, completed, now, expected):
    assert rules.offer(session, enrolled=enrolled, completed=completed, now=now) is expected


DAY = dt.date(2030, 3, 5)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ((DAY, 9, 12), (DAY, 11, 13), True),
        ((DAY, 9, 17), (DAY, 10, 11), True),  # one inside the other
        ((DAY, 9, 12), (DAY, 12, 15), False),  # back to back
        ((DAY, 13, 15), (DAY, 9, 12), False),
        ((DAY, 9, 12), (DAY + dt.timedelta(days=1), 9, 12), False),  # another day
    ],
)
def test_overlaps(a, b, expected):
    def slot(day, start, end):
        return Slot(day, dt.time(start), dt.time(end))

    assert rules.overlaps(slot(*a), slot(*b)) is expected
    assert rules.overlaps(slot(*b), slot(*a)) is expected


@pytest.mark.parametrize(
    "required, completed, missing",
    [
        ({}, set(), []),
        ({1: "工会基础知识"}, {1}, []),
        ({1: "工会基础知识", 2: "劳动法"}, {2}, ["工会基础知识"]),
        ({1: "工会基础知识", 2: "劳动法"}, {3}, ["工会基础知识", "劳动法"]),
    ],
)
def test_missing_prerequisites(required, completed, missing):
    assert rules.missing_prerequisites(required, completed) == missing
