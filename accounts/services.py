"""Every change to accounts: activation links, activation, password changes, unlocking, the audit.

Each service checks who acts (``by``) first and runs in one transaction. Every authentication
event is recorded by ``record`` (directly, or from the signal receivers in ``accounts/signals.py``).
A refusal is an ``AccountError`` whose message is shown.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.clientip import client_ip
from lms.errors import DomainError
from lms.locking import lock, lock_all

from . import rules
from .choices import EventKind, LinkState
from .models import ActivationLink, AuthEvent
from .permissions import accounts_for, can_act_for


class AccountError(DomainError):
    """An account change the rules refuse; the message is shown to the user."""


def link_refusal(state: LinkState | None) -> str:
    """The message shown for a link that cannot be used (translated when called)."""
    return {
        LinkState.USED: _(
            "这个激活链接已经用过了。如果忘记了密码，请使用“忘记密码”或联系所在工会重新发放。"
        ),
        LinkState.EXPIRED: _("这个激活链接已过期。请联系所在工会重新发放激活链接。"),
        LinkState.REVOKED: _("这个激活链接已作废（已重新发放新的链接）。请使用最新的激活单。"),
    }.get(state, _("找不到这个激活链接，请核对激活码。"))


def event(
    kind: EventKind, *, user=None, request=None, identifier: str = "", actor=None, detail: str = ""
) -> AuthEvent:
    """Return (unsaved) one authentication event: time, user, typed identifier, client IP and
    the staff member who acted."""
    if not identifier and user is not None:
        identifier = user.get_username()
    return AuthEvent(
        kind=kind,
        user=user if user is not None and user.pk else None,
        identifier=(identifier or "")[:150],
        ip=client_ip(request),
        actor=actor,
        detail=detail[:255],
    )


def record(kind: EventKind, **details) -> AuthEvent:
    """Write one authentication event (``details`` as for ``event``)."""
    written = event(kind, **details)
    written.save()
    return written


# Activation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A link as printed on the sheet: the code exists only here, never in the database."""

    user: object
    code: str
    expires_at: dt.datetime

    @property
    def printed_code(self) -> str:
        return rules.format_code(self.code)

    @property
    def url(self) -> str:
        return settings.SITE_URL + reverse("accounts:activate", args=[self.code])


def issue_activation_links(*, by, users, days: int | None = None, request=None) -> list[IssuedLink]:
    """Issue a fresh one-time link for each of ``users``; their earlier open links are revoked.

    Refused as a whole when ``by`` may not act for one of them or one is inactive (离职 workers'
    accounts are deactivated). Valid for ``days`` (default ``ACTIVATION_LINK_DAYS``).
    """
    days = settings.ACTIVATION_LINK_DAYS if days is None else days
    if days < 1:
        raise AccountError(_("有效天数至少为 1 天。"))
    users = list(users)
    if not users:
        raise AccountError(_("请至少选择一个账号。"))
    allowed = set(
        accounts_for(by).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True)
    )
    if len(allowed) < len({u.pk for u in users}):
        raise AccountError(_("您无权为所选的部分账号发放激活链接。"))
    now = timezone.now()
    expires_at = now + dt.timedelta(days=days)
    with transaction.atomic():
        locked = lock_all(get_user_model().objects.filter(pk__in=allowed))
        inactive = [u for u in locked if not u.is_active]
        if inactive:
            raise AccountError(
                _("账号 %(name)s 已停用，不能激活。") % {"name": inactive[0].get_username()}
            )
        ActivationLink.objects.open().filter(user__in=locked).update(revoked_at=now)
        issued = [
            IssuedLink(user=user, code=rules.new_code(), expires_at=expires_at) for user in locked
        ]
        # Two statements whatever the number of accounts (a whole import's sheet).
        ActivationLink.objects.bulk_create(
            ActivationLink(
                user=link.user,
                code_hash=rules.hash_code(link.code),
                issued_at=now,
                expires_at=expires_at,
                issued_by=by,
            )
            for link in issued
        )
        AuthEvent.objects.bulk_create(
            event(EventKind.ACTIVATION_ISSUED, user=link.user, request=request, actor=by)
            for link in issued
        )
    by_pk = {link.user.pk: link for link in issued}
    return [by_pk[u.pk] for u in users if u.pk in by_pk]


def activate_account(*, code: str, password: str, request=None):
    """Set the password of the account of ``code``'s link and use the link up; return the user.

    The password has been checked by Django's validators (the form). Refused for a link that is
    unknown, used, expired or revoked; two submissions of one link activate once.
    """
    from .selectors import link_for_code

    found = link_for_code(code)
    if found is None:
        raise AccountError(link_refusal(None))
    with transaction.atomic():
        link = lock(ActivationLink.objects.select_related("user"), found.pk)
        state = link.state()
        if state != LinkState.VALID:
            raise AccountError(link_refusal(state))
        if not link.user.is_active:
            raise AccountError(_("这个账号已停用，不能激活。"))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        link.user.set_password(password)
        link.user.save(update_fields=["password"])
        record(EventKind.ACTIVATED, user=link.user, request=request)
    return link.user


# Accounts set up in the admin (账号激活 for staff accounts) ----------------------------------


def require_activation(*, by, user, request=None) -> None:
    """Make a new account's password unusable: its owner sets one through an activation link.

    Wagtail's user form asks for no password (``WAGTAILUSERS_PASSWORD_ENABLED = False``) and
    leaves the field empty; an empty password is not "unusable" to Django, so mark it.
    """
    if not (by.is_superuser or by.has_perm("auth.add_user")):
        raise AccountError(_("您无权设置这个账号。"))
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])


def issue_account_link(*, by, user, days: int | None = None, request=None) -> IssuedLink:
    """Issue one account's activation link (see ``issue_activation_links``) from the user admin,
    and email it after the commit when the account has an email address.

    For the accounts that are no worker's (staff): workers get theirs on the activation sheet.
    """
    if not (by.is_superuser or by.has_perm("auth.change_user")):
        raise AccountError(_("您无权为这个账号发放激活链接。"))
    email = (user.email or "").strip()
    with transaction.atomic():
        (issued,) = issue_activation_links(by=by, users=[user], days=days, request=request)
        if email:
            transaction.on_commit(lambda: _send_link(issued, email))
    return issued


def _send_link(issued: IssuedLink, email: str) -> None:
    """Email an activation link (the code exists only in this message and on the screen)."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    context = {
        "user": issued.user,
        "link": issued,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "expires_at": timezone.localtime(issued.expires_at),
        "code_url": settings.SITE_URL + reverse("accounts:activate_code"),
    }
    body = render_to_string("accounts/admin/activation_email.txt", context)
    subject = _("%(site)s：设置您的登录密码") % {"site": settings.WAGTAIL_SITE_NAME}
    EmailMessage(subject=subject, body=body, to=[email]).send()


# Lock-outs and the audit --------------------------------------------------------------------


def unlock(*, by, username: str, request=None) -> int:
    """Lift every django-axes lock on ``username`` (all addresses); return how many were lifted."""
    from axes.utils import reset

    from .selectors import account_for

    user = account_for(username)
    if not by.is_superuser and (user is None or not can_act_for(by, user)):
        raise AccountError(_("您无权解除这个账号的锁定。"))
    with transaction.atomic():
        count = reset(username=username)
        record(EventKind.UNLOCKED, user=user, identifier=username, request=request, actor=by)
    return count


def prune_events(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the events older than the retention period; return how many were deleted."""
    days = settings.AUTH_AUDIT_RETENTION_DAYS if days is None else days
    cutoff = rules.retention_cutoff(now=now or timezone.now(), days=days)
    deleted, _per_model = AuthEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# Two-factor ---------------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class SecondFactorCheck:
    """A code accepted at sign-in: the device that took it, and for a recovery code how many
    are left (None for an authenticator code)."""

    device: object
    recovery_codes_left: int | None = None


def _totp_devices(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user)


def _recovery_device(user):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def _new_recovery_codes(user) -> list[str]:
    """Replace the recovery codes of ``user`` with fresh ones; return them (shown once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalize_token(token: str) -> str:
    """Return a typed code without spaces and dashes, in lower case (recovery codes are)."""
    return "".join((token or "").split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    """Return a recovery code as shown and printed: ``abcd-efgh``."""
    return f"{code[:4]}-{code[4:]}"


def _check_code(user, token: str) -> SecondFactorCheck | None:
    """Try ``token`` on the user's authenticator (six digits) or recovery codes (anything else),
    with django-otp's own throttling; return what accepted it, or None. Call inside a
    transaction: the devices are locked, as ``django_otp.verify_token`` does."""
    from django_otp.plugins.otp_static.models import StaticDevice

    token = normalize_token(token)
    if not token:
        return None
    if token.isdigit():
        devices = _totp_devices(user).filter(confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices.select_for_update():
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            raise AccountError(_("验证码错误次数过多，请稍等片刻再试。"))
        if device.verify_token(token):
            if isinstance(device, StaticDevice):
                return SecondFactorCheck(device, device.token_set.count())
            return SecondFactorCheck(device)
    return None


def enrol_totp(*, by, verified: bool = False):
    """Start enrolling an authenticator app for ``by``: a new unconfirmed TOTP device.

    Only federation staff and superusers enrol. Earlier unconfirmed devices are dropped; a
    user who has a confirmed one replaces it only from a verified session (the new one takes
    over when confirmed).
    """
    from .permissions import is_manager

    if not is_manager(by):
        raise AccountError(_("只有工会工作人员需要启用两步验证。"))
    with transaction.atomic():
        devices = _totp_devices(by)
        if devices.filter(confirmed=True).exists() and not verified:
            raise AccountError(_("请先输入验证码完成登录。"))
        devices.filter(confirmed=False).delete()
        return devices.model.objects.create(user=by, name=_("身份验证器"), confirmed=False)


def pending_totp(user):
    """Return the authenticator ``user`` is enrolling (not confirmed yet), or None."""
    return _totp_devices(user).filter(confirmed=False).order_by("-pk").first()


def confirm_totp(*, by, token: str, request=None) -> tuple[object, list[str]]:
    """Confirm ``by``'s pending authenticator with a code it shows; return the device and the
    new recovery codes. Any earlier authenticator and recovery codes are replaced."""
    pending = pending_totp(by)
    if pending is None:
        raise AccountError(_("找不到待确认的身份验证器，请重新开始设置。"))
    with transaction.atomic():
        device = lock(_totp_devices(by).filter(confirmed=False), pending.pk)
        ok = device.verify_token(normalize_token(token))
        if ok:
            _totp_devices(by).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(by)
            record(EventKind.OTP_ENROLLED, user=by, request=request)
    if not ok:
        # Raised after the transaction, so the device's throttling count is kept.
        raise AccountError(_("验证码不正确，请核对手机上显示的 6 位数字后重试。"))
    return device, codes


def renew_recovery_codes(*, by, token: str, request=None) -> list[str]:
    """Replace ``by``'s recovery codes after a current code; return the new ones."""
    with transaction.atomic():
        check = _check_code(by, token)
        if check is not None:
            codes = _new_recovery_codes(by)
            record(EventKind.RECOVERY_CODES_RENEWED, user=by, request=request)
    if check is None:
        raise AccountError(_("验证码不正确。"))
    return codes


def remove_two_factor(*, by, token: str, request=None) -> None:
    """Turn two-factor sign-in off for ``by`` after a current code (authenticator or recovery).

    Refused when it is mandatory for ``by`` (``OTP_REQUIRED_FOR_STAFF`` and a manager).
    """
    from django_otp.plugins.otp_static.models import StaticDevice

    from .permissions import is_manager

    if settings.OTP_REQUIRED_FOR_STAFF and is_manager(by):
        raise AccountError(_("工作人员必须启用两步验证，不能停用。可以更换手机或重新生成恢复码。"))
    with transaction.atomic():
        check = _check_code(by, token)
        if check is not None:
            _totp_devices(by).delete()
            StaticDevice.objects.filter(user=by).delete()
            record(EventKind.OTP_REMOVED, user=by, request=request)
    if check is None:
        raise AccountError(_("验证码不正确。"))


def verify_second_factor(*, user, token: str, request=None) -> SecondFactorCheck:
    """Check the code ``user`` typed after the password: an authenticator code or one recovery
    code (used up). Every attempt is recorded; a wrong one raises ``AccountError``."""
    try:
        with transaction.atomic():
            check = _check_code(user, token)
    except AccountError:
        record(EventKind.OTP_FAILED, user=user, request=request, detail="throttled")
        raise
    if check is None:
        record(EventKind.OTP_FAILED, user=user, request=request)
        raise AccountError(_("验证码不正确，请重试。"))
    if check.recovery_codes_left is None:
        record(EventKind.OTP_VERIFIED, user=user, request=request)
    else:
        record(
            EventKind.RECOVERY_CODE_USED,
            user=user,
            request=request,
            detail=_("剩余 %(count)s 个") % {"count": check.recovery_codes_left},
        )
    return check
