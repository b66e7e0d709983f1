"""Every change to pay and funds: schemes, posts, pay tables, subsidies, placements, the annual
step run, minimum wages and tiers, insurance, fund sources, spending and self-inspections.

Each service checks who acts (``by``) before it changes anything, runs in one transaction and
writes an audit entry. Charges are decided under a lock on the fund source (``lms.locking``):
two staff spending the last of a budget at once give one charge and one refusal. A refusal is
a ``CompensationError`` whose message is shown.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms.errors import DomainError
from lms.locking import lock, lock_all
from workforce.models import Federation, Worker

from . import inspection, notifications, rules, selectors
from .choices import REPORT_EDITABLE, PlacementReason, ProposalState, ReportState, Source, Use
from .models import (
    Allowance,
    FundSource,
    InsuranceYear,
    MinimumWage,
    PayRate,
    PayScheme,
    PayTable,
    Placement,
    Post,
    SelfInspection,
    Spending,
    StepProposal,
    StepRun,
    SubsidyRate,
    TierAssignment,
)
from .permissions import keeps_wages, manages, manages_above


class CompensationError(DomainError):
    """A pay or funds change the rules refuse; the message is shown to the user."""


LOG_ACTIONS = {
    "compensation.pay_table": gettext_lazy("修改薪酬标准"),
    "compensation.subsidies": gettext_lazy("修改兼职工作补贴标准"),
    "compensation.place": gettext_lazy("定级"),
    "compensation.step_run": gettext_lazy("生成晋档建议"),
    "compensation.step_decide": gettext_lazy("确认晋档"),
    "compensation.wage": gettext_lazy("修改最低工资标准"),
    "compensation.tier": gettext_lazy("设定最低工资档次"),
    "compensation.insurance": gettext_lazy("登记社会保险"),
    "compensation.budget": gettext_lazy("修改经费预算"),
    "compensation.charge": gettext_lazy("登记支出"),
    "compensation.void": gettext_lazy("作废支出"),
    "compensation.report_submit": gettext_lazy("报送自查报告"),
    "compensation.report_review": gettext_lazy("审阅自查报告"),
}

SCHEME_FIELDS = frozenset(
    {
        "name",
        "years_per_step",
        "bachelor_years",
        "master_years",
        "doctorate_years",
        "excellent_run",
        "max_early_steps",
        "assistant_levels",
        "social_worker_levels",
        "senior_levels",
    }
)


def _on_commit(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs))


def _require_manages(by, federation: Federation) -> None:
    if not manages(by, federation):
        raise CompensationError(_("您无权管理该总工会。"))


def _require(decision) -> None:
    if not decision:
        raise CompensationError(decision.reason)


def _county_level(federation: Federation) -> None:
    if federation.depth != 2:
        raise CompensationError(_("经费台账和自查报告按县级总工会填报。"))


# Schemes, posts, pay tables, subsidies ----------------------------------------------------------


def save_scheme(
    *, by, federation: Federation, scheme: PayScheme | None = None, **values
) -> PayScheme:
    """Create the federation's pay scheme, or change its name and numbers."""
    _require_manages(by, scheme.federation if scheme else federation)
    unknown = set(values) - SCHEME_FIELDS
    if unknown:
        raise TypeError(f"Unknown scheme fields: {sorted(unknown)}")
    if values.get("years_per_step", 1) < 1 or values.get("excellent_run", 1) < 1:
        raise CompensationError(_("晋升年限和连续优秀年数至少为 1。"))
    try:
        with transaction.atomic():
            if scheme is None:
                scheme = PayScheme.objects.create(federation=federation, **values)
                log(scheme, "wagtail.create", user=by)
            else:
                for name, value in values.items():
                    setattr(scheme, name, value)
                scheme.save()
                log(scheme, "wagtail.edit", user=by, data={"fields": sorted(values)})
    except IntegrityError:
        raise CompensationError(_("该总工会已有薪酬体系。")) from None
    return scheme


def save_post(
    *,
    by,
    scheme: PayScheme,
    name: str,
    lowest: int,
    highest: int,
    order: int = 0,
    post: Post | None = None,
) -> Post:
    """Add a post to a scheme, or change one; levels already held must stay inside it."""
    _require_manages(by, scheme.federation)
    if not 1 <= lowest <= highest:
        raise CompensationError(_("起始级须不小于 1，且不高于最高级。"))
    with transaction.atomic():
        if post is not None:
            held = post.placements.exclude(level__range=(lowest, highest)).exists()
            if held:
                raise CompensationError(
                    _("已有人员定级在 %(lowest)s-%(highest)s 级之外，不能缩小该岗位的等级范围。")
                    % {"lowest": lowest, "highest": highest}
                )
        try:
            with transaction.atomic():
                post, created = Post.objects.update_or_create(
                    pk=post.pk if post else None,
                    defaults={
                        "scheme": scheme,
                        "name": name.strip(),
                        "lowest": lowest,
                        "highest": highest,
                        "order": order,
                    },
                )
        except IntegrityError:
            raise CompensationError(
                _("该薪酬体系已有名为“%(name)s”的岗位。") % {"name": name}
            ) from None
        log(post, "wagtail.create" if created else "wagtail.edit", user=by)
    return post


def _ladder(scheme: PayScheme) -> set[int]:
    levels: set[int] = set()
    for lowest, highest in scheme.posts.values_list("lowest", "highest"):
        levels.update(range(lowest, highest + 1))
    return levels


def save_pay_table(
    *,
    by,
    scheme: PayScheme,
    effective_from: dt.date,
    rates: dict[int, Decimal],
    allowances: list[tuple[str, str, Decimal]] = (),
    note: str = "",
    table: PayTable | None = None,
) -> PayTable:
    """Set the pay table in force from ``effective_from``: an amount for every level of the
    scheme's posts, and the allowances (name, qualification or "", monthly amount).

    A table's rows are replaced as a whole; pay before its date is untouched.
    """
    _require_manages(by, scheme.federation)
    ladder = _ladder(scheme)
    if not ladder:
        raise CompensationError(_("请先为薪酬体系设置岗位。"))
    missing = sorted(ladder - set(rates))
    if missing:
        raise CompensationError(
            _("缺少以下级别的月薪：%(levels)s。") % {"levels": "、".join(map(str, missing))}
        )
    extra = sorted(set(rates) - ladder)
    if extra:
        raise CompensationError(
            _("以下级别不属于任何岗位：%(levels)s。") % {"levels": "、".join(map(str, extra))}
        )
    if any(amount is None or amount <= 0 for amount in rates.values()):
        raise CompensationError(_("月薪须大于零。"))
    if any(amount is None or amount < 0 for _name, _qual, amount in allowances):
        raise CompensationError(_("津贴金额不能为负数。"))
    try:
        with transaction.atomic():
            if table is None:
                table = PayTable.objects.create(
                    scheme=scheme, effective_from=effective_from, note=note
                )
            else:
                table.effective_from, table.note = effective_from, note
                table.save()
                table.rates.all().delete()
                table.allowances.all().delete()
            PayRate.objects.bulk_create(
                PayRate(table=table, level=level, monthly=amount) for level, amount in rates.items()
            )
            Allowance.objects.bulk_create(
                Allowance(table=table, name=name, qualification=qualification, monthly=amount)
                for name, qualification, amount in allowances
            )
            log(
                table,
                "compensation.pay_table",
                user=by,
                data={
                    "effective_from": effective_from.isoformat(),
                    "rates": {str(level): str(amount) for level, amount in sorted(rates.items())},
                    "allowances": [[n, q, str(a)] for n, q, a in allowances],
                },
            )
    except IntegrityError:
        raise CompensationError(
            _("%(date)s 起已有一份薪酬标准。") % {"date": effective_from.isoformat()}
        ) from None
    return table


def set_subsidies(
    *, by, scheme: PayScheme, effective_from: dt.date, yearly: dict[int, Decimal]
) -> list[SubsidyRate]:
    """Set the part-time work subsidy per grade from ``effective_from`` (replacing that date's)."""
    _require_manages(by, scheme.federation)
    if any(amount < 0 for amount in yearly.values()):
        raise CompensationError(_("补贴金额不能为负数。"))
    with transaction.atomic():
        scheme.subsidies.filter(effective_from=effective_from).delete()
        rows = SubsidyRate.objects.bulk_create(
            SubsidyRate(scheme=scheme, grade=grade, yearly=amount, effective_from=effective_from)
            for grade, amount in sorted(yearly.items())
        )
        log(
            scheme,
            "compensation.subsidies",
            user=by,
            data={
                "effective_from": effective_from.isoformat(),
                "yearly": {str(grade): str(amount) for grade, amount in yearly.items()},
            },
        )
    return rows


# Placements and the step run --------------------------------------------------------------------


def place_worker(
    *,
    by,
    worker: Worker,
    post: Post,
    level: int,
    effective_from: dt.date,
    note: str = "",
    reason: str = PlacementReason.INITIAL,
) -> Placement:
    """Place a worker in a post at a level from a date (a new row of the history)."""
    _require_manages(by, worker.federation)
    scheme = selectors.scheme_for(worker.federation)
    if scheme is None or post.scheme_id != scheme.pk:
        raise CompensationError(_("该岗位不属于此人员所在总工会适用的薪酬体系。"))
    if not post.lowest <= level <= post.highest:
        raise CompensationError(
            _("%(post)s的等级须在 %(lowest)s-%(highest)s 级之间。")
            % {"post": post.name, "lowest": post.lowest, "highest": post.highest}
        )
    if effective_from < worker.hire_date:
        raise CompensationError(_("执行日期不能早于聘用日期。"))
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                worker=worker,
                post=post,
                level=level,
                effective_from=effective_from,
                reason=reason,
                note=note,
                created_by=by,
            )
            log(
                worker,
                "compensation.place",
                user=by,
                data={"post": post.name, "level": level, "from": effective_from.isoformat()},
            )
    except IntegrityError:
        raise CompensationError(
            _("%(worker)s 在 %(date)s 已有一条定级记录。")
            % {"worker": worker, "date": effective_from.isoformat()}
        ) from None
    return placement


def propose_steps(*, by, federation: Federation, year: int, effective_from: dt.date) -> StepRun:
    """Propose the year's level changes for the federation's active workers, from the record.

    Run again, it refreshes the proposals not yet decided and keeps the decided ones. A worker
    is proposed only when the record gives a higher level than the one in force; nothing
    lowers pay.
    """
    _require_manages(by, federation)
    if effective_from.year != year:
        raise CompensationError(_("执行日期须在该年度内。"))
    with transaction.atomic():
        run, created = StepRun.objects.get_or_create(
            federation=federation,
            year=year,
            defaults={"effective_from": effective_from, "created_by": by},
        )
        if not created and run.effective_from != effective_from:
            if run.proposals.exclude(state=ProposalState.PROPOSED).exists():
                raise CompensationError(_("已有确认的晋档，不能更改执行日期。"))
            run.effective_from = effective_from
            run.save(update_fields=["effective_from"])
        decided = set(
            run.proposals.exclude(state=ProposalState.PROPOSED).values_list("worker_id", flat=True)
        )
        run.proposals.filter(state=ProposalState.PROPOSED).delete()
        proposals = [
            StepProposal(
                run=run,
                worker_id=worker_id,
                post_id=post_id,
                from_level=current,
                to_level=breakdown.level,
                reasons=list(breakdown.reasons),
            )
            for worker_id, post_id, current, breakdown in selectors.step_candidates(
                federation, on=effective_from
            )
            if worker_id not in decided
        ]
        StepProposal.objects.bulk_create(proposals)
        log(run, "compensation.step_run", user=by, data={"proposals": len(proposals)})
    return run


def decide_proposals(
    *, by, run: StepRun, confirm: list[int] = (), reject: list[int] = ()
) -> list[Placement]:
    """Confirm some proposals (each becomes a placement from the run's date) and reject others.

    A proposal whose worker's level changed since it was made is refused: run the step run
    again to refresh it.
    """
    _require_manages(by, run.federation)
    now = timezone.now()
    placements = []
    with transaction.atomic():
        proposals = lock_all(
            run.proposals.filter(pk__in=[*confirm, *reject]).select_related("worker", "post")
        )
        for proposal in proposals:
            if proposal.state != ProposalState.PROPOSED:
                raise CompensationError(
                    _("%(worker)s 的晋档建议已处理。") % {"worker": proposal.worker}
                )
        current = selectors.levels_on(
            [proposal.worker_id for proposal in proposals], run.effective_from
        )
        for proposal in proposals:
            if proposal.pk in confirm:
                if current.get(proposal.worker_id) != (proposal.post_id, proposal.from_level):
                    raise CompensationError(
                        _("%(worker)s 的岗位等级已变动，请重新生成晋档建议。")
                        % {"worker": proposal.worker}
                    )
                proposal.placement = place_worker(
                    by=by,
                    worker=proposal.worker,
                    post=proposal.post,
                    level=proposal.to_level,
                    effective_from=run.effective_from,
                    note="\n".join(proposal.reasons),
                    reason=PlacementReason.STEP,
                )
                placements.append(proposal.placement)
                proposal.state = ProposalState.CONFIRMED
            else:
                proposal.state = ProposalState.REJECTED
            proposal.decided_by, proposal.decided_at = by, now
            proposal.save(update_fields=["state", "placement", "decided_by", "decided_at"])
        log(
            run,
            "compensation.step_decide",
            user=by,
            data={
                "confirmed": [p.worker_id for p in proposals if p.state == ProposalState.CONFIRMED],
                "rejected": [p.worker_id for p in proposals if p.state == ProposalState.REJECTED],
            },
        )
    return placements


# Floors, tiers, insurance -----------------------------------------------------------------------


def save_minimum_wage(
    *,
    by,
    tier: int,
    monthly: Decimal,
    effective_from: dt.date,
    note: str = "",
    wage: MinimumWage | None = None,
) -> MinimumWage:
    """Record a tier's minimum wage from a date (the city keeps the province's table)."""
    if not keeps_wages(by):
        raise CompensationError(_("只有市总工会可以维护最低工资标准。"))
    if monthly <= 0:
        raise CompensationError(_("月最低工资须大于零。"))
    try:
        with transaction.atomic():
            wage, created = MinimumWage.objects.update_or_create(
                pk=wage.pk if wage else None,
                defaults={
                    "tier": tier,
                    "monthly": monthly,
                    "effective_from": effective_from,
                    "note": note,
                },
            )
            log(
                wage,
                "compensation.wage",
                user=by,
                data={"tier": tier, "monthly": str(monthly), "from": effective_from.isoformat()},
            )
    except IntegrityError:
        raise CompensationError(
            _("第%(tier)s档在 %(date)s 已有标准。")
            % {"tier": tier, "date": effective_from.isoformat()}
        ) from None
    return wage


def assign_tier(
    *, by, federation: Federation, tier: int, effective_from: dt.date
) -> TierAssignment:
    """Put a federation in a minimum-wage tier from a date (set by the federation above it)."""
    if not manages_above(by, federation):
        raise CompensationError(_("最低工资档次由上级总工会设定。"))
    with transaction.atomic():
        assignment, _created = TierAssignment.objects.update_or_create(
            federation=federation, effective_from=effective_from, defaults={"tier": tier}
        )
        log(
            assignment,
            "compensation.tier",
            user=by,
            data={"tier": tier, "from": effective_from.isoformat()},
        )
    return assignment


def record_insurance(*, by, worker: Worker, year: int, months: list[int]) -> InsuranceYear:
    """Record the months of ``year`` the employer paid the worker's social insurance."""
    _require_manages(by, worker.federation)
    if any(not 1 <= month <= 12 for month in months):
        raise CompensationError(_("月份须在 1-12 之间。"))
    with transaction.atomic():
        record, _created = InsuranceYear.objects.update_or_create(
            worker=worker,
            year=year,
            defaults={"months": rules.months_bits(months), "updated_by": by},
        )
        log(
            worker, "compensation.insurance", user=by, data={"year": year, "months": sorted(months)}
        )
    return record


# Funds ------------------------------------------------------------------------------------------


def save_fund_source(
    *,
    by,
    federation: Federation,
    year: int,
    kind: str,
    budget: Decimal,
    note: str = "",
) -> FundSource:
    """Set a county's budget from one source for a year; never below what is spent from it."""
    _require_manages(by, federation)
    _county_level(federation)
    if kind not in Source.values:
        raise CompensationError(_("未知的经费来源。"))
    with transaction.atomic():
        source, created = FundSource.objects.get_or_create(
            federation=federation, year=year, kind=kind, defaults={"budget": budget, "note": note}
        )
        if not created:
            source = lock(FundSource, source.pk)
            _require(rules.may_set_budget(budget=budget, spent=selectors.spent_of(source)))
            previous = source.budget
            source.budget, source.note = budget, note
            source.save(update_fields=["budget", "note"])
        log(
            source,
            "compensation.budget",
            user=by,
            data={"budget": str(budget), "previous": None if created else str(previous)},
        )
    return source


def charge(
    *,
    by,
    source: FundSource,
    use: str,
    amount: Decimal,
    spent_on: dt.date,
    worker: Worker | None = None,
    note: str = "",
) -> Spending:
    """Charge a spending to a source, refused past the source's remaining budget (under a lock)."""
    _require_manages(by, source.federation)
    if use not in Use.values:
        raise CompensationError(_("未知的支出用途。"))
    if spent_on.year != source.year:
        raise CompensationError(_("支出日期须在经费来源的年度内。"))
    if worker is not None and not worker.federation.path.startswith(source.federation.path):
        raise CompensationError(_("该人员不属于本总工会。"))
    with transaction.atomic():
        source = lock(FundSource, source.pk)
        _require(
            rules.may_charge(budget=source.budget, spent=selectors.spent_of(source), amount=amount)
        )
        spending = Spending.objects.create(
            source=source,
            use=use,
            amount=amount,
            worker=worker,
            spent_on=spent_on,
            note=note,
            created_by=by,
        )
        log(
            source,
            "compensation.charge",
            user=by,
            data={
                "spending": spending.pk,
                "use": use,
                "amount": str(amount),
                "worker": worker.pk if worker else None,
            },
        )
    return spending


def void_spending(*, by, spending: Spending, reason: str) -> Spending:
    """Void a wrong spending record with a reason; it stops counting against the budget."""
    _require_manages(by, spending.source.federation)
    if not reason.strip():
        raise CompensationError(_("请填写作废原因。"))
    with transaction.atomic():
        spending = lock(Spending, spending.pk)
        if spending.voided_at is not None:
            raise CompensationError(_("该支出已作废。"))
        spending.voided_at, spending.voided_by, spending.void_reason = timezone.now(), by, reason
        spending.save(update_fields=["voided_at", "voided_by", "void_reason"])
        log(
            spending.source,
            "compensation.void",
            user=by,
            data={"spending": spending.pk, "amount": str(spending.amount), "reason": reason},
        )
    return spending


# Self-inspection --------------------------------------------------------------------------------


def start_report(*, by, federation: Federation, year: int) -> SelfInspection:
    """Open the county's self-inspection for a year (the same one when it exists)."""
    _require_manages(by, federation)
    _county_level(federation)
    with transaction.atomic():
        report, created = SelfInspection.objects.get_or_create(federation=federation, year=year)
        if created:
            log(report, "wagtail.create", user=by)
    return report


def save_report_text(
    *, by, report: SelfInspection, remarks: str, corrective_actions: str
) -> SelfInspection:
    """Save the county's remarks and corrective actions while the report is open."""
    _require_manages(by, report.federation)
    with transaction.atomic():
        report = lock(SelfInspection, report.pk)
        if report.state not in REPORT_EDITABLE:
            raise CompensationError(_("自查报告已报送，不能修改。"))
        report.remarks, report.corrective_actions = remarks, corrective_actions
        report.save(update_fields=["remarks", "corrective_actions"])
        log(report, "wagtail.edit", user=by)
    return report


def submit_report(*, by, report: SelfInspection, today: dt.date) -> SelfInspection:
    """Submit the report to the city, freezing the figures as they stand."""
    _require_manages(by, report.federation)
    with transaction.atomic():
        report = lock(SelfInspection.objects.select_related("federation"), report.pk)
        if report.state not in REPORT_EDITABLE:
            raise CompensationError(_("自查报告已报送。"))
        if not report.remarks.strip():
            raise CompensationError(_("请先填写自查情况说明。"))
        report.figures = inspection.gather(report.federation, year=report.year, today=today)
        report.state = ReportState.SUBMITTED
        report.submitted_by, report.submitted_at = by, timezone.now()
        report.save(update_fields=["figures", "state", "submitted_by", "submitted_at"])
        log(report, "compensation.report_submit", user=by)
        _on_commit(notifications.send_report_state, report.pk)
    return report


def review_report(*, by, report: SelfInspection, accept: bool, comment: str = "") -> SelfInspection:
    """The city acknowledges a submitted report, or returns it with comments."""
    if not manages_above(by, report.federation):
        raise CompensationError(_("自查报告由上级总工会审阅。"))
    if not accept and not comment.strip():
        raise CompensationError(_("退回时请填写意见。"))
    with transaction.atomic():
        report = lock(SelfInspection, report.pk)
        if report.state != ReportState.SUBMITTED:
            raise CompensationError(_("只能审阅已报送的自查报告。"))
        report.state = ReportState.ACKNOWLEDGED if accept else ReportState.RETURNED
        report.reviewed_by, report.reviewed_at = by, timezone.now()
        report.review_comment = comment
        report.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        log(
            report,
            "compensation.report_review",
            user=by,
            data={"accepted": accept, "comment": comment},
        )
        _on_commit(notifications.send_report_state, report.pk)
    return report
