"""Training compliance (§四.三): the three rules every worker is measured against.

"社会化工会工作者每年业务培训时间不少于1周，每2年应安排1次为期1月的业务轮训。" (§四.三) The
policy names 上岗培训 among the training types but sets no deadline for it; the onboarding rule
is DOMAIN.md's. DOMAIN.md ("Training") turns these into three rules, each answering with a
status, the due date and the evidence (which sessions). Pure: plain values and frozen
dataclasses in, a ``RuleResult`` out; no database, no clock (``today`` is an argument), and
every number comes from the federation's ``Policy``.

Besides the policy's three answers (met / due soon / overdue) a rule may say *in progress*:
the requirement of the current period is not fulfilled yet, but its deadline is further away
than ``due_soon_days`` (say 12 credited hours in March). Calling that "met" or "due soon"
would misreport the worker, so the status is kept apart and shown as such.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from workforce.policy import Policy


class Rule(enum.StrEnum):
    ANNUAL = "annual"
    ROTATION = "rotation"
    ONBOARDING = "onboarding"

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self])


RULE_LABELS = {
    Rule.ANNUAL: _("年度培训学时"),
    Rule.ROTATION: _("岗位轮训"),
    Rule.ONBOARDING: _("上岗培训"),
}


class Status(enum.StrEnum):
    """How a worker stands against one rule, from best to worst."""

    MET = "met"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.MET: _("已达标"),
    Status.IN_PROGRESS: _("进行中"),
    Status.DUE_SOON: _("即将到期"),
    Status.OVERDUE: _("已逾期"),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A session that counts for a rule: its hours, and the day it counted (completion).

    Hours credited from elsewhere (``courses.credits``, e.g. a 高师带徒 pairing) carry
    ``session_id`` 0, a ``label`` saying what they are and where they come from, and
    optionally the ``url`` of their record.
    """

    session_id: int
    title: str
    hours: Decimal = Decimal(0)
    on: dt.date | None = None
    label: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Completion:
    """A completed enrolment (结业) in a rotation or onboarding session.

    ``training_days`` is the number of days the session met (its meeting days, cancelled
    meetings left out); ``credited_hours`` the worker's hours credited from attendance.
    """

    session_id: int
    title: str
    completed_on: dt.date
    training_days: int = 0
    credited_hours: Decimal = Decimal(0)

    # A completion is its own evidence: the same reading as ``Evidence``.
    @property
    def hours(self) -> Decimal:
        return self.credited_hours

    @property
    def on(self) -> dt.date:
        return self.completed_on


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A rule's answer for one worker on ``today``.

    ``due_date`` is the deadline the status refers to (for an overdue annual requirement, the
    last day of the year that was missed). ``hours``/``required_hours`` are set by the annual
    rule; ``late`` by the onboarding rule when the course was completed after its deadline.
    """

    rule: Rule
    status: Status
    due_date: dt.date
    days_left: int  # from today to the due date; negative once overdue
    evidence: tuple[Evidence | Completion, ...] = ()
    hours: Decimal | None = None
    required_hours: int | None = None
    late: bool = False

    def __str__(self) -> str:
        """Return one line for a reminder, e.g. "岗位轮训：已逾期（截止 2026-03-01）"."""
        due = self.due_date.isoformat()
        if self.rule is Rule.ANNUAL and self.status is Status.OVERDUE:
            detail = _(
                "%(year)s年未满 %(required)s 学时，截止 %(due)s；本年已认定 %(hours)s 学时"
            ) % {
                "year": self.due_date.year,
                "required": self.required_hours,
                "due": due,
                "hours": format_hours(self.hours),
            }
        elif self.rule is Rule.ANNUAL:
            detail = _("本年已认定 %(hours)s / %(required)s 学时，截止 %(due)s") % {
                "hours": format_hours(self.hours),
                "required": self.required_hours,
                "due": due,
            }
        else:
            detail = _("截止 %(due)s") % {"due": due}
        return f"{self.rule.label}：{self.status.label}（{detail}）"


def format_hours(hours: Decimal | None) -> str:
    """Return hours without a needless ".0": 32, 7.5."""
    if hours is None:
        return "0"
    return str(
        hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours.normalize()
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months`` calendar months, kept to the month's last day.

    2024-02-29 + 24 months is 2026-02-28; 2023-08-31 + 6 months is 2024-02-29.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _deadline_status(due: dt.date, today: dt.date, policy: Policy, *, done: bool) -> Status:
    """Return the status of a requirement falling due on ``due`` (the due day itself counts)."""
    if today > due:
        return Status.OVERDUE
    if (due - today).days <= policy.due_soon_days:
        return Status.DUE_SOON
    return Status.MET if done else Status.IN_PROGRESS


def _result(rule: Rule, status: Status, due: dt.date, today: dt.date, **kwargs) -> RuleResult:
    return RuleResult(rule, status, due, (due - today).days, **kwargs)


def annual_status(
    *,
    hours: Decimal,
    previous_hours: Decimal,
    hire_date: dt.date,
    today: dt.date,
    policy: Policy,
    evidence: Iterable[Evidence] = (),
) -> RuleResult:
    """Return how a worker stands against the annual training requirement.

    "每年业务培训时间不少于1周" (§四.三): at least ``policy.annual_training_hours``
    (40 = 5 days × 8 h) credited hours in each calendar year, credited from attendance actually
    recorded. ``hours`` are this calendar year's, ``previous_hours`` last year's.

    * met: this year's hours reach the requirement;
    * overdue: they do not, and last year (in which the worker was already hired) ended short of
      it — the worker is behind; the due date is last year's 31 December;
    * due soon: this year's 31 December is at most ``due_soon_days`` away;
    * in progress: otherwise.

    The requirement is not prorated: a worker hired during a year owes that year's hours too.
    """
    required = policy.annual_training_hours
    year_end = dt.date(today.year, 12, 31)
    last_year_end = dt.date(today.year - 1, 12, 31)
    items = tuple(sorted(evidence, key=lambda e: (e.on or dt.date.min, e.session_id)))
    common = {"evidence": items, "hours": hours, "required_hours": required}
    if hours >= required:
        return _result(Rule.ANNUAL, Status.MET, year_end, today, **common)
    if hire_date <= last_year_end and previous_hours < required:
        return _result(Rule.ANNUAL, Status.OVERDUE, last_year_end, today, **common)
    status = _deadline_status(year_end, today, policy, done=False)
    return _result(Rule.ANNUAL, status, year_end, today, **common)


def qualifies_as_rotation(completion: Completion, policy: Policy) -> bool:
    """Return whether a completed rotation session lasted "为期1月" (§四.三, one month).

    DOMAIN.md: one month is ``policy.rotation_min_days`` training days (20) or
    ``policy.rotation_min_hours`` credited hours (160).
    """
    return (
        completion.training_days >= policy.rotation_min_days
        or completion.credited_hours >= policy.rotation_min_hours
    )


def rotation_status(
    *,
    hire_date: dt.date,
    completions: Sequence[Completion],
    today: dt.date,
    policy: Policy,
) -> RuleResult:
    """Return how a worker stands against the rotation requirement.

    "每2年应安排1次为期1月的业务轮训" (§四.三): a completed rotation-type session lasting at
    least one month (see ``qualifies_as_rotation``) in every rolling
    ``policy.rotation_interval_months`` (24). The next due date is the last such completion
    + 24 months, or the hire date + 24 months if none. Met while that date is more than
    ``due_soon_days`` away (in progress if there has been no rotation yet), due soon within
    them, overdue once it has passed.
    ``completions`` are the worker's completed rotation-type enrolments.
    """
    qualifying = sorted(
        (c for c in completions if qualifies_as_rotation(c, policy)),
        key=lambda c: (c.completed_on, c.session_id),
        reverse=True,
    )
    start = qualifying[0].completed_on if qualifying else hire_date
    due = add_months(start, policy.rotation_interval_months)
    status = _deadline_status(due, today, policy, done=bool(qualifying))
    return _result(Rule.ROTATION, status, due, today, evidence=tuple(qualifying))


def onboarding_deadline(
    hire_date: dt.date, first_posting: dt.date | None, policy: Policy
) -> dt.date:
    """Return the last day onboarding counts as on time: 90 days after hire, or the posting
    day when the worker is posted later than that (DOMAIN.md: "before posting, or within 90
    days of hire")."""
    deadline = hire_date + dt.timedelta(days=policy.onboarding_days)
    if first_posting is not None and first_posting > deadline:
        return first_posting
    return deadline


def onboarding_status(
    *,
    hire_date: dt.date,
    first_posting: dt.date | None,
    completions: Sequence[Completion],
    today: dt.date,
    policy: Policy,
) -> RuleResult:
    """Return how a worker stands against the onboarding requirement.

    DOMAIN.md, not the policy text (which only lists 上岗培训 among the training types, §四.三):
    an onboarding course completed before posting, or within ``policy.onboarding_days`` (90)
    days of hire. Met once completed (``late`` when the first completion came after the
    deadline); otherwise due soon within ``due_soon_days`` of the deadline, overdue after it,
    in progress before. ``completions`` are the worker's completed onboarding-type
    enrolments; ``first_posting`` the start of the first posting, if any.
    """
    deadline = onboarding_deadline(hire_date, first_posting, policy)
    done = sorted(completions, key=lambda c: (c.completed_on, c.session_id))
    evidence = tuple(done)
    if done:
        late = done[0].completed_on > deadline
        return _result(Rule.ONBOARDING, Status.MET, deadline, today, evidence=evidence, late=late)
    status = _deadline_status(deadline, today, policy, done=False)
    return _result(Rule.ONBOARDING, status, deadline, today)


@dataclass(frozen=True, slots=True)
class WorkerFacts:
    """What the three rules need to know about one worker (gathered by the selectors)."""

    worker_id: int
    hire_date: dt.date
    first_posting: dt.date | None = None
    hours: Decimal = Decimal(0)  # credited this calendar year
    previous_hours: Decimal = Decimal(0)  # credited last calendar year
    annual_evidence: tuple[Evidence, ...] = ()
    rotations: tuple[Completion, ...] = ()
    onboardings: tuple[Completion, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkerCompliance:
    worker_id: int
    annual: RuleResult
    rotation: RuleResult
    onboarding: RuleResult

    def __iter__(self):
        return iter((self.annual, self.rotation, self.onboarding))

    def result(self, rule: Rule) -> RuleResult:
        return {Rule.ANNUAL: self.annual, Rule.ROTATION: self.rotation}.get(rule, self.onboarding)

    @property
    def attention(self) -> tuple[RuleResult, ...]:
        """Return the results that need action now: due soon or overdue."""
        return tuple(r for r in self if r.status in (Status.DUE_SOON, Status.OVERDUE))


def assess(facts: WorkerFacts, *, today: dt.date, policy: Policy) -> WorkerCompliance:
    """Return a worker's standing against all three rules."""
    return WorkerCompliance(
        facts.worker_id,
        annual_status(
            hours=facts.hours,
            previous_hours=facts.previous_hours,
            hire_date=facts.hire_date,
            today=today,
            policy=policy,
            evidence=facts.annual_evidence,
        ),
        rotation_status(
            hire_date=facts.hire_date, completions=facts.rotations, today=today, policy=policy
        ),
        onboarding_status(
            hire_date=facts.hire_date,
            first_posting=facts.first_posting,
            completions=facts.onboardings,
            today=today,
            policy=policy,
        ),
    )


@dataclass
class StatusCounts:
    """Counts of workers per status for each rule (one dashboard row)."""

    counts: dict[Rule, dict[Status, int]] = field(
        default_factory=lambda: {rule: dict.fromkeys(Status, 0) for rule in Rule}
    )
    workers: int = 0

    def add(self, compliance: WorkerCompliance) -> None:
        self.workers += 1
        for result in compliance:
            self.counts[result.rule][result.status] += 1

    def get(self, rule: Rule, status: Status) -> int:
        return self.counts[rule][status]
