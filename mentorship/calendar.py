"""Mentoring meetings in people's calendar feeds (the courses feed's extra event source).

Registered in ``MentorshipConfig.ready()`` through ``courses.calendar.register_event_source``:
the mentor's and the apprentice's personal feed (``calendar/<token>.ics``) carry each meeting
log of their pairings from the feed's window on, with the log's stable ``uid`` and its
``sequence``. A cancelled or disputed log stays in the feed as STATUS:CANCELLED (its sequence
went up when it changed), so subscribed calendars drop it visibly; a planned meeting not yet
held is TENTATIVE until it happens and is co-signed. One query per feed.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from courses.calendar import UID_DOMAIN, EventSource, simple_event, window_start

from .models import MeetingLog, Mentor

CANCELLED = (MeetingLog.Status.CANCELLED, MeetingLog.Status.DISPUTED)


def log_uid(entry: MeetingLog) -> str:
    """Return the UID of a meeting log's event: stable for the log's whole life."""
    return f"mentoring-{entry.uid}@{UID_DOMAIN}"


def _own_logs_q(user) -> Q:
    return Q(pairing__mentor__user=user) | Q(pairing__apprentice__user=user)


def feed_logs(user, *, today: dt.date):
    """Return the meeting logs of ``user``'s pairings (as mentor or apprentice) in the window."""
    return (
        MeetingLog.objects.filter(_own_logs_q(user), date__gte=window_start(today))
        .select_related("pairing__mentor", "pairing__apprentice")
        .only(
            "uid", "sequence", "date", "start_time", "hours", "form", "topic", "status",
            "created_at", "answered_at", "pairing__id", "pairing__kind",
            "pairing__mentor__name", "pairing__apprentice__name",
        )
        .order_by("date", "start_time", "pk")
    )  # fmt: skip


def log_event(entry: MeetingLog, *, site_url: str = "") -> Event:
    """Return the VEVENT of one meeting log (loaded by ``feed_logs``)."""
    pairing = entry.pairing
    cancelled = entry.status in CANCELLED
    lines = [
        f"{_('导师')}：{pairing.mentor.name}",
        f"{_('徒弟')}：{pairing.apprentice.name}",
        f"{_('形式')}：{entry.get_form_display()}",
        f"{_('时长（小时）')}：{entry.hours}",
        f"{_('状态')}：{entry.get_status_display()}",
    ]
    if cancelled:
        lines.insert(0, _("【已取消】"))
    path = reverse("mentorship:pairing", args=[pairing.pk])
    return simple_event(
        uid=log_uid(entry),
        sequence=entry.sequence,
        stamp=max(filter(None, [entry.created_at, entry.answered_at])),
        date=entry.date,
        start_time=entry.start_time,
        duration=dt.timedelta(hours=float(entry.hours or Decimal(1))),
        summary=_("带教：%(topic)s") % {"topic": entry.topic},
        description="\n".join(lines),
        cancelled=cancelled,
        tentative=entry.status == MeetingLog.Status.PLANNED,
        url=f"{site_url}{path}" if site_url else None,
    )


def feed_events(user, today: dt.date) -> list[Event]:
    """Return the events of ``user``'s meeting logs for their personal feed (one query)."""
    return [log_event(entry, site_url=settings.SITE_URL) for entry in feed_logs(user, today=today)]


def has_feed(user) -> bool:
    """Return whether ``user`` is a mentor (an apprentice is a worker: they have a feed)."""
    return Mentor.objects.filter(user=user).exists()


SOURCE = EventSource("mentorship", events=feed_events, serves=has_feed)
