"""Who sees which evaluation cycles and results.

Staff see the cycles of the federations they manage (another county's cycle is simply not
found: a 404); a worker sees their own confirmed grades and per-kind scores, never single
answers. Evaluators need no account: their token is their only right (``services``).
"""

from django.db.models import QuerySet

from workforce.permissions import can_manage, managed_paths

from .choices import State
from .models import Assessment, Cycle


def cycles_for(user) -> QuerySet[Cycle]:
    """Return the cycles ``user`` runs or supervises as federation staff."""
    return Cycle.objects.under(managed_paths(user))


def can_run(user, cycle: Cycle) -> bool:
    """Return whether ``user`` is staff of the cycle's federation (or above)."""
    return user is not None and can_manage(user, cycle.federation)


def own_assessments(user) -> QuerySet[Assessment]:
    """Return the signed-in worker's results of confirmed cycles."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(worker__user=user, cycle__state=State.CONFIRMED)
