"""What awards pages and other apps read: constraint checks, the quota dashboard, the notice,
and the honours a worker holds."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from workforce.models import Posting, Worker, open_posting_q

from . import rules
from .choices import HOLDS_PLACE, State
from .models import Allocation, Campaign, Honour, Nomination


def listed_nominations(campaign: Campaign) -> QuerySet[Nomination]:
    """The list the constraints are checked on: nominations past the county (submitted on)."""
    return campaign.nominations.filter(
        state__in=[State.SUBMITTED, State.REVIEW, State.NOTICE, State.APPROVED]
    )


def constraint_checks(campaign: Campaign) -> list[rules.ConstraintCheck]:
    """Check the campaign's category constraints on its current list (two queries)."""
    constraints = list(campaign.constraints.values_list("category", "bound", "percent"))
    categories = list(listed_nominations(campaign).values_list("categories", flat=True))
    return rules.check_constraints(constraints, categories)


@dataclass
class QuotaRow:
    federation_id: int
    name: str
    path: str
    allocated: int = 0
    nominated: int = 0  # holding a place
    approved: int = 0


def quota_rows(campaigns: QuerySet[Campaign], allocations: QuerySet[Allocation]) -> list[QuotaRow]:
    """Per federation with allocations: places allocated, held by nominations, approved.

    Three queries whatever the number of campaigns, federations and nominations.
    """
    # The campaigns and federations first, as plain ids: the counts below then filter on
    # them instead of evaluating the rights' subqueries again for every nomination.
    campaign_ids = list(campaigns.order_by().values_list("pk", flat=True))
    rows: dict[int, QuotaRow] = {}
    for fid, name, short, path, places in (
        allocations.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values_list(
            "federation_id", "federation__name", "federation__short_name", "federation__path"
        )
        .annotate(places=Sum("places"))
    ):
        rows[fid] = QuotaRow(fid, short or name, path, allocated=places)
    counts = (
        Nomination.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values_list("allocation__federation_id")
        .annotate(
            held=Count("pk", filter=Q(state__in=HOLDS_PLACE)),
            approved=Count("pk", filter=Q(state=State.APPROVED)),
        )
    )
    for fid, held, approved in counts:
        if fid in rows:  # another county's allocation in a campaign the user does not run
            rows[fid].nominated, rows[fid].approved = held, approved
    return sorted(rows.values(), key=lambda row: row.path)


def notice_list(campaign: Campaign) -> list[dict]:
    """The public notice (公示) of a campaign: name, unit, categories, award, summary only."""
    nominations = list(
        campaign.nominations.filter(state=State.NOTICE)
        .select_related("worker__federation")
        .order_by("allocation__federation__path", "worker__name")
    )
    units = dict(
        Posting.objects.filter(
            open_posting_q(), worker_id__in=[n.worker_id for n in nominations]
        ).values_list("worker_id", "unit__name")
    )
    return [
        {
            "nomination": n,
            "name": n.worker.name,
            "unit": units.get(n.worker_id) or n.worker.federation.display_name,
            "categories": n.category_labels(),
            "summary": n.summary,
        }
        for n in nominations
    ]


def campaigns_on_notice() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(nominations__state=State.NOTICE)
        .distinct()
        .select_related("award", "federation")
    )


def honours_of(worker: Worker | int) -> list[Honour]:
    """The awards a worker holds, the latest first (one query): careers and the dossier read it."""
    worker_id = worker if isinstance(worker, int) else worker.pk
    return list(
        Honour.objects.filter(worker_id=worker_id).select_related("award").order_by("-year")
    )
