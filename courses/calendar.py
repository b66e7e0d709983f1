"""Calendars (iCalendar, RFC 5545) of training meetings: per session, per worker, per federation.

Every meeting (课次) is one VEVENT with a stable UID (``meeting-<pk>@union-pathways``) and
the meeting's SEQUENCE; a cancelled meeting or session stays in the calendar with
STATUS:CANCELLED so subscribed calendars drop it visibly. Times are Asia/Shanghai with its
VTIMEZONE. Each calendar is read with one query for its meetings (``*_meetings`` below) and
turned into bytes by ``calendar_bytes``.
"""

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from workforce.models import Worker, subtree_q

from .models import Enrolment, Meeting, Session

TZID = "Asia/Shanghai"
TZ = ZoneInfo(TZID)
UID_DOMAIN = "union-pathways"
PRODID = "-//Union Pathways//社会化工会工作者成长管理平台//ZH"
REFRESH = dt.timedelta(hours=1)
# "All upcoming and the past 12 months."
PAST_DAYS = 366

# Session page of the front office (courses-ui); a calendar event links it when it exists.
SESSION_PAGE_URL_NAME = "courses:session_detail"


def meeting_uid(meeting_id: int) -> str:
    """Return the UID of a meeting's event: stable for the meeting's whole life."""
    return f"meeting-{meeting_id}@{UID_DOMAIN}"


def calendar_uid(kind: str, pk: int) -> str:
    """Return the UID of a whole calendar: ``session``, ``worker`` or ``federation`` feed."""
    return f"{kind}-{pk}@{UID_DOMAIN}"


def window_start(today: dt.date) -> dt.date:
    """Return the first day a feed shows: 12 months back; everything later is included."""
    return today - dt.timedelta(days=PAST_DAYS)


@lru_cache(maxsize=1)
def _vtimezone() -> Timezone:
    # Asia/Shanghai has had no daylight saving since 1991: one STANDARD rule covers all
    # meetings from 2000 on. Built once per process; calendars share the component.
    return Timezone.from_tzid(TZID, first_date=dt.date(2000, 1, 1), last_date=dt.date(2100, 1, 1))


def session_page_url(session_id: int) -> str | None:
    """Return the absolute URL of the session's public page, if the front office has one."""
    try:
        path = reverse(SESSION_PAGE_URL_NAME, args=[session_id])
    except NoReverseMatch:
        return None
    return f"{settings.SITE_URL}{path}"


def _meetings(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Select what an event shows, in one query with the session, course and organizer."""
    return (
        queryset.select_related("session", "session__course", "session__organizer")
        .only(
            "id",
            "date",
            "start_time",
            "end_time",
            "hours",
            "place",
            "cancelled",
            "sequence",
            "updated_at",
            "session__id",
            "session__title",
            "session__location",
            "session__status",
            "session__course__title",
            "session__course__training_type",
            "session__organizer__name",
        )
        .order_by("date", "start_time", "pk")
    )


def session_meetings(session: Session) -> QuerySet[Meeting]:
    """Return every meeting of a session (its ``.ics`` has no date window)."""
    return _meetings(Meeting.objects.filter(session=session))


def worker_meetings(worker: Worker, *, today: dt.date) -> QuerySet[Meeting]:
    """Return the meetings of the worker's confirmed and waitlisted sessions in the window.

    Each meeting carries ``enrolment_status`` (waitlisted sessions show as tentative).
    Sessions the worker cancelled are left out; cancelled sessions and meetings stay.
    """
    return _meetings(
        Meeting.objects.filter(
            date__gte=window_start(today),
            session__enrolments__worker=worker,
            session__enrolments__status__in=[
                Enrolment.Status.CONFIRMED,
                Enrolment.Status.WAITLISTED,
            ],
        ).annotate(enrolment_status=F("session__enrolments__status"))
    )


def federation_meetings(paths: Iterable[str], *, today: dt.date) -> QuerySet[Meeting]:
    """Return the meetings of every session organised in the subtrees of ``paths``."""
    return _meetings(
        Meeting.objects.filter(subtree_q(list(paths), "session__organizer__")).filter(
            date__gte=window_start(today)
        )
    )


def _summary(session: Session) -> str:
    course = session.course.title
    if not course or course in session.title:
        return session.title
    return f"{course} · {session.title}"


def _description(meeting: Meeting, session: Session) -> str:
    lines = [
        _("主办单位：%(name)s") % {"name": session.organizer.name},
        _("课程：%(course)s") % {"course": session.course.title},
        _("班次：%(title)s") % {"title": session.title},
        _("学时：%(hours)s") % {"hours": meeting.hours},
    ]
    if meeting.cancelled or session.status == Session.Status.CANCELLED:
        lines.insert(0, _("【已取消】"))
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, url: str | None = None) -> Event:
    """Return the VEVENT of one meeting (loaded by ``_meetings``)."""
    session = meeting.session
    if meeting.cancelled or session.status == Session.Status.CANCELLED:
        status = "CANCELLED"
    elif getattr(meeting, "enrolment_status", None) == Enrolment.Status.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    stamp = meeting.updated_at.astimezone(dt.UTC)
    event = Event.new(
        uid=meeting_uid(meeting.pk),
        sequence=meeting.sequence,
        stamp=stamp,
        last_modified=stamp,
        start=dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=TZ),
        end=dt.datetime.combine(meeting.date, meeting.end_time, tzinfo=TZ),
        summary=_summary(session),
        location=meeting.place or session.location or None,
        description=_description(meeting, session),
        status=status,
        url=url,
    )
    return event


def build_calendar(meetings: Iterable[Meeting], *, name: str, uid: str | None = None) -> Calendar:
    """Return a calendar with one event per meeting and the Asia/Shanghai VTIMEZONE.

    ``uid`` names the calendar itself (stable, so an unchanged feed is byte-identical).
    """
    calendar = Calendar.new(prodid=PRODID, name=name, method="PUBLISH", uid=uid)
    # How often subscribers should re-read: RFC 7986, and the older Outlook/Apple property.
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add_component(_vtimezone())
    urls: dict[int, str | None] = {}
    for meeting in meetings:
        session_id = meeting.session_id
        if session_id not in urls:
            urls[session_id] = session_page_url(session_id)
        calendar.add_component(meeting_event(meeting, url=urls[session_id]))
    return calendar


def calendar_bytes(meetings: Iterable[Meeting], *, name: str, uid: str | None = None) -> bytes:
    """Return the serialized calendar (UTF-8 bytes)."""
    return build_calendar(meetings, name=name, uid=uid).to_ical()


def session_calendar(session: Session) -> bytes:
    """Return the ``.ics`` of one session: all its meetings."""
    return calendar_bytes(
        session_meetings(session), name=session.title, uid=calendar_uid("session", session.pk)
    )
