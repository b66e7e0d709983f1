"""Accounts: one-time activation links (账号激活) and the audit of authentication events (认证日志).

Activation links are issued on the admin's 账号激活 screen (accounts/viewsets.py); the audit log is
read on the superuser's 认证日志 screen. Passwords, sessions and second-factor devices are Django's
and django-otp's own models.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import acting_user

from . import rules
from .choices import EventKind, LinkState


class ActivationLinkQuerySet(models.QuerySet):
    def open(self):
        """Links neither used nor revoked (they may have expired)."""
        return self.filter(open_q())


def open_q() -> Q:
    return Q(used_at__isnull=True, revoked_at__isnull=True)


class ActivationLink(models.Model):
    """A one-time link with which a user sets their password and is signed in.

    Only the SHA-256 of the code is stored: the code itself is printed once on the activation
    sheet. A user has at most one open link; issuing a new one revokes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activation_links",
        verbose_name=_("账号"),
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("发放时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    issued_by = acting_user(_("发放人"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ActivationLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("激活链接")
        verbose_name_plural = _("激活链接")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=open_q(), name="accounts_one_open_link_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.issued_at:%Y-%m-%d}"

    def state(self, now=None) -> LinkState:
        return rules.link_state(
            expires_at=self.expires_at,
            used_at=self.used_at,
            revoked_at=self.revoked_at,
            now=now or timezone.now(),
        )


class AuthEvent(models.Model):
    """One authentication event: who (``user``, or the ``identifier`` typed), when, from where.

    ``actor`` is the staff member who acted on someone else's account (issued a link, unlocked,
    granted rights). Events are deleted after ``AUTH_AUDIT_RETENTION_DAYS``
    (``manage.py prune_auth_events``).
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auth_events",
        verbose_name=_("账号"),
    )
    identifier = models.CharField(_("登录名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    actor = acting_user(_("操作人"))
    detail = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("认证事件")
        verbose_name_plural = _("认证日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.identifier}"
