"""Social evaluation (§四.五): cycles, evaluator kinds and questionnaires, invitations, answers
and the annual grades they lead to.

Every change goes through ``evaluation/services.py``; the arithmetic (weighted scores, grade
bands, the 优秀 cap, token states) is pure in ``evaluation/rules.py``. Staff run cycles in the
admin (社会化评估); evaluators answer on public pages without an account (/survey/...).

Anonymity by design: an ``Answer`` stores its kind and the worker evaluated, never the
invitation it came through; an ``Invitation`` records only that it was used (``uses_left``).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.fields import acting_user
from workforce.models import Federation, Worker, subtree_q

from .choices import Channel, Grade, LabelSet, Scale, State, grade_label

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def score_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **kwargs,
    )


class CycleQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "CycleQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class Cycle(models.Model):
    """An evaluation cycle (考核周期) of one federation and year.

    It covers the workers that federation hired (``Assessment`` rows). The grade bands and the
    优秀 share are copied from the federation's policy when the cycle is created and may be
    changed while it is a draft; from collecting on, kinds and questionnaires are frozen, and
    a confirmed cycle's grades are locked.
    """

    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("总工会")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    name = models.CharField(_("名称"), max_length=100)
    opens_on = models.DateField(_("开始收集"))
    closes_on = models.DateField(_("截止收集"))
    state = models.PositiveSmallIntegerField(_("状态"), choices=State.choices, default=State.DRAFT)
    label_set = models.CharField(
        _("等次名称"), max_length=20, choices=LabelSet.choices, default=LabelSet.QUALIFIED
    )
    excellent_min = score_field(_("优秀分数线"))
    pass_min = score_field(_("合格分数线"))
    basic_min = score_field(_("基本合格分数线"))
    excellent_share_percent = models.PositiveSmallIntegerField(
        _("优秀比例上限（%）"), validators=[MaxValueValidator(20)]
    )
    created_by = acting_user(_("创建人"))
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = acting_user(_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        ordering = ["-year", "federation__path"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "year"], name="cycle_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")), name="cycle_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def grade_label(self, grade: int | None) -> str:
        return grade_label(grade, self.label_set)

    @property
    def editable(self) -> bool:
        """Kinds, questionnaires and bands change only while the cycle is a draft."""
        return self.state == State.DRAFT


class Kind(models.Model):
    """A kind of evaluator (评估主体) in a cycle: its weight, minimum answers and channel."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="kinds", verbose_name=_("考核周期")
    )
    name = models.CharField(_("评估主体"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重（%）"), validators=PERCENT)
    min_answers = models.PositiveSmallIntegerField(
        _("最少有效评价数"), default=1, validators=[MinValueValidator(1)]
    )
    channel = models.CharField(_("评价方式"), max_length=20, choices=Channel.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评估主体")
        verbose_name_plural = _("评估主体")
        ordering = ["cycle", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="kind_name_once_per_cycle")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def public(self) -> bool:
        """Whether this kind answers without an account (not scored by staff)."""
        return self.channel != Channel.STAFF


class Item(models.Model):
    """One satisfaction item of a kind's questionnaire, scored 0-100 or on five levels."""

    kind = models.ForeignKey(
        Kind, on_delete=models.CASCADE, related_name="items", verbose_name=_("评估主体")
    )
    text = models.CharField(_("评价项目"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("项目权重"), default=1, validators=[MinValueValidator(1)]
    )
    scale = models.CharField(
        _("计分方式"), max_length=10, choices=Scale.choices, default=Scale.LEVELS
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评价项目")
        verbose_name_plural = _("评价项目")
        ordering = ["kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class AssessmentQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "AssessmentQuerySet":
        return self.filter(subtree_q(paths, "cycle__federation__"))


class Assessment(models.Model):
    """A worker covered by a cycle: their score, the proposed grade and the grade confirmed.

    ``score`` and ``complete`` are set when collecting closes (the per-kind means are always
    computed from the answers). ``tie`` marks a worker tied at the 优秀 cap's boundary: staff
    choose.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("考核周期")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("被评估人")
    )
    score = score_field(_("综合得分"), null=True, blank=True)
    complete = models.BooleanField(_("评价数已达要求"), default=False)
    proposed = models.PositiveSmallIntegerField(
        _("建议等次"), choices=Grade.choices, null=True, blank=True
    )
    tie = models.BooleanField(_("优秀名额边界同分"), default=False)
    grade = models.PositiveSmallIntegerField(
        _("考核等次"), choices=Grade.choices, null=True, blank=True
    )
    reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    graded_by = acting_user(_("调整人"))

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["cycle", "worker__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "worker"], name="assessment_once_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.worker.name}"

    @property
    def adjusted(self) -> bool:
        """Whether staff set a grade other than the one proposed."""
        return self.grade is not None and self.grade != self.proposed


class Poster(models.Model):
    """A worker's poster (评价海报) for a POSTER kind: its QR opens a public entry."""

    kind = models.ForeignKey(
        Kind, on_delete=models.CASCADE, related_name="posters", verbose_name=_("评估主体")
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="posters", verbose_name=_("被评估人")
    )
    code = models.CharField(_("海报码"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("评价海报")
        verbose_name_plural = _("评价海报")
        constraints = [
            models.UniqueConstraint(fields=["kind", "assessment"], name="poster_once_per_kind")
        ]

    def __str__(self) -> str:
        return self.code


class Invitation(models.Model):
    """A one-time answer token (LimeSurvey's model): who it is for, how often it may be used.

    ``contact`` names the addressee of a staff-issued invitation (an employing unit, an
    enterprise contact); a token a poster issued to a browser has none. The token keeps no
    trace of the answer it led to.
    """

    class Source(models.TextChoices):
        ISSUED = "issued", _("工作人员发放")
        POSTER = "poster", _("海报扫码")

    kind = models.ForeignKey(
        Kind, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("评估主体")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("被评估人"),
    )
    token = models.CharField(_("令牌"), max_length=43, unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    contact = models.CharField(_("评价人（单位）"), max_length=100, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    uses_left = models.PositiveSmallIntegerField(_("剩余次数"), default=1)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    revoked = models.BooleanField(_("已作废"), default=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")
        ordering = ["assessment", "kind", "pk"]
        indexes = [models.Index(fields=["kind", "source", "uses_left"])]

    def __str__(self) -> str:
        return self.contact or str(self.get_source_display())


class Answer(models.Model):
    """One evaluator's answers about one worker: item scores, their weighted mean, a comment.

    Deliberately without a link to the invitation, and dated by day only.
    """

    kind = models.ForeignKey(
        Kind, on_delete=models.CASCADE, related_name="answers", verbose_name=_("评估主体")
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("被评估人")
    )
    values = models.JSONField(_("各项得分"), default=dict)
    score = score_field(_("得分"))
    comment = models.TextField(_("意见建议"), max_length=1000, blank=True)
    submitted_on = models.DateField(_("提交日期"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        indexes = [models.Index(fields=["assessment", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.score}"
