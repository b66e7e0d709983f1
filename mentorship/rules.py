"""The rules of mentoring, as pure functions: plain values in, a decision with its reason out.

The policy names the practice only: "采取座谈研讨、案例教学、高师带徒、结对提升等方式" (§四.三).
The rules below come from DOMAIN.md ("Mentoring") and the mentorship issue, as each docstring
says; every number in them is a policy parameter (``workforce.policy.Policy``) or named here.
No database, no clock: ``today`` is an argument.
"""

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from courses.compliance import add_months
from lms.decisions import YES, Decision, no

# The mentorship issue: a term is at least 3 and at most 24 months.
MIN_TERM_MONTHS = 3
MAX_TERM_MONTHS = 24


def term_end(start: dt.date, months: int) -> dt.date:
    """Return the last day of a term of ``months`` starting on ``start``."""
    return add_months(start, months) - dt.timedelta(days=1)


def check_term(months: int) -> Decision:
    """The mentorship issue: a term lasts at least 3 and at most 24 months."""
    if not MIN_TERM_MONTHS <= months <= MAX_TERM_MONTHS:
        return no(
            _("带教期限须在 %(low)d 至 %(high)d 个月之间。")
            % {"low": MIN_TERM_MONTHS, "high": MAX_TERM_MONTHS}
        )
    return YES


@dataclass(frozen=True)
class PairingFacts:
    """What the start rule needs to know, gathered under the mentor's lock."""

    peer: bool  # 结对提升 (True) or 高师带徒
    mentor_active: bool
    mentor_worker_id: int | None  # the mentor's own worker record, if they are a worker
    apprentice_id: int
    apprentice_active: bool  # the apprentice has not left
    mentor_load: int  # the mentor's pairings holding a place: active, and proposed when proposing
    load_limit: int
    apprentice_has_active_of_kind: bool
    months: int


def may_start(facts: PairingFacts) -> Decision:
    """Return whether a pairing may be proposed or become active.

    DOMAIN.md: "A mentor has a load limit (default 3 active apprentices)"; a proposal holds a
    place until it is accepted or declined, so staff cannot promise more. The mentorship
    issue: an apprentice holds at most one active pairing of each kind; nobody is their own
    mentor; a worker who has left cannot start one; 结对提升 joins two workers; a paused mentor
    takes no new apprentice.
    """
    term = check_term(facts.months)
    if not term:
        return term
    if facts.mentor_worker_id is not None and facts.mentor_worker_id == facts.apprentice_id:
        return no(_("导师不能与自己结对。"))
    if not facts.apprentice_active:
        return no(_("该工作者已离职，不能结对。"))
    if facts.peer and facts.mentor_worker_id is None:
        return no(_("结对提升须在两名社会化工会工作者之间进行。"))
    if not facts.mentor_active:
        return no(_("该导师已暂停接收徒弟。"))
    if facts.apprentice_has_active_of_kind:
        return no(_("该工作者已有进行中的同类结对。"))
    if facts.mentor_load >= facts.load_limit:
        return no(
            _("该导师已有 %(load)d 名徒弟（含待确认），达到上限 %(limit)d 名。")
            % {"load": facts.mentor_load, "limit": facts.load_limit}
        )
    return YES


class Health(enum.StrEnum):
    """How a pairing's meetings keep up: on track, or no confirmed meeting for too long."""

    ON_TRACK = "on_track"
    CHECKIN_OVERDUE = "checkin_overdue"


def checkin_due(*, start: dt.date, last_confirmed: dt.date | None, days: int) -> dt.date:
    """Return the day by which the next confirmed meeting is due.

    The mentorship issue: "a pairing with no confirmed meeting for ``mentor_checkin_days``
    (default 30) is overdue", counted from the last confirmed meeting, or from the start.
    """
    return max(start, last_confirmed or start) + dt.timedelta(days=days)


def health(*, start: dt.date, last_confirmed: dt.date | None, days: int, today: dt.date) -> Health:
    """Return whether an active pairing's check-ins are overdue on ``today``."""
    if today > checkin_due(start=start, last_confirmed=last_confirmed, days=days):
        return Health.CHECKIN_OVERDUE
    return Health.ON_TRACK


def midterm_date(start: dt.date, end: dt.date) -> dt.date:
    """The mentorship issue: the mid-term review falls at half the term."""
    return start + (end - start) / 2


def reviews_due(
    *, start: dt.date, end: dt.date, today: dt.date, submitted: set[str]
) -> tuple[str, ...]:
    """Return the review stages due from one side on ``today`` that it has not submitted.

    The mid-term review is due from half the term, the final one from 30 days before the end.
    """
    due = []
    if today >= midterm_date(start, end) and "mid" not in submitted:
        due.append("mid")
    if today >= end - dt.timedelta(days=30) and "final" not in submitted:
        due.append("final")
    return tuple(due)


def may_complete(*, final_reviews: set[str], today: dt.date, start: dt.date) -> Decision:
    """The mentorship issue: completing a pairing needs the final review from both sides.

    Staff sign-off is the act of completing it (``services.complete_pairing``).
    """
    missing = {"mentor", "apprentice"} - final_reviews
    if "mentor" in missing and "apprentice" in missing:
        return no(_("导师和徒弟都还没有提交结业评价。"))
    if "mentor" in missing:
        return no(_("导师还没有提交结业评价。"))
    if "apprentice" in missing:
        return no(_("徒弟还没有提交结业评价。"))
    if today < start:
        return no(_("结对尚未开始。"))
    return YES


def credited_mentoring_hours(confirmed_hours: Decimal, cap: int) -> Decimal:
    """Return the hours of a year's confirmed 高师带徒 meetings credited as training.

    The mentorship issue: they count toward the annual requirement "up to a cap
    (``mentoring_hours_cap``, default 16 hours a year; 0 turns it off)".
    """
    if cap <= 0 or confirmed_hours <= 0:
        return Decimal(0)
    return min(Decimal(confirmed_hours), Decimal(cap))
