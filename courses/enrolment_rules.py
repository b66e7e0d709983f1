"""The enrolment rules (报名规则): who takes a seat in a session, who waits, who may give it back.

Pure: plain values and frozen dataclasses in, a ``Decision`` (or the ``Offer`` a page shows)
out; no database, no clock (``now`` is an argument). The policy document says nothing about
seats or windows: these rules come from the training issue and DOMAIN.md ("Training": courses
run as sessions with seats, an enrolment window and a waitlist). ``courses.services`` gathers
the facts under the session's row lock and asks these rules; ``courses.views`` asks the same
rules which button to show; ``courses.selectors.enrolment_open_q`` filters by the window's
parameters defined here.
"""

import datetime as dt
import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Session.Status values, without importing the models (a rule never imports django.db).
PLANNED = "planned"
OPEN = "open"
CANCELLED = "cancelled"
FINISHED = "finished"

# The self-enrolment window: a session in this status, from ``enrol_opens`` to
# ``enrol_closes``, both ends included.
SELF_ENROLMENT_STATUS = OPEN
# Statuses in which a window that has not opened yet is announced ("opens on ...").
ANNOUNCED_STATUSES = (PLANNED, OPEN)


@dataclass(frozen=True)
class SessionFacts:
    """What the rules read of a session (班次).

    ``capacity=None`` means unlimited seats and ``0`` no seats; ``seats_taken`` counts the
    confirmed enrolments. Datetimes are aware and in the time zone the user reads them in.
    """

    status: str
    enrol_opens: dt.datetime
    enrol_closes: dt.datetime
    cancel_deadline: dt.datetime
    capacity: int | None = None
    seats_taken: int = 0


@dataclass(frozen=True)
class Clash:
    """Another session the worker holds a confirmed seat in, whose meetings overlap."""

    title: str
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class Slot:
    """One meeting's time: a day, from ``start_time`` to ``end_time``."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time


@dataclass(frozen=True)
class Decision:
    """A rule's answer: allowed or not, the reason shown to the user, a waitlist place."""

    allowed: bool
    reason: str = ""
    waitlist: bool = False


ALLOWED = Decision(True)


def _refuse(reason: str) -> Decision:
    return Decision(False, reason)


class Window(enum.StrEnum):
    """Where a moment stands in a session's self-enrolment window."""

    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


class Offer(enum.StrEnum):
    """The action a session page offers a worker: the button shown."""

    ENROL = "enrol"
    WAITLIST = "waitlist"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    CANCEL = "cancel"
    # Enrolled, but past the cancellation deadline: only staff can cancel now.
    KEEP = "keep"


# Seats --------------------------------------------------------------------------------------


def seats_left(capacity: int | None, taken: int) -> int | None:
    """Return the free seats; None when unlimited, never below 0.

    From DOMAIN.md and the Session model: ``capacity=None`` is unlimited, ``0`` is no seats;
    a capacity lowered below the confirmed count leaves no free seat (nobody is removed).
    """
    if capacity is None:
        return None
    return max(capacity - taken, 0)


def has_free_seat(capacity: int | None, taken: int) -> bool:
    """Return whether one more worker gets a seat rather than the waitlist."""
    left = seats_left(capacity, taken)
    return left is None or left > 0


# The window ---------------------------------------------------------------------------------


def window(session: SessionFacts, *, now: dt.datetime) -> Window:
    """Return where ``now`` stands in the session's self-enrolment window (自行报名).

    From the training issue: a worker enrols themself while the session is open for
    enrolment, from its enrolment start to its enrolment deadline, both included. Before the
    start, a planned or open session is announced as opening later; otherwise it is closed.
    ``courses.selectors.enrolment_open_q`` is the same definition as a database filter.
    """
    status = session.status
    if status == SELF_ENROLMENT_STATUS and session.enrol_opens <= now <= session.enrol_closes:
        return Window.OPEN
    if now < session.enrol_opens and status in ANNOUNCED_STATUSES:
        return Window.NOT_YET
    return Window.CLOSED


def _session_refusal(session: SessionFacts, *, staff: bool, now: dt.datetime) -> Decision:
    if session.status == CANCELLED:
        return _refuse(_("班次已取消。"))
    if session.status == FINISHED:
        return _refuse(_("班次已结束。"))
    if staff or window(session, now=now) is Window.OPEN:
        return ALLOWED
    if session.status != SELF_ENROLMENT_STATUS:
        return _refuse(_("班次当前不接受报名。"))
    if now < session.enrol_opens:
        return _refuse(
            _("报名尚未开始（%(when)s 开始）。")
            % {"when": session.enrol_opens.strftime("%Y-%m-%d %H:%M")}
        )
    return _refuse(_("报名已截止。"))


# Overlaps and prerequisites -----------------------------------------------------------------


def overlaps(a: Slot, b: Slot) -> bool:
    """Return whether two meetings overlap: the same day, their times intersecting.

    From the training issue: a worker cannot sit in two classes at once. Back-to-back
    meetings (one ends at 12:00, the next starts at 12:00) do not overlap.
    """
    return a.date == b.date and a.start_time < b.end_time and b.start_time < a.end_time


def missing_prerequisites(required: Mapping[int, str], completed: Collection[int]) -> list[str]:
    """Return the titles of the prerequisite courses (先修课程) not completed yet.

    ``required`` maps course id → title; ``completed`` holds the ids of courses the worker
    completed (结业) in any session.
    """
    return [title for pk, title in required.items() if pk not in completed]


# Decisions ----------------------------------------------------------------------------------


def decide_enrolment(
    session: SessionFacts,
    *,
    worker_name: str,
    worker_active: bool,
    staff: bool,
    now: dt.datetime,
    clash: Clash | None = None,
    missing: Sequence[str] = (),
) -> Decision:
    """Decide an enrolment: a seat, a waitlist place, or a refusal with its reason.

    From the training issue and DOMAIN.md ("Training"), checked in this order: a worker who
    left cannot enrol; nobody enrols in a cancelled or finished session; a worker enrols
    themself only inside the self-enrolment window (``window``), while staff (of the
    organizer or of the worker's federation) may enrol at any other time; meetings must not
    overlap another session the worker holds a confirmed seat in; prerequisite courses must
    be completed. Allowed, the worker gets a seat if one is free, else the waitlist.
    """
    if not worker_active:
        return _refuse(_("%(name)s 已离职，不能报名。") % {"name": worker_name})
    refusal = _session_refusal(session, staff=staff, now=now)
    if not refusal.allowed:
        return refusal
    if clash is not None:
        return _refuse(
            _("与已报名的班次“%(title)s”（%(start)s 至 %(end)s）上课时间冲突。")
            % {"title": clash.title, "start": clash.start_date, "end": clash.end_date}
        )
    if missing:
        return _refuse(_("须先完成先修课程：%(titles)s。") % {"titles": "、".join(missing)})
    return Decision(True, waitlist=not has_free_seat(session.capacity, session.seats_taken))


def decide_cancellation(
    session: SessionFacts, *, completed: bool, staff: bool, now: dt.datetime
) -> Decision:
    """Decide whether an enrolment may be cancelled.

    From the training issue: a completed (结业) enrolment is never cancelled; a worker
    cancels their own until the session's cancellation deadline, included; after it only
    staff can.
    """
    if completed:
        return _refuse(_("已结业的报名不能取消。"))
    if not staff and now > session.cancel_deadline:
        return _refuse(_("已过取消报名截止时间，请联系主办单位。"))
    return ALLOWED


def offer(
    session: SessionFacts, *, enrolled: bool, completed: bool = False, now: dt.datetime
) -> Offer:
    """Return what a session page offers the worker: enrol, waitlist, cancel, or nothing yet.

    The same rules as the services: an enrolled worker may cancel while
    ``decide_cancellation`` allows it; otherwise enrolling is offered inside the window, as a
    waitlist place when no seat is free.
    """
    if enrolled:
        cancellation = decide_cancellation(session, completed=completed, staff=False, now=now)
        return Offer.CANCEL if cancellation.allowed else Offer.KEEP
    state = window(session, now=now)
    if state is Window.OPEN:
        free = has_free_seat(session.capacity, session.seats_taken)
        return Offer.ENROL if free else Offer.WAITLIST
    return Offer.NOT_YET if state is Window.NOT_YET else Offer.CLOSED
