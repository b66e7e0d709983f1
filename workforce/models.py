"""Federations, units, workers and postings: the roster the whole product stands on.

Admin screens for these models live in ``workforce/wagtail_hooks.py``.
"""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from . import idnumber
from .policy import POLICY_FIELDS


def subtree_q(paths: list[str], prefix: str = "") -> Q:
    """Return a Q matching federations (or rows via ``prefix``) under any of ``paths``.

    An empty list matches nothing.
    """
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


class FederationQuerySet(MP_NodeQuerySet):
    def under(self, paths: list[str]) -> "FederationQuerySet":
        return self.filter(subtree_q(paths))


class FederationManager(MP_NodeManager.from_queryset(FederationQuerySet)):
    def get_queryset(self) -> FederationQuerySet:
        return FederationQuerySet(self.model, using=self._db).order_by("path")


class Federation(MP_Node):
    """A trade-union federation (总工会): the city at the root, county-level ones below.

    Staff rights are object permissions on this model (``manage_federation``), which cover
    the federation's whole subtree.
    """

    class Level(models.TextChoices):
        CITY = "city", _("市总工会")
        COUNTY = "county", _("县总工会")
        DISTRICT = "district", _("区总工会")
        COUNTY_CITY = "county_city", _("县级市总工会")
        PARK = "park", _("园区总工会")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    code = models.CharField(
        _("代码"),
        max_length=12,
        unique=True,
        help_text=_("用于证书编号等的简短字母代码，如 MY、FC。"),
    )
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    node_order_by = ["code"]

    objects = FederationManager()

    class Meta:
        verbose_name = _("总工会")
        verbose_name_plural = _("总工会")
        permissions = [("manage_federation", _("管理本总工会及其下级"))]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class FederationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Federation, on_delete=models.CASCADE)


class FederationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Federation, on_delete=models.CASCADE)


class PolicyParameters(models.Model):
    """A federation's own policy values; empty fields inherit from the parent federation."""

    federation = models.OneToOneField(
        Federation, on_delete=models.CASCADE, related_name="policy", verbose_name=_("总工会")
    )
    staffing_base = models.PositiveIntegerField(
        _("配备基数（职工人数）"), null=True, blank=True, help_text=_("默认 2000")
    )
    staffing_step = models.PositiveIntegerField(
        _("增配步长（职工人数）"), null=True, blank=True, help_text=_("默认 3000")
    )
    annual_training_hours = models.PositiveIntegerField(
        _("年度培训学时"), null=True, blank=True, help_text=_("默认 40")
    )
    rotation_interval_months = models.PositiveIntegerField(
        _("轮训周期（月）"), null=True, blank=True, help_text=_("默认 24")
    )
    rotation_min_days = models.PositiveIntegerField(
        _("轮训最少天数"), null=True, blank=True, help_text=_("默认 20")
    )
    rotation_min_hours = models.PositiveIntegerField(
        _("轮训最少学时"), null=True, blank=True, help_text=_("默认 160")
    )
    onboarding_days = models.PositiveIntegerField(
        _("上岗培训期限（天）"), null=True, blank=True, help_text=_("默认 90")
    )
    due_soon_days = models.PositiveIntegerField(
        _("即将到期提醒（天）"), null=True, blank=True, help_text=_("默认 60")
    )
    completion_attendance_percent = models.PositiveIntegerField(
        _("结业出勤比例（%）"), null=True, blank=True, help_text=_("默认 80")
    )
    qualification_validity_years = models.PositiveIntegerField(
        _("资格证书有效期（年）"), null=True, blank=True, help_text=_("默认 3")
    )
    mentor_term_months = models.PositiveIntegerField(
        _("带徒期限（月）"), null=True, blank=True, help_text=_("默认 12")
    )
    mentor_load_limit = models.PositiveIntegerField(
        _("导师最多徒弟数"), null=True, blank=True, help_text=_("默认 3")
    )
    mentor_checkin_days = models.PositiveIntegerField(
        _("带教记录间隔上限（天）"), null=True, blank=True, help_text=_("默认 30")
    )
    mentoring_hours_cap = models.PositiveIntegerField(
        _("带徒学时年度计入上限"), null=True, blank=True, help_text=_("默认 16，0 表示不计入")
    )
    award_reserved_percent = models.PositiveIntegerField(
        _("评先预留比例（%）"), null=True, blank=True, help_text=_("默认 10")
    )
    notice_working_days = models.PositiveIntegerField(
        _("公示期（工作日）"), null=True, blank=True, help_text=_("默认 5")
    )
    award_min_service_years = models.PositiveIntegerField(
        _("推荐评先最低工作年限"), null=True, blank=True, help_text=_("默认 2")
    )
    award_clean_grade_years = models.PositiveIntegerField(
        _("推荐评先须无不合格等次的年数"), null=True, blank=True, help_text=_("默认 3")
    )
    excellent_share_percent = models.PositiveIntegerField(
        _("优秀等次比例上限（%）"), null=True, blank=True, help_text=_("默认 15，不超过 20")
    )
    grade_excellent_min = models.PositiveIntegerField(
        _("优秀分数线"), null=True, blank=True, help_text=_("默认 90")
    )
    grade_pass_min = models.PositiveIntegerField(
        _("合格分数线"), null=True, blank=True, help_text=_("默认 70")
    )
    grade_basic_min = models.PositiveIntegerField(
        _("基本合格分数线"), null=True, blank=True, help_text=_("默认 60")
    )
    public_welfare_city_subsidy = models.PositiveIntegerField(
        _("公益性岗位市级补助（元/人/年）"), null=True, blank=True, help_text=_("默认 500")
    )

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_share_percent__isnull=True)
                | Q(excellent_share_percent__lte=20),
                name="policy_excellent_share_at_most_20",
            ),
            models.CheckConstraint(
                condition=Q(completion_attendance_percent__isnull=True)
                | Q(completion_attendance_percent__lte=100),
                name="policy_completion_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.federation)

    def overrides(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in POLICY_FIELDS}


class UnitQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "UnitQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


class Unit(models.Model):
    """A grassroots union (基层工会) where workers are posted (定岗)."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("区域（行业）工会联合会")
        TOWNSHIP = "township", _("乡镇（街道）工会")
        PARK = "park", _("开发区（产业园区）工会")
        ENTERPRISE = "enterprise", _("企业工会")

    name = models.CharField(_("名称"), max_length=150)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="units", verbose_name=_("所属总工会")
    )
    headcount = models.PositiveIntegerField(_("职工人数"), default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("基层工会")
        verbose_name_plural = _("基层工会")
        ordering = ["federation__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "name"], name="unit_unique_name_per_federation"
            )
        ]

    def __str__(self) -> str:
        return self.name


def validate_id_number(value: str) -> None:
    if not idnumber.is_valid(value):
        raise ValidationError(
            _("身份证号码无效（应为18位且校验位正确）。"), code="invalid_id_number"
        )


class WorkerQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "WorkerQuerySet":
        return self.filter(subtree_q(paths, "federation__"))

    def active(self) -> "WorkerQuerySet":
        return self.filter(status=Worker.Status.ACTIVE)


class Worker(models.Model):
    """A socialized trade-union worker (社会化工会工作者), hired by a federation.

    A worker who leaves keeps every record; only ``status`` changes.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Education(models.TextChoices):
        HIGH_SCHOOL = "high_school", _("高中/中专")
        JUNIOR_COLLEGE = "junior_college", _("大专")
        BACHELOR = "bachelor", _("本科")
        MASTER = "master", _("硕士研究生")
        DOCTORATE = "doctorate", _("博士研究生")

    class Qualification(models.TextChoices):
        NONE = "none", _("无")
        ASSISTANT = "assistant", _("助理社会工作师")
        SOCIAL_WORKER = "social_worker", _("社会工作师")
        SENIOR = "senior", _("高级社会工作师")

    class EmploymentMode(models.TextChoices):
        DIRECT = "direct", _("总工会直接聘用")
        PURCHASED = "purchased", _("购买社会化服务")
        PUBLIC_WELFARE = "public_welfare", _("政府公益性岗位")
        PART_TIME = "part_time", _("党群工作者兼职")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在职")
        LEFT = "left", _("离职")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="worker",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(
        _("身份证号码"), max_length=18, unique=True, validators=[validate_id_number]
    )
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    qualification = models.CharField(
        _("社会工作职业资格"),
        max_length=20,
        choices=Qualification.choices,
        default=Qualification.NONE,
    )
    employment_mode = models.CharField(_("用工方式"), max_length=20, choices=EmploymentMode.choices)
    contractor = models.CharField(
        _("承接机构"),
        max_length=150,
        blank=True,
        help_text=_("购买社会化服务时，承接的社会组织名称。"),
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="workers", verbose_name=_("聘用单位")
    )
    hire_date = models.DateField(_("聘用日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    left_reason = models.CharField(_("离职原因"), max_length=200, blank=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会化工会工作者")
        verbose_name_plural = _("社会化工会工作者")
        ordering = ["federation__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(employment_mode="purchased") | ~Q(contractor=""),
                name="worker_purchased_names_contractor",
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True)
                | Q(status="left", left_on__isnull=False),
                name="worker_left_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    def clean(self) -> None:
        if self.employment_mode == self.EmploymentMode.PURCHASED and not self.contractor:
            raise ValidationError({"contractor": _("购买社会化服务的人员须填写承接机构。")})


class PostingQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "PostingQuerySet":
        return self.filter(subtree_q(paths, "worker__federation__"))

    def open(self) -> "PostingQuerySet":
        return self.filter(open_posting_q())


def account_activated_q(prefix: str = "user__") -> Q:
    """Return a Q for workers whose account has a usable password (set through activation)."""
    password = f"{prefix}password"
    return ~Q(**{f"{password}__startswith": UNUSABLE_PASSWORD_PREFIX}) & ~Q(**{password: ""})


def open_posting_q(prefix: str = "") -> Q:
    """Return a Q for postings that have not ended."""
    return Q(**{f"{prefix}end__isnull": True})


class Posting(models.Model):
    """A worker's posting (定岗) to a unit; exchanges (岗位交流) close one and open the next."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("首次定岗")
        EXCHANGE = "exchange", _("岗位交流")
        TEMPORARY = "temporary", _("临时借调")

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="postings", verbose_name=_("工作者")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="postings", verbose_name=_("定岗单位")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("定岗")
        verbose_name_plural = _("定岗")
        ordering = ["worker", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(end__isnull=True), name="one_open_posting_per_worker"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="posting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.end is None
