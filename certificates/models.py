"""Certificates (证书) that federations issue, print and anyone can verify.

Admin screens live in ``certificates/viewsets.py`` (registered in ``wagtail_hooks.py``); the
public verification pages and the worker's "my certificates" in ``certificates/views.py``.
Every change goes through ``certificates/services.py``.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.fields import acting_user
from workforce.models import Federation, Worker, subtree_q

from .validity import Standing, standing


def new_verification_code() -> str:
    """Return an unguessable verification code (~190 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def _random_name(prefix: str, suffix: str) -> str:
    # Media files may be served publicly: an unguessable name keeps them out of reach.
    return f"certificates/{prefix}/{secrets.token_hex(12)}{suffix}"


def certificate_pdf_path(instance: "Certificate", filename: str) -> str:
    return _random_name(f"pdf/{instance.issued_on:%Y}", ".pdf")


def seal_image_path(instance: "FederationSeal", filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ".png"
    return _random_name("seals", suffix)


def bulk_file_path(instance: "BulkIssueJob", filename: str) -> str:
    return _random_name("bulk", "." + filename.rsplit(".", 1)[-1])


class CertificateKind(models.Model):
    """A kind of certificate (结业证书, 资格证书, 导师带徒, later 表彰): data, not code.

    ``statement`` is the sentence printed under the holder's name; it may use ``{course}``,
    ``{hours}``, ``{start}``, ``{end}`` and ``{issuer}``, and the names of the certificate's
    ``statement_fields`` (导师带徒: ``{mentor}``). ``training_types`` lists the
    training types (``courses.TrainingType``) for which this kind is the default.
    """

    class Validity(models.TextChoices):
        NONE = "none", _("长期有效")
        FIXED = "fixed", _("固定年限")
        POLICY = "policy", _("按政策参数（资格证书有效期）")

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    title = models.CharField(_("证书标题"), max_length=20, help_text=_("印在证书上的标题。"))
    statement = models.TextField(_("证书正文"))
    validity = models.CharField(
        _("有效期"), max_length=10, choices=Validity.choices, default=Validity.NONE
    )
    validity_years = models.PositiveSmallIntegerField(
        _("有效年限"), null=True, blank=True, help_text=_("有效期为“固定年限”时填写。")
    )
    training_types = models.JSONField(_("适用培训类型"), default=list, blank=True)

    class Meta:
        verbose_name = _("证书种类")
        verbose_name_plural = _("证书种类")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SerialCounter(models.Model):
    """The last serial number a federation gave out in a year; locked while a number is taken."""

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["federation", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.federation_id}/{self.year}: {self.last}"


class CertificateQuerySet(models.QuerySet):
    def under(self, paths: list[str]) -> "CertificateQuerySet":
        """Certificates issued in, or held by workers of, the federations under ``paths``."""
        return self.filter(
            subtree_q(paths, "federation__") | subtree_q(paths, "holder__federation__")
        )

    def issued_under(self, paths: list[str]) -> "CertificateQuerySet":
        return self.filter(subtree_q(paths, "federation__"))


def in_force_q(today: dt.date) -> Q:
    return Q(revoked_on__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


class Certificate(models.Model):
    """A certificate held by a worker, numbered per issuing federation and year.

    One per (kind, certified record): issuing again returns the same certificate. The PDF is
    rendered once and re-rendered only when ``pdf_hash`` (the hash of the data it shows)
    changes; the serial number never changes.

    The certified record is an ``enrolment``, or a record of an app built on this one (a
    导师带徒 pairing), named by ``subject_key`` (``"<app>.<model>:<pk>"``, e.g.
    ``"mentorship.pairing:42"``) with ``subject`` saying what it is and ``statement_fields``
    the values its kind's statement prints; this app never imports those apps.
    """

    kind = models.ForeignKey(
        CertificateKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("证书种类")
    )
    holder = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("持证人")
    )
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        related_name="issued_certificates",
        verbose_name=_("发证单位"),
    )
    serial = models.CharField(_("证书编号"), max_length=30, unique=True)
    issued_on = models.DateField(_("发证日期"))
    issued_by = acting_user(_("签发人"))
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("培训记录"),
    )
    subject_key = models.CharField(max_length=60, blank=True, editable=False)
    subject = models.CharField(_("证书事项"), max_length=200, blank=True)
    statement_fields = models.JSONField(default=dict, blank=True, editable=False)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = acting_user(_("撤销人"))
    code = models.CharField(
        _("验证码"), max_length=64, unique=True, default=new_verification_code, editable=False
    )
    pdf = models.FileField(_("证书文件"), upload_to=certificate_pdf_path, blank=True)
    pdf_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "enrolment"], name="one_certificate_per_kind_and_record"
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_key"],
                condition=~Q(subject_key=""),
                name="one_certificate_per_kind_and_subject",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["federation", "issued_on"])]

    def __str__(self) -> str:
        return self.serial

    def standing(self, today: dt.date) -> Standing:
        return standing(revoked_on=self.revoked_on, expires_on=self.expires_on, today=today)

    def get_verify_path(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    def get_verify_url(self) -> str:
        return settings.SITE_URL + self.get_verify_path()


class FederationSeal(models.Model):
    """A federation's seal (公章) image printed on its certificates; optional."""

    federation = models.OneToOneField(
        Federation, on_delete=models.CASCADE, related_name="seal", verbose_name=_("总工会")
    )
    image = models.ImageField(
        _("印章图片"),
        upload_to=seal_image_path,
        help_text=_("透明背景的 PNG 图片，建议 600×600 像素以上。"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("证书印章")
        verbose_name_plural = _("证书印章")

    def __str__(self) -> str:
        return str(self.federation)


class BulkIssueJob(models.Model):
    """One run of "issue all certificates of a session" (批量签发), updated by its task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("签发中")
        FINISHED = "finished", _("已完成")
        FAILED = "failed", _("出错中止")

    session = models.ForeignKey(
        "courses.Session",
        on_delete=models.CASCADE,
        related_name="certificate_jobs",
        verbose_name=_("班次"),
    )
    requested_by = acting_user(_("发起人"), blank=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("应签发"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    created = models.PositiveIntegerField(_("新签发"), default=0)
    failed = models.PositiveIntegerField(_("失败"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    zip_file = models.FileField(_("证书压缩包"), upload_to=bulk_file_path, blank=True)
    print_file = models.FileField(_("打印文件"), upload_to=bulk_file_path, blank=True)
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量签发")
        verbose_name_plural = _("批量签发")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
