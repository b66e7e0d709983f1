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


def record(
    kind: EventKind, *, user=None, request=None, identifier: str = "", actor=None, detail: str = ""
) -> AuthEvent:
    """Write one authentication event (time, user, typed identifier, client IP, acting staff)."""
    if not identifier and user is not None:
        identifier = user.get_username()
    return AuthEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        identifier=(identifier or "")[:150],
        ip=client_ip(request),
        actor=actor,
        detail=detail[:255],
    )


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
        issued = []
        for user in locked:
            code = rules.new_code()
            ActivationLink.objects.create(
                user=user,
                code_hash=rules.hash_code(code),
                issued_at=now,
                expires_at=expires_at,
                issued_by=by,
            )
            record(EventKind.ACTIVATION_ISSUED, user=user, request=request, actor=by)
            issued.append(IssuedLink(user=user, code=code, expires_at=expires_at))
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
