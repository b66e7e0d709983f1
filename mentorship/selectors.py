"""Reads for mentoring: an apprentice's gaps, a pairing's state, the lists on people's pages."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from courses.compliance import Status
from courses.selectors import worker_compliance
from workforce.models import Worker

from .choices import Expertise
from .models import Extension, MeetingLog, Mentor, Pairing, Review

# The apprentice's gaps, and the expertise that helps close each (data, used by goals and by
# the match suggestions).
GAP_AREAS = {
    "annual": Expertise.TRAINING,
    "rotation": Expertise.TRAINING,
    "onboarding": Expertise.TRAINING,
    "qualification": Expertise.SOCIAL_WORK,
}


@dataclass(frozen=True)
class Gap:
    """Something the apprentice still lacks: a compliance requirement or the qualification."""

    key: str
    title: str
    due: dt.date
    area: str


def gaps_of(worker: Worker, *, today: dt.date) -> list[Gap]:
    """Return the compliance requirements the worker has not met, and a missing qualification."""
    compliance, _policy = worker_compliance(worker, today=today)
    gaps = [
        Gap(
            f"compliance:{result.rule}",
            _("完成%(rule)s要求") % {"rule": result.rule.label},
            max(result.due_date, today),
            GAP_AREAS[str(result.rule)],
        )
        for result in compliance
        if result.status != Status.MET
    ]
    if worker.qualification == Worker.Qualification.NONE:
        gaps.append(
            Gap(
                "qualification",
                _("取得社会工作者职业资格"),
                dt.date(today.year, 12, 31),
                GAP_AREAS["qualification"],
            )
        )
    return gaps


def with_activity(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Annotate each pairing with its last confirmed meeting, confirmed hours, goals' average
    progress and the logs awaiting confirmation (one query for the whole list)."""
    confirmed = Q(logs__status=MeetingLog.Status.CONFIRMED)
    return pairings.annotate(
        last_confirmed=Max("logs__date", filter=confirmed),
        awaiting_logs=Count(
            "logs", filter=Q(logs__status=MeetingLog.Status.AWAITING), distinct=True
        ),
    )


def pairing_detail(pairing: Pairing) -> dict:
    """Return what a pairing's page shows: goals, logs, reviews and pending extensions."""
    return {
        "goals": list(pairing.goals.all()),
        "logs": list(pairing.logs.select_related("written_by").order_by("-date", "-pk")),
        "reviews": {(r.stage, r.side): r for r in pairing.reviews.all()},
        "extension": pairing.extensions.filter(status=Extension.Status.PENDING).first(),
    }


def mentor_of(user) -> Mentor | None:
    """Return the mentor profile of a signed-in user, if they have one."""
    if not user.is_authenticated:
        return None
    return Mentor.objects.filter(user=user).select_related("federation").first()


def submitted_reviews(pairing: Pairing) -> set[tuple[str, str]]:
    return set(Review.objects.filter(pairing=pairing).values_list("stage", "side"))
