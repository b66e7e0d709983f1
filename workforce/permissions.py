"""What a user may see and change: the one module that talks to django-guardian.

A federation's staff hold ``manage_federation`` on it (granted in the admin) and so manage its
whole subtree. City staff hold it on the root. Workers see only their own records. Views call
these helpers and never guardian itself; another federation's object is simply not in the
queryset, so looking it up is a 404.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from lms.admin.permissions import StaffPermissionPolicy

from .models import (
    Federation,
    FederationUserObjectPermission,
    PolicyParameters,
    Posting,
    Unit,
    Worker,
    subtree_q,
)

MANAGE_FEDERATION = "workforce.manage_federation"
STAFF_GROUP = "联合会工作人员"

User = AbstractBaseUser | AnonymousUser


def managed_paths(user: User) -> list[str]:
    """Return the tree paths of the federations whose subtree ``user`` manages (cached)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_managed_paths", None)
    if cached is None:
        if user.is_superuser:
            cached = list(Federation.get_root_nodes().values_list("path", flat=True))
        else:
            cached = list(
                get_objects_for_user(
                    user,
                    MANAGE_FEDERATION,
                    klass=Federation,
                    accept_global_perms=False,
                    with_superuser=False,
                ).values_list("path", flat=True)
            )
        user._managed_paths = cached
    return cached


def is_federation_staff(user: User) -> bool:
    return bool(managed_paths(user))


def federations_for(user: User) -> QuerySet[Federation]:
    """Return the federations ``user`` may see and manage."""
    return Federation.objects.under(managed_paths(user))


def units_for(user: User) -> QuerySet[Unit]:
    return Unit.objects.under(managed_paths(user))


def _subtree_or_own(user: User, model, owner: str) -> QuerySet:
    """Return the rows of ``model`` under the federations ``user`` manages; for anyone else
    the user's own rows (``owner`` leads from a row to its worker's account), or none."""
    paths = managed_paths(user)
    if paths:
        return model.objects.under(paths)
    if user.is_authenticated:
        return model.objects.filter(**{owner: user})
    return model.objects.none()


def workers_for(user: User) -> QuerySet[Worker]:
    """Return the workers ``user`` may see: a federation's subtree, or just themself."""
    return _subtree_or_own(user, Worker, "user")


def postings_for(user: User) -> QuerySet[Posting]:
    """Return the postings ``user`` may see: a federation's subtree, or just their own."""
    return _subtree_or_own(user, Posting, "worker__user")


def policies_for(user: User) -> QuerySet[PolicyParameters]:
    """Return the policy records of the federations ``user`` manages."""
    return PolicyParameters.objects.filter(subtree_q(managed_paths(user), "federation__"))


def can_manage(user: User, federation: Federation) -> bool:
    """Return whether ``user`` manages ``federation`` (directly or through an ancestor)."""
    return any(federation.path.startswith(path) for path in managed_paths(user))


def get_federation_or_404(user: User, **lookup) -> Federation:
    return get_object_or_404(federations_for(user), **lookup)


def get_worker_or_404(user: User, **lookup) -> Worker:
    return get_object_or_404(workers_for(user), **lookup)


STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *[
        ("workforce", f"{action}_{model}")
        for model in ("federation", "unit", "worker", "posting", "policyparameters")
        for action in ("add", "change", "view")
    ],
]


def staff_group() -> Group:
    """Return the group whose members may enter the admin, with its model permissions.

    Model permissions only open the screens; which rows a member sees is always cut down to
    their federations' subtree by this module.
    """
    group, created = Group.objects.get_or_create(name=STAFF_GROUP)
    if created:
        q = Q(pk__in=[])
        for app_label, codename in STAFF_PERMISSIONS:
            q |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(q))
    return group


def grant_federation_staff(user: AbstractBaseUser, federation: Federation) -> None:
    """Give ``user`` guardian's ``manage_federation`` on ``federation`` and admin access.

    The rights themselves; ``workforce.services.grant_staff`` checks who may grant and logs it
    (tests set up their staff personas with this directly).
    """
    with transaction.atomic():
        assign_perm(MANAGE_FEDERATION, user, federation)
        user.groups.add(staff_group())
    user.__dict__.pop("_managed_paths", None)


def revoke_federation_staff(user: AbstractBaseUser, federation: Federation) -> None:
    """Take back ``manage_federation`` on ``federation``; drop admin access if none is left."""
    with transaction.atomic():
        remove_perm(MANAGE_FEDERATION, user, federation)
        user.__dict__.pop("_managed_paths", None)
        if not managed_paths(user):
            user.groups.remove(staff_group())


def _staff_grants() -> QuerySet[FederationUserObjectPermission]:
    return FederationUserObjectPermission.objects.filter(
        permission__codename=MANAGE_FEDERATION.split(".")[1],
        permission__content_type__app_label="workforce",
    )


def staff_of(federation: Federation) -> QuerySet:
    """Return the users granted staff rights directly on ``federation`` (not via an ancestor)."""
    user_ids = _staff_grants().filter(content_object=federation).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids).order_by("username")


def with_staff(federations: QuerySet[Federation]) -> QuerySet[Federation]:
    """Prefetch each federation's direct staff grants (one extra query); read them with
    ``prefetched_staff``.
    """
    return federations.prefetch_related(
        Prefetch(
            "federationuserobjectpermission_set",
            queryset=_staff_grants().select_related("user").order_by("user__username"),
            to_attr="staff_grants",
        )
    )


def prefetched_staff(federation: Federation) -> list:
    """Return the staff users of a federation loaded through ``with_staff``."""
    return [grant.user for grant in federation.staff_grants]


_ADMIN_SCOPES = {
    Federation: federations_for,
    Unit: units_for,
    Worker: workers_for,
    Posting: postings_for,
    PolicyParameters: policies_for,
}


def scoped(user: User, model) -> QuerySet:
    """Return the rows of ``model`` that ``user`` manages as staff; nothing for anyone else.

    The admin screens read through this, so a worker never reaches even their own record
    there, and another federation's row is not found (404).
    """
    if not is_federation_staff(user):
        return model._default_manager.none()
    return _ADMIN_SCOPES[model](user)


def staff_paths_or_404(request) -> list[str]:
    """Return the user's managed paths; anyone who manages no federation gets a 404."""
    paths = managed_paths(request.user)
    if not paths:
        raise Http404
    return paths


def staff_only(scope: Callable[[User], QuerySet]) -> Callable[[User], QuerySet]:
    """Return ``scope`` cut to federation staff: anyone else reaches no row in the admin."""

    def scoped(user: User) -> QuerySet:
        if not is_federation_staff(user):
            return scope(user).none()
        return scope(user)

    return scoped


def staff_policy(model, actions) -> StaffPermissionPolicy:
    """Return the admin permission policy letting federation staff do ``actions`` on ``model``."""
    return StaffPermissionPolicy(model, actions, is_staff=is_federation_staff)
