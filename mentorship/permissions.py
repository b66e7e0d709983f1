"""Who sees which mentors and pairings, and who may act on them.

Staff see the mentors and pairings of the federations they manage (another county's pairing is
simply not found: a 404); a mentor sees their own pairings, an apprentice their own. Federation
rights come from ``workforce.permissions``; nothing here talks to django-guardian.
"""

from django.db.models import Q, QuerySet

from workforce.models import subtree_q
from workforce.permissions import can_manage, managed_paths

from .models import Mentor, Pairing

MENTOR = "mentor"
APPRENTICE = "apprentice"


def mentors_for(user) -> QuerySet[Mentor]:
    """Return the mentor profiles ``user`` manages as federation staff."""
    return Mentor.objects.under(managed_paths(user))


def supervised_pairings(user) -> QuerySet[Pairing]:
    """Return the pairings ``user`` supervises as federation staff."""
    return Pairing.objects.under(managed_paths(user))


def pairings_for(user) -> QuerySet[Pairing]:
    """Return the pairings ``user`` may open: as staff, as their mentor or as their apprentice."""
    if not user.is_authenticated:
        return Pairing.objects.none()
    own = Q(mentor__user=user) | Q(apprentice__user=user)
    paths = managed_paths(user)
    if paths:
        own |= subtree_q(paths, "federation__")
    return Pairing.objects.filter(own)


def side_of(user, pairing: Pairing) -> str | None:
    """Return ``MENTOR`` or ``APPRENTICE`` when ``user`` is one side of ``pairing``."""
    if not user.is_authenticated:
        return None
    if pairing.mentor.user_id == user.pk:
        return MENTOR
    if pairing.apprentice.user_id == user.pk:
        return APPRENTICE
    return None


def can_supervise(user, pairing: Pairing) -> bool:
    """Return whether ``user`` is staff of the pairing's federation (or above)."""
    return can_manage(user, pairing.federation)


def can_manage_mentor(user, mentor: Mentor) -> bool:
    return can_manage(user, mentor.federation)
