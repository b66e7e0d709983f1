"""Mentoring (§四.三 高师带徒, 结对提升): mentors, pairings, goals, meeting logs and reviews.

Every change goes through ``mentorship/services.py``; the rules it applies are pure functions in
``mentorship/rules.py``. Staff manage mentors and pairings in the admin (导师带徒); mentors and
apprentices work on their own pages (我的徒弟, 我的导师).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workforce.models import Federation, Worker, subtree_q

from .choices import Competence, Expertise, Kind, MeetingForm


class MentorQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "MentorQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class Mentor(models.Model):
    """A mentor (导师): a person with an account, a union cadre or a senior worker.

    ``load_limit`` None follows the federation's policy (``mentor_load_limit``). A paused
    mentor keeps their pairings but takes no new one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentor",
        verbose_name=_("账号"),
    )
    worker = models.OneToOneField(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor",
        verbose_name=_("社会化工会工作者"),
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="mentors", verbose_name=_("所属总工会")
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    expertise = models.JSONField(_("专长"), default=list, blank=True)
    bio = models.TextField(_("简介"), max_length=1000, blank=True)
    experience_since = models.DateField(
        _("从事工会工作起始日期"), null=True, blank=True, help_text=_("用于计算工作年限")
    )
    load_limit = models.PositiveSmallIntegerField(
        _("最多徒弟数"), null=True, blank=True, help_text=_("留空则按政策参数")
    )
    active = models.BooleanField(_("接收新徒弟"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师")
        verbose_name_plural = _("导师")
        ordering = ["federation__path", "name"]

    def __str__(self) -> str:
        return self.name

    def expertise_labels(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [str(labels[tag]) for tag in self.expertise if tag in labels]


class PairingQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "PairingQuerySet":
        return self.filter(subtree_q(paths, "federation__"))

    def active(self) -> "PairingQuerySet":
        return self.filter(status=Pairing.Status.ACTIVE)


class Pairing(models.Model):
    """A mentor and an apprentice (a worker) joined for a term, as 高师带徒 or 结对提升.

    Ordered states with gaps: ``DISSOLVED = 0 < DECLINED = 5 < PROPOSED = 10 < ACTIVE = 50 <
    COMPLETED = 100``. ``federation`` is the apprentice's federation when it was arranged: its
    staff (and those above) supervise the pairing.
    """

    class Status(models.IntegerChoices):
        DISSOLVED = 0, _("已解除")
        DECLINED = 5, _("已婉拒")
        PROPOSED = 10, _("待导师确认")
        ACTIVE = 50, _("进行中")
        COMPLETED = 100, _("已完成")

    kind = models.CharField(_("方式"), max_length=20, choices=Kind.choices)
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("导师")
    )
    apprentice = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("徒弟")
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("总工会")
    )
    status = models.PositiveSmallIntegerField(
        _("状态"), choices=Status.choices, default=Status.PROPOSED
    )
    start_date = models.DateField(_("开始日期"))
    term_months = models.PositiveSmallIntegerField(_("带教期限（月）"))
    end_date = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("安排人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_on = models.DateField(_("确认日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束于"), null=True, blank=True)
    end_reason = models.CharField(_("解除或婉拒原因"), max_length=200, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    flagged_on = models.DateField(_("逾期提醒日期"), null=True, blank=True, editable=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice", "kind"],
                condition=Q(status=50),
                name="one_active_pairing_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="pairing_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.apprentice}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.ACTIVE)


class Extension(models.Model):
    """A request to extend a pairing's term: the other side and staff accept it."""

    class Status(models.IntegerChoices):
        REFUSED = 0, _("未同意")
        PENDING = 10, _("待确认")
        ACCEPTED = 100, _("已同意")

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("师徒结对")
    )
    months = models.PositiveSmallIntegerField(_("延长（月）"))
    reason = models.CharField(_("理由"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    other_side_agreed = models.BooleanField(_("对方同意"), default=False)
    staff_agreed = models.BooleanField(_("工作人员同意"), default=False)
    status = models.PositiveSmallIntegerField(
        _("状态"), choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing"], condition=Q(status=10), name="one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing} +{self.months}"


class Goal(models.Model):
    """A goal (目标) of a pairing: set by the apprentice, assessed by the mentor.

    ``gap`` names the compliance requirement or qualification it was drawn from, if any.
    """

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="goals", verbose_name=_("师徒结对")
    )
    title = models.CharField(_("目标"), max_length=100)
    area = models.CharField(_("领域"), max_length=20, choices=Expertise.choices, blank=True)
    target_date = models.DateField(_("目标日期"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    progress_note = models.CharField(_("进展说明"), max_length=200, blank=True)
    assessment = models.CharField(_("导师评价"), max_length=200, blank=True)
    gap = models.CharField(max_length=30, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("带教目标")
        verbose_name_plural = _("带教目标")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_percent"),
            models.UniqueConstraint(
                fields=["pairing", "gap"], condition=~Q(gap=""), name="one_goal_per_gap"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingLog(models.Model):
    """A meeting log (带教记录), written by one side; it counts once the other side confirms.

    Ordered states with gaps: ``CANCELLED = 0 < DISPUTED = 5 < PLANNED = 10 < AWAITING = 50 <
    CONFIRMED = 100``. A planned meeting is in both people's calendars (``uid``, ``sequence``).
    """

    class Status(models.IntegerChoices):
        CANCELLED = 0, _("已取消")
        DISPUTED = 5, _("有异议")
        PLANNED = 10, _("已计划")
        AWAITING = 50, _("待对方确认")
        CONFIRMED = 100, _("已确认")

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="logs", verbose_name=_("师徒结对")
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1)
    form = models.CharField(_("形式"), max_length=10, choices=MeetingForm.choices)
    topic = models.CharField(_("主题"), max_length=100)
    notes = models.TextField(_("记录"), max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(_("状态"), choices=Status.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    dispute_reason = models.CharField(_("异议理由"), max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("带教记录")
        verbose_name_plural = _("带教记录")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pairing", "status", "date"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="log_hours_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class Review(models.Model):
    """A mid-term or final review (中期评价, 结业评价), one from each side.

    The mentor rates the apprentice on the goals and each competence (1-5); the apprentice
    rates the mentor's help (1-5).
    """

    class Stage(models.TextChoices):
        MIDTERM = "mid", _("中期评价")
        FINAL = "final", _("结业评价")

    class Side(models.TextChoices):
        MENTOR = "mentor", _("导师")
        APPRENTICE = "apprentice", _("徒弟")

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("师徒结对")
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    side = models.CharField(_("评价方"), max_length=10, choices=Side.choices)
    rating = models.PositiveSmallIntegerField(_("总体评分"))
    competences = models.JSONField(_("能力评分"), default=dict, blank=True)
    comment = models.TextField(_("评语"), max_length=1000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("带教评价")
        verbose_name_plural = _("带教评价")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "stage", "side"], name="one_review_per_stage_and_side"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing} {self.get_stage_display()} {self.get_side_display()}"

    def competence_labels(self) -> list[tuple[str, int]]:
        labels = dict(Competence.choices)
        return [(str(labels[k]), v) for k, v in self.competences.items() if k in labels]
