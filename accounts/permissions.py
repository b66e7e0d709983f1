"""Who may act on whose account: activation links and unlocking.

A federation's staff issue links for the workers of their subtree; accounts that are no worker's
(staff accounts) are Wagtail users, so issuing for them needs the user-admin right
``auth.change_user`` (superusers have it). The audit screen is for superusers only.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from workforce.permissions import workers_for


def accounts_for(by) -> QuerySet:
    """Return the users ``by`` may issue activation links for or unlock."""
    users = get_user_model().objects.all()
    if by.is_superuser:
        return users
    scope = Q(worker__in=workers_for(by).exclude(user=by))
    if by.has_perm("auth.change_user"):
        scope |= Q(worker__isnull=True)
    return users.filter(scope)


def can_act_for(by, user) -> bool:
    return accounts_for(by).filter(pk=user.pk).exists()


def reads_audit(user) -> bool:
    return user.is_active and user.is_superuser


# Two-factor sign-in ----------------------------------------------------------------------------


def is_manager(user) -> bool:
    """Return whether ``user`` holds ``manage_federation`` somewhere or is a superuser: the
    accounts that may enrol a second factor (and must, when ``OTP_REQUIRED_FOR_STAFF``).

    The same answer as ``workforce.permissions.is_federation_staff`` (whose paths are used when
    already read for this user), in one query instead of guardian's two: the middleware and
    the personal links ask it on ordinary pages.
    """
    from workforce.models import (
        FederationGroupObjectPermission,
        FederationUserObjectPermission,
    )
    from workforce.permissions import MANAGE_FEDERATION

    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_managed_paths", None)
    if cached is not None:
        return bool(cached)
    app_label, codename = MANAGE_FEDERATION.split(".")
    perm = Q(permission__codename=codename, permission__content_type__app_label=app_label)
    direct = FederationUserObjectPermission.objects.filter(perm, user=OuterRef("pk"))
    by_group = FederationGroupObjectPermission.objects.filter(perm, group__user=OuterRef("pk"))
    accounts = get_user_model().objects.filter(pk=user.pk)
    return accounts.filter(Exists(direct) | Exists(by_group)).exists()
