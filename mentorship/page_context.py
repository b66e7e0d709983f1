"""What the pages of mentors and apprentices show: 我的徒弟, 我的导师 and a pairing's page.

Each page is gathered with a fixed number of grouped queries (whatever the number of pairings,
goals or logs); the pure rules (``rules.health``, ``rules.reviews_due``) decide the flags.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Exists, FloatField, OuterRef, QuerySet, Subquery

from workforce.models import Federation, PolicyParameters, Worker
from workforce.policy import POLICY_FIELDS, Policy, resolve_policy
from workforce.selectors import ancestor_paths

from . import rules
from .models import Goal, MeetingLog, Mentor, Pairing, Review
from .permissions import APPRENTICE, MENTOR
from .selectors import with_activity

OPEN = (Pairing.Status.PROPOSED, Pairing.Status.ACTIVE)
# A log the other side may co-sign: written after the fact, or planned and its day has come.
ANSWERABLE = (MeetingLog.Status.PLANNED, MeetingLog.Status.AWAITING)


def policies_for(federations: Iterable[Federation]) -> dict[int, Policy]:
    """Return the policy in force for each federation, by id (one query for all of them)."""
    federations = {f.pk: f for f in federations}
    chains = {pk: ancestor_paths(f) for pk, f in federations.items()}
    paths = {path for chain in chains.values() for path in chain}
    if not paths:
        return {}
    records = {
        row.pop("federation__path"): row
        for row in PolicyParameters.objects.filter(federation__path__in=paths).values(
            "federation__path", *POLICY_FIELDS
        )
    }
    return {
        pk: resolve_policy(records[path] for path in chain if path in records)
        for pk, chain in chains.items()
    }


def with_progress(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Annotate the goals' average progress (a subquery: it does not multiply the log joins)."""
    average = (
        Goal.objects.filter(pairing=OuterRef("pk"))
        .order_by()
        .values("pairing")
        .annotate(average=Avg("progress"))
        .values("average")
    )
    return pairings.annotate(goals_progress=Subquery(average, output_field=FloatField()))


@dataclass
class PairingRow:
    """One pairing as a side sees it on their page, with its flags decided by the rules."""

    pairing: Pairing
    checkin_due: dt.date | None = None
    overdue: bool = False
    reviews_due: tuple[str, ...] = ()
    to_confirm: list[MeetingLog] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)

    @property
    def review_labels(self) -> list[str]:
        labels = dict(Review.Stage.choices)
        return [str(labels[stage]) for stage in self.reviews_due]


def _decide(pairing: Pairing, *, policy: Policy, submitted: set[str], today: dt.date) -> PairingRow:
    row = PairingRow(pairing)
    if pairing.status == Pairing.Status.ACTIVE:
        start = pairing.accepted_on or pairing.start_date
        row.checkin_due = rules.checkin_due(
            start=start, last_confirmed=pairing.last_confirmed, days=policy.mentor_checkin_days
        )
        row.overdue = (
            rules.health(
                start=start,
                last_confirmed=pairing.last_confirmed,
                days=policy.mentor_checkin_days,
                today=today,
            )
            == rules.Health.CHECKIN_OVERDUE
        )
        row.reviews_due = rules.reviews_due(
            start=pairing.start_date, end=pairing.end_date, today=today, submitted=submitted
        )
    return row


def logs_to_confirm(user, pairings: Iterable[Pairing], *, today: dt.date) -> list[MeetingLog]:
    """Return the logs of ``pairings`` written by the other side that ``user`` may co-sign."""
    return list(
        MeetingLog.objects.filter(
            pairing__in=[p.pk for p in pairings], status__in=ANSWERABLE, date__lte=today
        )
        .exclude(written_by=user)
        .select_related("written_by")
        .order_by("date", "pk")
    )


def rows_for(
    user, pairings: QuerySet[Pairing], *, side: str, today: dt.date, with_goals: bool = False
) -> list[PairingRow]:
    """Return a row per pairing with its flags, the logs awaiting ``user`` and (if asked) goals."""
    pairings = list(
        with_progress(with_activity(pairings)).select_related("mentor", "apprentice", "federation")
    )
    if not pairings:
        return []
    policies = policies_for({p.federation_id: p.federation for p in pairings}.values())
    active = [p.pk for p in pairings if p.status == Pairing.Status.ACTIVE]
    submitted: dict[int, set[str]] = defaultdict(set)
    for pairing_id, stage in Review.objects.filter(pairing__in=active, side=side).values_list(
        "pairing", "stage"
    ):
        submitted[pairing_id].add(stage)
    rows = {
        p.pk: _decide(p, policy=policies[p.federation_id], submitted=submitted[p.pk], today=today)
        for p in pairings
    }
    for entry in logs_to_confirm(user, [p for p in pairings if p.is_open], today=today):
        rows[entry.pairing_id].to_confirm.append(entry)
    if with_goals:
        for goal in Goal.objects.filter(pairing__in=[p.pk for p in pairings if p.is_open]):
            rows[goal.pairing_id].goals.append(goal)
    return list(rows.values())


def mentor_page(mentor: Mentor, user, *, today: dt.date) -> dict:
    """Return what "我的徒弟" shows: proposed pairings to answer, and the open ones' rows."""
    rows = rows_for(user, mentor.pairings.filter(status__in=OPEN), side=MENTOR, today=today)
    return {
        "proposed": [r for r in rows if r.pairing.status == Pairing.Status.PROPOSED],
        "active": [r for r in rows if r.pairing.status == Pairing.Status.ACTIVE],
    }


def apprentice_page(worker: Worker, user, *, today: dt.date) -> dict:
    """Return what "我的导师" shows: the worker's pairings, open first, with goals and flags."""
    rows = rows_for(
        user,
        Pairing.objects.filter(apprentice=worker).order_by("-status", "-start_date", "-pk"),
        side=APPRENTICE,
        today=today,
        with_goals=True,
    )
    return {
        "open": [r for r in rows if r.pairing.is_open],
        "past": [r for r in rows if not r.pairing.is_open],
    }


def mentoring_roles(user) -> dict[str, bool]:
    """Return whether ``user`` is a mentor and whether they are an apprentice (one query)."""
    if not user.is_authenticated:
        return {"mentor": False, "apprentice": False}
    flags = (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .annotate(
            is_mentor=Exists(Mentor.objects.filter(user=OuterRef("pk"))),
            is_apprentice=Exists(Pairing.objects.filter(apprentice__user=OuterRef("pk"))),
        )
        .values("is_mentor", "is_apprentice")
        .first()
    )
    if flags is None:
        return {"mentor": False, "apprentice": False}
    return {"mentor": bool(flags["is_mentor"]), "apprentice": bool(flags["is_apprentice"])}
