"""Daily mentoring reminders (带教提醒): ``manage.py notify_mentoring`` runs
``send_mentoring_reminders`` once a day.

It completes, dissolves or changes no pairing by itself; staff and the two sides decide. Among
the active pairings it finds:

- those past their end date: flagged once (``Pairing.flagged_on``, cleared again when an
  extension moves the end date) and "term_ending" sent to both sides and the staff — which
  asks for the final reviews, so no "review_due" is sent besides;
- those with no confirmed meeting for ``mentor_checkin_days`` (``rules.health``):
  "checkin_overdue" to both sides and the staff;
- those with a review due from either side (``rules.reviews_due``): "review_due" to both.

The same reminder about the same pairing is sent at most once a day: each message sent is
recorded as a ``mentorship.reminder`` entry in the pairing's history (Wagtail's audit log, with
the day and the event), and a reminder already recorded that day is skipped, so running the
command twice on one day sends nothing new.

It acts as the system, not as a user: it runs from cron with nobody signed in, so the flag and
the audit entries carry no user, and no permission is checked. It reads the pairings, their
reviews, the policies in force and the day's entries in four grouped queries, whatever the
number of pairings; sending costs a few queries per message (the supervising staff).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from courses.selectors import policies_by_path

from . import notifications, rules
from .models import Pairing, Review
from .selectors import with_activity

REMINDER_ACTION = "mentorship.reminder"
TERM_ENDING, CHECKIN_OVERDUE, REVIEW_DUE = "term_ending", "checkin_overdue", "review_due"
EVENTS = (TERM_ENDING, CHECKIN_OVERDUE, REVIEW_DUE)


@dataclass
class ReminderSummary:
    due: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENTS, 0))
    flagged: list[int] = field(default_factory=list)  # pairing ids flagged now
    sent: list[tuple[int, str]] = field(default_factory=list)  # (pairing id, event) sent now
    already: int = 0  # sent earlier the same day
    skipped: int = 0  # nobody to tell had an email address


def reminded_on(day: dt.date) -> set[tuple[int, str]]:
    """Return the (pairing id, event) reminders already recorded on ``day``."""
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Pairing),
        action=REMINDER_ACTION,
        data__date=day.isoformat(),
    ).values_list("object_id", "data__event")
    return {(int(object_id), event) for object_id, event in entries}


def due_reminders(*, today: dt.date) -> list[tuple[Pairing, str]]:
    """Return the reminders due on ``today``: (active pairing, event), by pairing id."""
    pairings = list(
        with_activity(Pairing.objects.active())
        .select_related("mentor__user", "apprentice__user", "federation")
        .order_by("pk")
    )
    if not pairings:
        return []
    submitted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for pairing_id, stage, side in Review.objects.filter(
        pairing__status=Pairing.Status.ACTIVE
    ).values_list("pairing_id", "stage", "side"):
        submitted[(pairing_id, side)].add(stage)
    policies = policies_by_path({pairing.federation.path for pairing in pairings})

    due = []
    for pairing in pairings:
        if today > pairing.end_date:
            due.append((pairing, TERM_ENDING))
            continue
        policy = policies[pairing.federation.path]
        health = rules.health(
            start=pairing.start_date,
            last_confirmed=pairing.last_confirmed,
            days=policy.mentor_checkin_days,
            today=today,
        )
        if health is rules.Health.CHECKIN_OVERDUE:
            due.append((pairing, CHECKIN_OVERDUE))
        if any(
            rules.reviews_due(
                start=pairing.start_date,
                end=pairing.end_date,
                today=today,
                submitted=submitted[(pairing.pk, side)],
            )
            for side in (Review.Side.MENTOR, Review.Side.APPRENTICE)
        ):
            due.append((pairing, REVIEW_DUE))
    return due


def send_mentoring_reminders(*, today: dt.date, dry_run: bool = False) -> ReminderSummary:
    """Flag the pairings past their end date and send the day's reminders, once per day.

    With ``dry_run`` nothing is flagged, sent or recorded (``flagged`` and ``sent`` list what
    would be).
    """
    summary = ReminderSummary()
    due = due_reminders(today=today)
    for _pairing, event in due:
        summary.due[event] += 1

    to_flag = [p for p, event in due if event == TERM_ENDING and p.flagged_on is None]
    summary.flagged = [pairing.pk for pairing in to_flag]
    if to_flag and not dry_run:
        Pairing.objects.filter(pk__in=summary.flagged, flagged_on__isnull=True).update(
            flagged_on=today
        )
        for pairing in to_flag:
            pairing.flagged_on = today

    done = reminded_on(today)
    for pairing, event in due:
        if (pairing.pk, event) in done:
            summary.already += 1
            continue
        if dry_run:
            summary.sent.append((pairing.pk, event))
            continue
        if not notifications.send_reminders([(pairing, event)]):
            summary.skipped += 1
            continue
        # Recorded after sending: a failed message is retried by the next run that day.
        log(pairing, REMINDER_ACTION, data={"date": today.isoformat(), "event": event})
        summary.sent.append((pairing.pk, event))
    return summary
