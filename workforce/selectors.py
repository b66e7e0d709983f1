"""Reads for the workforce app."""

from django.db.models import Prefetch

from .models import Federation, PolicyParameters, Posting, Worker
from .policy import POLICY_FIELDS, Policy, resolve_policy


def ancestor_paths(federation: Federation) -> list[str]:
    """Return the tree paths from the root down to ``federation`` itself."""
    step = Federation.steplen
    return [federation.path[: step * depth] for depth in range(1, federation.depth + 1)]


def policy_for(federation: Federation) -> Policy:
    """Return the policy in force for ``federation``: its values over its ancestors' (1 query)."""
    records = (
        PolicyParameters.objects.filter(federation__path__in=ancestor_paths(federation))
        .order_by("federation__depth")
        .values(*POLICY_FIELDS)
    )
    return resolve_policy(records)


def worker_profile(worker_id: int) -> Worker:
    """Return a worker with federation, and postings (newest first) with their units."""
    return (
        Worker.objects.select_related("federation", "user")
        .prefetch_related(
            Prefetch(
                "postings",
                queryset=Posting.objects.select_related("unit", "unit__federation").order_by(
                    "-start"
                ),
            )
        )
        .get(pk=worker_id)
    )


def current_posting(worker: Worker) -> Posting | None:
    """Return the open posting from a worker loaded by ``worker_profile``."""
    return next((p for p in worker.postings.all() if p.end is None), None)
