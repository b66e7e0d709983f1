"""Pay and funds (§四.六, §五.二, §五.四): pay schemes as data, placements, the annual step run,
minimum-wage floors, work subsidies, employer insurance, earmarked fund sources with their
spending, and the county's annual self-inspection (自查).

Every change goes through ``compensation/services.py``; the arithmetic (placement level, pay
on a date, the floor check, missing insurance months, budget left) is pure in
``compensation/rules.py``. Money is ``Decimal`` yuan with two places.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluation.choices import Grade
from lms.fields import acting_user
from workforce.models import Federation, Worker, subtree_q

from .choices import PlacementReason, ProposalState, ReportState, Source, Use

ALL_MONTHS = (1 << 12) - 1


def money(verbose_name, **kwargs) -> models.DecimalField:
    """Return a yuan amount field: two places, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class FederationScopedQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "FederationScopedQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class PayScheme(models.Model):
    """A pay scheme (薪酬体系), e.g. 三岗十八级 or 三级九档: posts as ranges of levels on one
    ladder, pay tables by effective date, and the placement rule's numbers.

    A scheme applies to its federation's subtree unless a federation lower down has its own
    (the nearest one wins). Admin: 薪酬与经费 › 薪酬体系.
    """

    federation = models.OneToOneField(
        Federation, on_delete=models.PROTECT, related_name="pay_scheme", verbose_name=_("总工会")
    )
    name = models.CharField(_("名称"), max_length=50)
    years_per_step = models.PositiveSmallIntegerField(
        _("晋升一级所需年限"), default=3, validators=[MinValueValidator(1)]
    )
    bachelor_years = models.PositiveSmallIntegerField(_("本科学历视同工作年限"), default=3)
    master_years = models.PositiveSmallIntegerField(_("硕士学历视同工作年限"), default=5)
    doctorate_years = models.PositiveSmallIntegerField(_("博士学历视同工作年限"), default=7)
    excellent_run = models.PositiveSmallIntegerField(
        _("提前晋级所需连续优秀年数"), default=2, validators=[MinValueValidator(1)]
    )
    max_early_steps = models.PositiveSmallIntegerField(_("提前晋级次数上限"), default=2)
    assistant_levels = models.PositiveSmallIntegerField(_("助理社会工作师加级"), default=1)
    social_worker_levels = models.PositiveSmallIntegerField(_("社会工作师加级"), default=2)
    senior_levels = models.PositiveSmallIntegerField(_("高级社会工作师加级"), default=3)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("薪酬体系")
        verbose_name_plural = _("薪酬体系")
        ordering = ["federation__path"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post (岗位) of a scheme: a range of levels, e.g. 正职 7-18 in 三岗十八级."""

    scheme = models.ForeignKey(
        PayScheme, on_delete=models.CASCADE, related_name="posts", verbose_name=_("薪酬体系")
    )
    name = models.CharField(_("岗位"), max_length=30)
    lowest = models.PositiveSmallIntegerField(_("起始级"), validators=[MinValueValidator(1)])
    highest = models.PositiveSmallIntegerField(_("最高级"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="post_name_once_per_scheme"),
            models.CheckConstraint(
                condition=Q(highest__gte=models.F("lowest")), name="post_levels_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.lowest}-{self.highest}级）"


class PayTable(models.Model):
    """A scheme's pay table (薪酬标准) in force from a date: a monthly amount per level and
    the allowances (津贴). The latest table on or before a date is the one in force."""

    scheme = models.ForeignKey(
        PayScheme, on_delete=models.CASCADE, related_name="tables", verbose_name=_("薪酬体系")
    )
    effective_from = models.DateField(_("执行日期"))
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("薪酬标准")
        verbose_name_plural = _("薪酬标准")
        ordering = ["scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "effective_from"], name="pay_table_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return _("%(scheme)s（%(date)s起）") % {
            "scheme": self.scheme,
            "date": self.effective_from.isoformat(),
        }


class PayRate(models.Model):
    """The monthly pay (月薪) of one level in a pay table."""

    table = models.ForeignKey(
        PayTable, on_delete=models.CASCADE, related_name="rates", verbose_name=_("薪酬标准")
    )
    level = models.PositiveSmallIntegerField(_("级"), validators=[MinValueValidator(1)])
    monthly = money(_("月薪（元）"))

    class Meta:
        verbose_name = _("级别工资")
        verbose_name_plural = _("级别工资")
        ordering = ["table", "level"]
        constraints = [
            models.UniqueConstraint(fields=["table", "level"], name="pay_rate_once_per_level")
        ]

    def __str__(self) -> str:
        return _("%(level)s级 %(monthly)s元") % {"level": self.level, "monthly": self.monthly}


class Allowance(models.Model):
    """A monthly allowance (津贴) of a pay table, for everyone or for one qualification."""

    table = models.ForeignKey(
        PayTable, on_delete=models.CASCADE, related_name="allowances", verbose_name=_("薪酬标准")
    )
    name = models.CharField(_("名称"), max_length=50)
    qualification = models.CharField(
        _("适用职业资格"),
        max_length=20,
        choices=Worker.Qualification.choices,
        blank=True,
        help_text=_("留空表示所有人员。"),
    )
    monthly = money(_("每月（元）"))

    class Meta:
        verbose_name = _("津贴")
        verbose_name_plural = _("津贴")
        ordering = ["table", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.monthly}"


class SubsidyRate(models.Model):
    """The yearly work subsidy (工作补贴) of part-time party-mass workers (党群工作者兼职) for
    an assessment grade, in force from a date."""

    scheme = models.ForeignKey(
        PayScheme, on_delete=models.CASCADE, related_name="subsidies", verbose_name=_("薪酬体系")
    )
    grade = models.PositiveSmallIntegerField(_("考核等次"), choices=Grade.choices)
    yearly = money(_("每年（元）"))
    effective_from = models.DateField(_("执行日期"))

    class Meta:
        verbose_name = _("兼职工作补贴标准")
        verbose_name_plural = _("兼职工作补贴标准")
        ordering = ["scheme", "-effective_from", "-grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "grade", "effective_from"], name="subsidy_once_per_grade_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.yearly}"


class Placement(models.Model):
    """A worker's post and level (岗位等级) from a date: effective-dated history, never edited.

    The latest placement on or before a date is the one in force; a change is a new row.
    """

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="placements", verbose_name=_("人员")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="placements", verbose_name=_("岗位")
    )
    level = models.PositiveSmallIntegerField(_("级"), validators=[MinValueValidator(1)])
    effective_from = models.DateField(_("执行日期"))
    reason = models.CharField(
        _("类型"), max_length=10, choices=PlacementReason.choices, default=PlacementReason.INITIAL
    )
    note = models.TextField(_("依据"), blank=True)
    created_by = acting_user(_("经办人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位等级")
        verbose_name_plural = _("岗位等级")
        ordering = ["worker", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "effective_from"], name="placement_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return _("%(post)s%(level)s级") % {"post": self.post.name, "level": self.level}


class StepRun(models.Model):
    """The annual step run (年度晋档) of a federation: proposals that staff confirm or reject.

    Confirmed proposals become placements from ``effective_from``.
    """

    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="step_runs", verbose_name=_("总工会")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    effective_from = models.DateField(_("执行日期"))
    created_by = acting_user(_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度晋档")
        verbose_name_plural = _("年度晋档")
        ordering = ["-year", "federation__path"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "year"], name="step_run_once_per_year")
        ]

    def __str__(self) -> str:
        return _("%(federation)s %(year)s年度晋档") % {
            "federation": self.federation.display_name,
            "year": self.year,
        }


class StepProposal(models.Model):
    """One worker's proposed level change in a step run, with the reasons from the record."""

    run = models.ForeignKey(
        StepRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("年度晋档")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="step_proposals", verbose_name=_("人员")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("岗位")
    )
    from_level = models.PositiveSmallIntegerField(_("现级"))
    to_level = models.PositiveSmallIntegerField(_("拟调整为"))
    reasons = models.JSONField(_("依据"), default=list)
    state = models.PositiveSmallIntegerField(
        _("状态"), choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    placement = models.OneToOneField(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("岗位等级"),
    )
    decided_by = acting_user(_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("晋档建议")
        verbose_name_plural = _("晋档建议")
        ordering = ["run", "worker__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "worker"], name="proposal_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.from_level} → {self.to_level}"


class MinimumWage(models.Model):
    """The monthly minimum wage (最低工资标准) of a tier (档) from a date: editable data.

    Sichuan has three tiers and changes the amounts every few years; the latest row of a
    tier on or before a date is in force. Admin: 薪酬与经费 › 最低工资标准.
    """

    tier = models.PositiveSmallIntegerField(
        _("档次"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    monthly = money(_("月最低工资（元）"))
    effective_from = models.DateField(_("执行日期"))
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["-effective_from", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "effective_from"], name="wage_once_per_date")
        ]

    def __str__(self) -> str:
        return _("第%(tier)s档 %(monthly)s元（%(date)s起）") % {
            "tier": self.tier,
            "monthly": self.monthly,
            "date": self.effective_from.isoformat(),
        }


class TierAssignment(models.Model):
    """Which minimum-wage tier a county-level federation is in, from a date.

    A federation without one takes its nearest ancestor's.
    """

    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, related_name="wage_tiers", verbose_name=_("总工会")
    )
    tier = models.PositiveSmallIntegerField(
        _("档次"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    effective_from = models.DateField(_("执行日期"))

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("最低工资档次")
        verbose_name_plural = _("最低工资档次")
        ordering = ["federation__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "effective_from"], name="tier_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return _("%(federation)s 第%(tier)s档（%(date)s起）") % {
            "federation": self.federation.display_name,
            "tier": self.tier,
            "date": self.effective_from.isoformat(),
        }


class InsuranceYear(models.Model):
    """The months of a year for which the employer paid a worker's social insurance (社会保险).

    ``months`` is a bit set: bit 0 is January. Admin: 薪酬与经费 › 社会保险.
    """

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="insurance_years", verbose_name=_("人员")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    months = models.PositiveSmallIntegerField(
        _("已缴月份"), default=0, validators=[MaxValueValidator(ALL_MONTHS)]
    )
    updated_by = acting_user(_("经办人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("社会保险缴纳")
        verbose_name_plural = _("社会保险缴纳")
        ordering = ["-year", "worker__name"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "year"], name="insurance_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.year}"

    def paid(self) -> list[int]:
        return [month for month in range(1, 13) if self.months & (1 << (month - 1))]


class FundSource(models.Model):
    """One earmarked fund source (专项经费来源) of a county-level federation in a year, with
    its budget. Spending is charged to it and never past what is left. Admin: 经费台账."""

    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="fund_sources", verbose_name=_("总工会")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    budget = money(_("预算（元）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费来源")
        verbose_name_plural = _("经费来源")
        ordering = ["-year", "federation__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year", "kind"], name="fund_source_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation.display_name} {self.year} {self.get_kind_display()}"


class SpendingQuerySet(models.QuerySet):
    def standing(self) -> "SpendingQuerySet":
        """Spending not voided: what counts against a budget."""
        return self.filter(voided_at__isnull=True)


class Spending(models.Model):
    """A spending record (支出) charged to a fund source: pay, insurance, a subsidy or training,
    optionally for one worker. A wrong record is voided with a reason, never deleted."""

    source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, related_name="spendings", verbose_name=_("经费来源")
    )
    use = models.CharField(_("用途"), max_length=20, choices=Use.choices)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("人员"),
    )
    spent_on = models.DateField(_("支出日期"))
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    created_by = acting_user(_("经办人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = acting_user(_("作废人"))
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = SpendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["-spent_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive")]
        indexes = [models.Index(fields=["source", "voided_at"], name="spending_source_standing")]

    def __str__(self) -> str:
        return f"{self.get_use_display()} {self.amount}"


class SelfInspection(models.Model):
    """A county-level federation's annual self-inspection report (年度自查报告, §五.四).

    The figures come from the records: live while the report is a draft, frozen into
    ``figures`` when it is submitted to the city. Staff write only the remarks and actions.
    """

    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        related_name="self_inspections",
        verbose_name=_("总工会"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.PositiveSmallIntegerField(
        _("状态"), choices=ReportState.choices, default=ReportState.DRAFT
    )
    remarks = models.TextField(_("自查情况说明"), blank=True)
    corrective_actions = models.TextField(_("整改措施"), blank=True)
    figures = models.JSONField(_("数据"), null=True, blank=True, editable=False)
    submitted_by = acting_user(_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_by = acting_user(_("审阅人"))
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    review_comment = models.TextField(_("审阅意见"), blank=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度自查报告")
        verbose_name_plural = _("年度自查报告")
        ordering = ["-year", "federation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year"], name="self_inspection_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return _("%(federation)s %(year)s年度自查报告") % {
            "federation": self.federation.display_name,
            "year": self.year,
        }
