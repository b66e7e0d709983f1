"""Who sees which campaigns, allocations and nominations, and who may act on them.

The federation running a campaign (usually the city) allocates, reviews and approves; a county
federation's staff see the campaigns allocated to them, only their own allocations and
nominations (another county's are simply not found: a 404). The public sees the notice only.
"""

from django.db.models import Q, QuerySet

from workforce.models import subtree_q
from workforce.permissions import can_manage, managed_paths

from .models import Allocation, Campaign, Nomination


def campaigns_for(user) -> QuerySet[Campaign]:
    """Campaigns the user runs (their federation or below) or has an allocation in."""
    paths = managed_paths(user)
    if not paths:
        return Campaign.objects.none()
    allocated = Allocation.objects.filter(subtree_q(paths, "federation__")).values("campaign_id")
    return Campaign.objects.filter(subtree_q(paths, "federation__") | Q(pk__in=allocated))


def runs(user, campaign: Campaign) -> bool:
    """Whether ``user`` is staff of the federation running the campaign (or above)."""
    return user is not None and can_manage(user, campaign.federation)


def allocations_for(user) -> QuerySet[Allocation]:
    """Allocations of campaigns the user runs, and those given to the user's federations."""
    paths = managed_paths(user)
    if not paths:
        return Allocation.objects.none()
    return Allocation.objects.filter(
        subtree_q(paths, "federation__") | subtree_q(paths, "campaign__federation__")
    )


def nominations_for(user) -> QuerySet[Nomination]:
    """Nominations into the user's allocations, and all of the campaigns the user runs."""
    paths = managed_paths(user)
    if not paths:
        return Nomination.objects.none()
    return Nomination.objects.filter(
        subtree_q(paths, "allocation__federation__") | subtree_q(paths, "campaign__federation__")
    )


def nominates(user, allocation: Allocation) -> bool:
    """Whether ``user`` is staff of the allocation's federation (or above)."""
    return user is not None and can_manage(user, allocation.federation)
