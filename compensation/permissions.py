"""Who sees and changes pay and funds records.

Staff see the schemes, placements, funds and reports of their own federation's subtree;
another county's are simply not found (a 404). A scheme also shows to the staff below it,
who place their workers in its posts, but only its own federation's staff change it. The
minimum-wage table is the province's, kept by the city; a county's tier is set by the
federation above it; a county files its self-inspection and the city reviews it.
"""

from django.db.models import Q, QuerySet

from workforce.models import Federation, subtree_q
from workforce.permissions import can_manage, managed_paths, workers_for

from .models import (
    FundSource,
    InsuranceYear,
    PayScheme,
    Placement,
    SelfInspection,
    Spending,
    StepRun,
    TierAssignment,
)


def _above(paths: list[str]) -> list[str]:
    step = Federation.steplen
    return [path[:end] for path in paths for end in range(step, len(path), step)]


def schemes_for(user) -> QuerySet[PayScheme]:
    """Schemes of the user's subtrees and those above them that apply to their workers."""
    paths = managed_paths(user)
    if not paths:
        return PayScheme.objects.none()
    return PayScheme.objects.filter(
        subtree_q(paths, "federation__") | Q(federation__path__in=_above(paths))
    )


def manages(user, federation: Federation) -> bool:
    """Whether ``user`` is staff of ``federation`` or above it."""
    return user is not None and can_manage(user, federation)


def manages_above(user, federation: Federation) -> bool:
    """Whether ``user`` is staff of the federation above ``federation`` (the city for a county).

    A root federation has nobody above it: its own staff act for it.
    """
    parent = federation.get_parent()
    return manages(user, parent or federation)


def keeps_wages(user) -> bool:
    """Whether ``user`` may edit the minimum-wage table: staff of a root (city) federation."""
    return any(len(path) == Federation.steplen for path in managed_paths(user))


def tier_federations_for(user) -> QuerySet[Federation]:
    """Federations whose minimum-wage tier ``user`` sets (``manages_above``): those below the
    federations they manage, and a root they manage (nobody is above it)."""
    paths = managed_paths(user)
    if not paths:
        return Federation.objects.none()
    roots = [path for path in paths if len(path) == Federation.steplen]
    return Federation.objects.filter(
        (subtree_q(paths) & ~Q(path__in=paths)) | Q(path__in=roots)
    ).order_by("path")


def placements_for(user) -> QuerySet[Placement]:
    return Placement.objects.filter(worker__in=workers_for(user))


def step_runs_for(user) -> QuerySet[StepRun]:
    return StepRun.objects.under(managed_paths(user))


def tiers_for(user) -> QuerySet[TierAssignment]:
    return TierAssignment.objects.under(managed_paths(user))


def insurance_for(user) -> QuerySet[InsuranceYear]:
    return InsuranceYear.objects.filter(worker__in=workers_for(user))


def fund_sources_for(user) -> QuerySet[FundSource]:
    return FundSource.objects.under(managed_paths(user))


def spendings_for(user) -> QuerySet[Spending]:
    return Spending.objects.filter(subtree_q(managed_paths(user), "source__federation__"))


def reports_for(user) -> QuerySet[SelfInspection]:
    return SelfInspection.objects.under(managed_paths(user))
