"""高师带徒 meeting hours credited as training: the mentorship source of ``courses.credits``.

The mentorship issue: "confirmed meeting hours of a 高师带徒 pairing count as credited training
hours toward the annual requirement up to a cap (``mentoring_hours_cap``, default 16 hours a
year; 0 turns it off), shown as such in 'my training' with the pairing as evidence. The
compliance rule stays pure: the selector gathers the capped hours."

Registered in ``MentorshipConfig.ready()``; the courses selectors call it while they gather a
worker's (or every worker's) facts. Two grouped queries whatever the number of workers: the
confirmed hours per apprentice and year (per pairing, for the evidence), and the policies in
force (skipped when nobody has any).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from courses.compliance import Evidence
from courses.credits import ExtraHours
from courses.selectors import policies_by_path

from . import rules
from .choices import Kind
from .models import MeetingLog, Pairing

TENTH = Decimal("0.1")
# Pairings whose meetings count: under way or completed (not dissolved, declined or proposed).
COUNTING = (Pairing.Status.ACTIVE, Pairing.Status.COMPLETED)


def _exact(value) -> Decimal:
    # SQLite sums decimals as floats; meeting hours are kept to one decimal place.
    return Decimal(str(value or 0)).quantize(TENTH)


def counted_logs() -> QuerySet[MeetingLog]:
    """Return the meeting logs that count as training: confirmed, of 高师带徒 pairings under
    way or completed."""
    return MeetingLog.objects.filter(
        status=MeetingLog.Status.CONFIRMED,
        pairing__kind=Kind.APPRENTICE,
        pairing__status__in=COUNTING,
    )


def _pairing_url(pairing_id: int) -> str:
    # The pairing's page (mentorship.urls) is routed by the project's urls.py once the
    # mentoring pages are in; until then the evidence is shown without a link.
    try:
        return reverse("mentorship:pairing", args=[pairing_id])
    except NoReverseMatch:
        return ""


def evidence_label(mentor: str, hours: Decimal, confirmed: Decimal, cap: int) -> str:
    """Return how "my training" names a pairing's credited hours."""
    if hours < confirmed:
        text = _(
            "导师带徒：%(mentor)s（已确认 %(confirmed)s 学时，计入 %(hours)s 学时，上限 %(cap)s）"
        )
        return text % {
            "mentor": mentor,
            "confirmed": confirmed,
            "hours": hours,
            "cap": cap,
        }
    return _("导师带徒：%(mentor)s（%(hours)s 学时，计入上限 %(cap)s）") % {
        "mentor": mentor,
        "hours": hours,
        "cap": cap,
    }


def mentoring_hours(
    workers: QuerySet, *, first: dt.date, last: dt.date, evidence: bool = False
) -> ExtraHours:
    """Return each apprentice's confirmed 高师带徒 hours per calendar year, capped by the
    policy of the apprentice's federation (``mentoring_hours_cap``), with this year's pairings
    as evidence when asked."""
    fields = ["pairing__apprentice_id", "pairing__apprentice__federation__path", "year"]
    if evidence:
        fields += ["pairing_id", "pairing__mentor__name"]
    rows = list(
        counted_logs()
        .filter(pairing__apprentice_id__in=workers, date__gte=first, date__lte=last)
        .annotate(year=ExtractYear("date"))
        .values(*fields)
        .annotate(hours=Sum("hours"), last_day=Max("date"))
        .order_by()
    )
    if not rows:
        return ExtraHours()
    policies = policies_by_path({row["pairing__apprentice__federation__path"] for row in rows})
    per_year: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        per_year[(row["pairing__apprentice_id"], row["year"])].append(row)

    result = ExtraHours()
    for (worker_id, year), group in per_year.items():
        cap = policies[group[0]["pairing__apprentice__federation__path"]].mentoring_hours_cap
        credited = rules.credited_mentoring_hours(sum(_exact(r["hours"]) for r in group), cap)
        if not credited:
            continue
        result.hours[(worker_id, year)] = credited
        if not evidence or year != last.year:
            continue
        # The cap is shared by the year's pairings: the earlier meetings fill it first.
        left = credited
        for row in sorted(group, key=lambda r: (r["last_day"], r["pairing_id"])):
            confirmed = _exact(row["hours"])
            hours = min(confirmed, left)
            if not hours:
                continue
            left -= hours
            result.evidence.setdefault(worker_id, []).append(
                Evidence(
                    0,
                    row["pairing__mentor__name"],
                    hours,
                    row["last_day"],
                    label=evidence_label(row["pairing__mentor__name"], hours, confirmed, cap),
                    url=_pairing_url(row["pairing_id"]),
                )
            )
    return result
