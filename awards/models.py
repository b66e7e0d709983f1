"""Awards (§四.四): awards as data, campaigns with places reserved for socialized workers,
allocations to county-level federations, nominations with review rounds, the public notice
(公示) with objections, and the honours won.

Every change goes through ``awards/services.py``; the arithmetic (reserved places, category
constraints, eligibility, the notice window in working days) is pure in ``awards/rules.py``.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.fields import acting_user
from workforce.models import Federation, Worker, subtree_q

from .choices import HOLDS_PLACE, Bound, Category, Level, ObjectionState, Outcome, State


def _private_path(folder: str, filename: str) -> str:
    # Attachments hold personal details: an unguessable name, served only through a staff view.
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"awards/{folder}/{secrets.token_hex(12)}{suffix}"


def deeds_path(instance, filename: str) -> str:
    return _private_path("deeds", filename)


def objection_path(instance, filename: str) -> str:
    return _private_path("objections", filename)


class Award(models.Model):
    """An award (荣誉), e.g. 五一劳动奖章 at the provincial level: data, not code.

    Awards of the same ``name`` at different levels are the same award for eligibility: a past
    winner at the same or a higher level is not eligible again.
    """

    name = models.CharField(_("荣誉名称"), max_length=50)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "level"], name="award_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.name}"


class CampaignQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "CampaignQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class Campaign(models.Model):
    """A selection (评选活动): an award in a year, run by a federation.

    ``reserved_places`` is set from ``total_places`` and ``reserved_percent`` by the rule
    (rounded up). The notice window is set when the city puts nominations on notice.
    """

    award = models.ForeignKey(
        Award, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("荣誉")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("组织单位")
    )
    total_places = models.PositiveSmallIntegerField(
        _("名额总数"), validators=[MinValueValidator(1)]
    )
    reserved_percent = models.PositiveSmallIntegerField(
        _("社会化工会工作者预留比例（%）"), validators=[MaxValueValidator(100)]
    )
    reserved_places = models.PositiveSmallIntegerField(_("预留名额"))
    nominate_from = models.DateField(_("推荐开始"))
    nominate_until = models.DateField(_("推荐截止"))
    review_rounds = models.PositiveSmallIntegerField(
        _("审核轮次"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    notice_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    min_service_years = models.PositiveSmallIntegerField(_("最低工作年限"))
    clean_grade_years = models.PositiveSmallIntegerField(_("无不合格等次年限"))
    created_by = acting_user(_("创建人"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year", "award"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "year", "federation"], name="campaign_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(nominate_from__lte=models.F("nominate_until")),
                name="campaign_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.award}"


class AllocationQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "AllocationQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class Allocation(models.Model):
    """Reserved places of a campaign given to a county-level federation (名额分配), maybe typed."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("评选活动")
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("总工会")
    )
    places = models.PositiveSmallIntegerField(_("名额"), validators=[MinValueValidator(1)])
    label = models.CharField(
        _("名额类型"), max_length=50, blank=True, help_text=_("如：基层一线职工；留空为不限")
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("名额分配")
        verbose_name_plural = _("名额分配")
        ordering = ["campaign", "federation__path", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "federation", "label"], name="allocation_once_per_label"
            )
        ]

    def __str__(self) -> str:
        label = f"（{self.label}）" if self.label else ""
        return f"{self.federation.display_name}{label} {self.places}"


class Constraint(models.Model):
    """A category share the whole nominee list must meet, e.g. 一线职工 不低于 60%."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="constraints", verbose_name=_("评选活动")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    bound = models.CharField(_("要求"), max_length=3, choices=Bound.choices)
    percent = models.PositiveSmallIntegerField(_("比例（%）"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("比例要求")
        verbose_name_plural = _("比例要求")
        ordering = ["campaign", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category", "bound"], name="constraint_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}{self.get_bound_display()}{self.percent}%"


class NominationQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "NominationQuerySet":
        return self.filter(subtree_q(paths, "allocation__federation__"))

    def holding(self) -> "NominationQuerySet":
        return self.filter(state__in=HOLDS_PLACE)


class Nomination(models.Model):
    """A worker nominated into an allocation, with deeds, categories and the unit's opinion."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("名额")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("评选活动")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("被推荐人")
    )
    state = models.PositiveSmallIntegerField(_("状态"), choices=State.choices, default=State.DRAFT)
    categories = models.JSONField(_("类别"), default=list, blank=True)
    deeds = models.TextField(_("事迹材料"), max_length=5000)
    summary = models.CharField(_("事迹摘要（公示用）"), max_length=200)
    deeds_file = models.FileField(_("事迹材料附件"), upload_to=deeds_path, blank=True)
    unit_opinion = models.CharField(_("所在单位意见"), max_length=500)
    round = models.PositiveSmallIntegerField(_("已通过轮次"), default=0)
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    nominated_by = acting_user(_("推荐人"))
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["campaign", "allocation__federation__path", "worker__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "worker"],
                condition=Q(state__in=[int(s) for s in HOLDS_PLACE]),
                name="nomination_once_per_campaign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker.name}（{self.campaign}）"

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels[c]) for c in self.categories if c in labels]


class ReviewRound(models.Model):
    """One review round of a nomination by the city: comment, optional score, outcome."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("推荐")
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    comment = models.CharField(_("审核意见"), max_length=500)
    score = models.DecimalField(
        _("评分"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    reviewer = acting_user(_("审核人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["nomination", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_outcome_display()}"


class Objection(models.Model):
    """An objection (异议) filed during the notice, under the objector's real name."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="objections", verbose_name=_("推荐")
    )
    reference = models.CharField(_("受理编号"), max_length=20, unique=True)
    name = models.CharField(_("姓名或单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20)
    content = models.TextField(_("异议内容"), max_length=3000)
    attachment = models.FileField(_("附件"), upload_to=objection_path, blank=True)
    state = models.PositiveSmallIntegerField(
        _("处理状态"), choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    answer = models.CharField(_("处理意见"), max_length=500, blank=True)
    handled_by = acting_user(_("处理人"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class Honour(models.Model):
    """An award a worker holds: from an approved nomination, or recorded from before."""

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="honours", verbose_name=_("获奖人")
    )
    award = models.ForeignKey(
        Award, on_delete=models.PROTECT, related_name="honours", verbose_name=_("荣誉")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="honour",
        verbose_name=_("推荐"),
    )  # fmt: skip
    recorded_by = acting_user(_("登记人"))

    class Meta:
        verbose_name = _("获奖记录")
        verbose_name_plural = _("获奖记录")
        ordering = ["-year", "award"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "award", "year"], name="honour_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.award}"
