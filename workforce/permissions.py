"""What a user may see and change: the one module that talks to django-guardian.

A federation's staff hold ``manage_federation`` on it (granted in the admin) and so manage its
whole subtree. City staff hold it on the root. Workers see only their own records. Views call
these helpers and never guardian itself; another federation's object is simply not in the
queryset, so looking it up is a 404.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Federation, Posting, Unit, Worker

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


def workers_for(user: User) -> QuerySet[Worker]:
    """Return the workers ``user`` may see: a federation's subtree, or just themself."""
    paths = managed_paths(user)
    if paths:
        return Worker.objects.under(paths)
    if user.is_authenticated:
        return Worker.objects.filter(user=user)
    return Worker.objects.none()


def postings_for(user: User) -> QuerySet[Posting]:
    paths = managed_paths(user)
    if paths:
        return Posting.objects.under(paths)
    if user.is_authenticated:
        return Posting.objects.filter(worker__user=user)
    return Posting.objects.none()


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


@transaction.atomic
def grant_federation_staff(user: AbstractBaseUser, federation: Federation) -> None:
    """Make ``user`` staff of ``federation`` and its subtree, with admin access."""
    assign_perm(MANAGE_FEDERATION, user, federation)
    user.groups.add(staff_group())
    user.__dict__.pop("_managed_paths", None)


@transaction.atomic
def revoke_federation_staff(user: AbstractBaseUser, federation: Federation) -> None:
    remove_perm(MANAGE_FEDERATION, user, federation)
    user.__dict__.pop("_managed_paths", None)
    if not managed_paths(user):
        user.groups.remove(staff_group())
