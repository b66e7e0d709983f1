"""The rules of awards, as pure functions: plain values in, a decision or a result out.

Policy §四.四: "在'五一'劳动奖章、'优秀工会工作者'等各类先进评选中给予一定比例".
DOMAIN.md ("Awards") and the awards issue give the rules; each docstring says which sentence
it applies. Every number is a policy parameter (``award_reserved_percent``, ``notice_working_days``,
``award_min_service_years``, ``award_clean_grade_years``) or a campaign's data. No database,
no clock: ``today`` is an argument, and the working-day calendar is passed in (``is_workday``).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from evaluation.choices import Grade
from lms.decisions import YES, Decision, no

from .choices import Bound


def reserved_places(total: int, percent: int) -> int:
    """DOMAIN.md: "a reserved share (default 10%, rounded up)"; the issue: "7 places reserve 1"."""
    return -(-total * percent // 100)


def check_allocation(
    *, reserved: int, allocated_elsewhere: int, places: int, held: int
) -> Decision:
    """The issue: "Allocations never add up to more than the reserved places"; an allocation
    never drops below the places its nominations already hold."""
    if places < 1:
        return no(_("名额至少为 1。"))
    if allocated_elsewhere + places > reserved:
        return no(
            _("预留名额共 %(reserved)d 个，已分配 %(allocated)d 个，最多还能分配 %(left)d 个。")
            % {
                "reserved": reserved,
                "allocated": allocated_elsewhere,
                "left": reserved - allocated_elsewhere,
            }
        )
    if places < held:
        return no(_("该名额已有 %(held)d 人被推荐，不能少于 %(held)d 个。") % {"held": held})
    return YES


def check_place(*, places: int, held: int) -> Decision:
    """DOMAIN.md: "A federation can never nominate past its allocation"."""
    if held >= places:
        return no(_("名额已用完（%(places)d 个）。") % {"places": places})
    return YES


@dataclass(frozen=True)
class ConstraintCheck:
    category: str
    bound: str
    percent: int
    count: int
    total: int
    passed: bool

    @property
    def share(self) -> float | None:
        return None if not self.total else round(100 * self.count / self.total, 1)


def check_constraints(
    constraints: Iterable[tuple[str, str, int]], nominees: Sequence[Iterable[str]]
) -> list[ConstraintCheck]:
    """Check category shares on the whole nominee list (integers only: count×100 vs percent×total).

    DOMAIN.md: "Real campaigns also carry category constraints on the nominee list, for example
    一线职工 at least 60%, unit heads at most 15%, women at least 20% ... a campaign holds such
    constraints as data and the list is checked against them." An empty list meets no "at
    least" and every "at most".
    """
    flags = [set(categories) for categories in nominees]
    total = len(flags)
    checks = []
    for category, bound, percent in constraints:
        count = sum(1 for categories in flags if category in categories)
        if bound == Bound.AT_LEAST:
            passed = total > 0 and count * 100 >= percent * total
        else:
            passed = count * 100 <= percent * total
        checks.append(ConstraintCheck(category, bound, percent, count, total, passed))
    return checks


@dataclass(frozen=True)
class EligibilityFacts:
    """What the eligibility rule needs to know about a worker and a campaign."""

    active: bool
    hire_date: dt.date
    grades: dict[int, Grade]  # confirmed grades by year
    honours: Sequence[tuple[str, int]]  # (award name, level) held
    award_name: str
    award_level: int
    campaign_year: int
    already_nominated: bool = False


def full_years(start: dt.date, today: dt.date) -> int:
    years = today.year - start.year
    if (today.month, today.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def ineligibility(
    facts: EligibilityFacts, *, today: dt.date, min_service_years: int, clean_grade_years: int
) -> list[str]:
    """Return the reasons a worker may not be nominated (empty: eligible).

    The awards issue: "active worker, service at least N years (parameter), no 不合格 grade in
    the last N years and a confirmed grade of 合格 or better last year (from evaluation), not a
    past winner of the same award at the same or a higher level, not already nominated in this
    campaign". "Last year" is the year before the campaign's.
    """
    reasons = []
    if not facts.active:
        reasons.append(str(_("已离职。")))
    years = full_years(facts.hire_date, today)
    if years < min_service_years:
        reasons.append(
            str(
                _("工作年限 %(years)d 年，不足 %(min)d 年。")
                % {"years": years, "min": min_service_years}
            )
        )
    last = facts.campaign_year - 1
    window = range(facts.campaign_year - clean_grade_years, facts.campaign_year)
    failed = sorted(year for year in window if facts.grades.get(year) == Grade.FAIL)
    if failed:
        reasons.append(
            str(
                _("近 %(n)d 年有不合格等次（%(years)s 年）。")
                % {"n": clean_grade_years, "years": "、".join(map(str, failed))}
            )
        )
    if facts.grades.get(last) is None:
        reasons.append(str(_("没有 %(year)d 年度的考核等次。") % {"year": last}))
    elif facts.grades[last] < Grade.PASS:
        reasons.append(str(_("%(year)d 年度考核等次低于合格。") % {"year": last}))
    if any(
        name == facts.award_name and level >= facts.award_level for name, level in facts.honours
    ):
        reasons.append(str(_("已获得同级或更高级别的%(award)s。") % {"award": facts.award_name}))
    if facts.already_nominated:
        reasons.append(str(_("已在本次评选中被推荐。")))
    return reasons


def first_workday(day: dt.date, is_workday: Callable[[dt.date], bool]) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def notice_window(
    start: dt.date, working_days: int, is_workday: Callable[[dt.date], bool]
) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a notice of ``working_days`` working days from ``start``.

    DOMAIN.md: "a public notice period (公示, default 5 working days, as Sichuan uses)"; the
    issue: counted with China's statutory holidays and adjusted working days (调休), not
    weekdays alone. A notice starting on a rest day starts on the next working day.
    """
    if working_days < 1:
        raise ValueError("A notice lasts at least one working day.")
    first = day = first_workday(start, is_workday)
    for _n in range(working_days - 1):
        day = first_workday(day + dt.timedelta(days=1), is_workday)
    return first, day


def may_object(*, today: dt.date, starts_on: dt.date | None, ends_on: dt.date | None) -> Decision:
    """The issue: "Objections (异议) during the window"."""
    if starts_on is None or ends_on is None or not starts_on <= today <= ends_on:
        return no(_("不在公示期内，不能提出异议。"))
    return YES


def may_approve(*, today: dt.date, ends_on: dt.date | None, open_objections: int) -> Decision:
    """The issue: "Approval waits until the window has ended and every objection is handled"."""
    if ends_on is None:
        return no(_("尚未公示。"))
    if today <= ends_on:
        return no(_("公示期至 %(date)s 结束，之后才能批准。") % {"date": ends_on.isoformat()})
    if open_objections:
        return no(_("还有 %(n)d 件异议未处理。") % {"n": open_objections})
    return YES
