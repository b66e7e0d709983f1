"""The arithmetic of pay and funds (§四.六, §五.二), pure: plain values in, plain values out.

No database and no clock: dates are arguments. Money is ``Decimal`` yuan. Each rule's
docstring quotes the sentence it implements (the policy, DOMAIN.md "Pay and funds", or the
pay-and-funds issue); every number is a scheme or policy parameter.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext as _

from lms.decisions import YES, Decision, no

# The grades of evaluation.choices.Grade, as plain numbers (this module imports no models).
FAIL, BASIC, PASS, EXCELLENT = 0, 10, 20, 30
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class SchemeRules:
    """A pay scheme's numbers, with the defaults of 三岗十八级 (DOMAIN.md)."""

    years_per_step: int = 3
    education_years: Mapping[str, int] = field(
        default_factory=lambda: {"bachelor": 3, "master": 5, "doctorate": 7}
    )
    excellent_run: int = 2
    max_early_steps: int = 2
    qualification_levels: Mapping[str, int] = field(
        default_factory=lambda: {"assistant": 1, "social_worker": 2, "senior": 3}
    )


@dataclass(frozen=True)
class PostRange:
    name: str
    lowest: int
    highest: int


@dataclass(frozen=True)
class LevelBreakdown:
    """How a level was reached, each part with the words shown to staff and the worker."""

    level: int
    start: int
    education_years: int
    service_years: int
    counted_years: int
    steps: int
    early_steps: int
    qualification_levels: int
    capped: bool
    reasons: tuple[str, ...]


def completed_years(start: dt.date, on: dt.date) -> int:
    """Return the whole years from ``start`` to ``on`` (an anniversary completes a year)."""
    if on < start:
        return 0
    years = on.year - start.year
    if (on.month, on.day) < (start.month, start.day):
        years -= 1
    return years


def early_steps(grades: Mapping[int, int], *, run: int, limit: int) -> tuple[int, list[int]]:
    """Return the early steps earned and the years that earned them.

    DOMAIN.md: "two successive 优秀 years giving one early step (at most twice)". Each
    ``run`` successive 优秀 years give one step; a year counts towards one step only.
    """
    steps, years, streak = 0, [], []
    for year in sorted(grades):
        if grades[year] != EXCELLENT:
            streak = []
        elif streak and year == streak[-1] + 1:
            streak.append(year)
        else:
            streak = [year]
        if len(streak) == run and steps < limit:
            steps += 1
            years.append(year)
            streak = []
    return steps, years


def placement_level(
    *,
    post: PostRange,
    education: str,
    qualification: str,
    hire_date: dt.date,
    on: dt.date,
    grades: Mapping[int, int],
    scheme: SchemeRules = SchemeRules(),
) -> LevelBreakdown:
    """Return the level a worker's record gives on ``on`` in ``post``.

    DOMAIN.md (三岗十八级): "one level up every 3 years of service with passing assessments,
    education counted as service (bachelor 3, master 5, doctorate 7 years), two successive
    优秀 years giving one early step (at most twice), and a social-work qualification
    (助理社会工作师 / 社会工作师 / 高级) adding 1/2/3 levels, the highest only"; the issue:
    "starting level from the post ... capped at the post's top level".

    A year of service counts unless that year's confirmed grade is below 合格 (基本合格 or
    不合格); a year without a grade counts (no assessment was held, none failed). Grades are
    keyed by year; only the years of the completed service count.
    """
    reasons = [_("岗位起始级：%(post)s%(level)s级") % {"post": post.name, "level": post.lowest}]
    education_years = scheme.education_years.get(education, 0)
    if education_years:
        reasons.append(_("学历视同工作年限：%(years)s年") % {"years": education_years})
    service = completed_years(hire_date, on)
    window = range(on.year - service, on.year)
    failed = [year for year in window if year in grades and grades[year] < PASS]
    counted = service - len(failed)
    if failed:
        reasons.append(
            _("工作满%(service)s年，%(years)s年考核未达合格不计，计%(counted)s年")
            % {"service": service, "years": "、".join(map(str, failed)), "counted": counted}
        )
    else:
        reasons.append(_("工作满%(service)s年") % {"service": service})
    steps = (education_years + counted) // scheme.years_per_step
    if steps:
        reasons.append(
            _("合计%(years)s年，每%(per)s年晋一级：晋%(steps)s级")
            % {"years": education_years + counted, "per": scheme.years_per_step, "steps": steps}
        )
    earned = {year: grade for year, grade in grades.items() if year < on.year}
    early, early_years = early_steps(earned, run=scheme.excellent_run, limit=scheme.max_early_steps)
    if early:
        reasons.append(
            _("连续优秀（%(years)s年）：提前晋%(steps)s级")
            % {"years": "、".join(map(str, early_years)), "steps": early}
        )
    bonus = scheme.qualification_levels.get(qualification, 0)
    if bonus:
        reasons.append(_("社会工作职业资格：加%(levels)s级") % {"levels": bonus})
    uncapped = post.lowest + steps + early + bonus
    level = min(uncapped, post.highest)
    if uncapped > level:
        reasons.append(_("超过岗位最高级，按%(level)s级") % {"level": post.highest})
    return LevelBreakdown(
        level=level,
        start=post.lowest,
        education_years=education_years,
        service_years=service,
        counted_years=counted,
        steps=steps,
        early_steps=early,
        qualification_levels=bonus,
        capped=uncapped > level,
        reasons=tuple(reasons),
    )


Dated = TypeVar("Dated")


def in_force(rows: Iterable[tuple[dt.date, Dated]], on: dt.date) -> Dated | None:
    """Return the value of the latest row dated on or before ``on`` (``None`` before the first).

    Effective-dated tables (pay tables, floors, tiers, placements): "in force on that date".
    """
    best: tuple[dt.date, Dated] | None = None
    for since, value in rows:
        if since <= on and (best is None or since > best[0]):
            best = (since, value)
    return best[1] if best else None


def next_change(
    rows: Iterable[tuple[dt.date, Dated]], after: dt.date
) -> tuple[dt.date, Dated] | None:
    """Return the earliest row dated after ``after`` (a change announced but not yet in force)."""
    later = [(since, value) for since, value in rows if since > after]
    return min(later, key=lambda row: row[0]) if later else None


def monthly_pay(
    level: int,
    rates: Mapping[int, Decimal],
    allowances: Iterable[tuple[str, Decimal]],  # (qualification or "", monthly amount)
    *,
    qualification: str,
) -> Decimal | None:
    """Return a month's pay: the level's amount plus the allowances that apply, or ``None``
    when the table has no amount for the level.

    An allowance with no qualification applies to everyone; one with a qualification applies
    to a worker holding exactly that one (the highest they hold).
    """
    if level not in rates:
        return None
    extra = sum(
        (amount for wanted, amount in allowances if wanted in ("", qualification)), Decimal("0")
    )
    return (rates[level] + extra).quantize(CENTS)


def below_floor(pay: Decimal, floor: Decimal) -> bool:
    """Whether monthly pay breaks the minimum wage.

    §五.二: "社会化工会工作者的工资应高于所在县市区（园区）最低工资标准" ("higher": equal is a
    violation).
    """
    return pay <= floor


def due_months(year: int, *, hired: dt.date, left: dt.date | None, today: dt.date) -> list[int]:
    """Return the months of ``year`` for which insurance is due: employed on some day of the
    month, and the month over by ``today``."""
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        if hired <= last and (left is None or left >= first) and last < today:
            months.append(month)
    return months


def missing_months(paid: int, due: Sequence[int]) -> list[int]:
    """Return the due months not paid; ``paid`` is a bit set, bit 0 for January.

    §五.二: "聘用单位应按国家相关规定为所聘用的社会化工会工作者缴纳社会保险"; the issue: "a month
    missing is flagged".
    """
    return [month for month in due if not paid & (1 << (month - 1))]


def months_bits(months: Iterable[int]) -> int:
    """Return the bit set of ``months`` (1 = January)."""
    bits = 0
    for month in months:
        bits |= 1 << (month - 1)
    return bits


def may_charge(*, budget: Decimal, spent: Decimal, amount: Decimal) -> Decision:
    """Whether ``amount`` may be charged to a source.

    §五.二: "社会化工会工作者的经费和补贴要专款专用"; the issue: "a charge past a source's
    remaining budget is refused".
    """
    if amount <= 0:
        return no(_("金额须大于零。"))
    left = budget - spent
    if amount > left:
        return no(
            _("超出该经费来源的剩余预算：剩余 %(left)s 元，本次 %(amount)s 元。")
            % {"left": left, "amount": amount}
        )
    return YES


def may_set_budget(*, budget: Decimal, spent: Decimal) -> Decision:
    """Whether a source's budget may become ``budget``: never below what is already spent."""
    if budget < spent:
        return no(_("预算不能低于已支出金额 %(spent)s 元。") % {"spent": spent})
    return YES


def work_subsidy(grade: int | None, yearly: Mapping[int, Decimal]) -> Decimal:
    """Return a part-time party-mass worker's yearly work subsidy for their grade.

    §四.六: "对兼职从事工会工作的党群工作者……根据考核结果发放工作补贴" (amounts per grade are
    the scheme's data). No grade, or a grade without an amount,
    gives nothing.
    """
    if grade is None:
        return Decimal("0.00")
    return yearly.get(grade, Decimal("0.00")).quantize(CENTS)


def city_subsidy(workers: int, per_person: int) -> Decimal:
    """Return the city's yearly extra for public-welfare post workers.

    §五.二: "市总工会对使用政府公益性岗位的社会化工会工作者再额外补助500元/人/年"
    (``per_person`` is the policy parameter ``public_welfare_city_subsidy``).
    """
    return (Decimal(per_person) * workers).quantize(CENTS)
