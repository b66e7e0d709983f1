"""Deadline reminders (培训期限提醒): email workers whose training requirements are near or past.

``manage.py notify_deadlines`` runs ``send_deadline_reminders`` once a day. A worker gets at most
one reminder per day: each message sent is recorded as a ``courses.deadline_reminder`` entry in
the worker's history (Wagtail's audit log, with the day and the items), and a worker who already
has that day's entry is skipped, so running the command twice on one day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from workforce.models import Worker

from . import notifications, selectors

REMINDER_ACTION = "courses.deadline_reminder"


@dataclass
class ReminderSummary:
    due: int = 0  # workers with an item due soon or overdue
    sent: list[int] = field(default_factory=list)  # worker ids reminded now
    already: int = 0  # reminded earlier the same day
    skipped: int = 0  # no email address


def reminded_on(day: dt.date) -> set[int]:
    """Return the ids of the workers already reminded on ``day``."""
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Worker),
        action=REMINDER_ACTION,
        data__date=day.isoformat(),
    ).values_list("object_id", flat=True)
    return {int(object_id) for object_id in entries}


def send_deadline_reminders(*, today: dt.date, dry_run: bool = False) -> ReminderSummary:
    """Remind every active worker with a requirement due soon or overdue, once per day.

    The deadlines come from the compliance rules (``courses.compliance``) with each worker's
    federation policy; the message is ``notifications.send_deadline_reminder``. With
    ``dry_run`` nothing is sent or recorded (``sent`` lists who would be reminded).
    """
    summary = ReminderSummary()
    attention = selectors.workers_needing_attention(today=today)
    summary.due = len(attention)
    done = reminded_on(today)
    pending = [worker_id for worker_id in attention if worker_id not in done]
    summary.already = summary.due - len(pending)
    workers = Worker.objects.select_related("user").in_bulk(pending)
    for worker_id in pending:
        worker, items = workers[worker_id], attention[worker_id]
        if dry_run:
            summary.sent.append(worker_id)
            continue
        if not notifications.send_deadline_reminder(worker=worker, items=items):
            summary.skipped += 1
            continue
        # Recorded after sending: a failed message is retried by the next run that day.
        log(
            worker,
            REMINDER_ACTION,
            data={"date": today.isoformat(), "items": [str(item) for item in items]},
        )
        summary.sent.append(worker_id)
    return summary
