"""Calendars (iCalendar, RFC 5545) of training meetings: per session, per worker, per federation.

Every meeting (课次) is one VEVENT with a stable UID (``meeting-<pk>@union-pathways``) and
the meeting's SEQUENCE; a cancelled meeting or session stays in the calendar with
STATUS:CANCELLED so subscribed calendars drop it visibly. Times are Asia/Shanghai with its
VTIMEZONE. Each calendar is read with one query for its meetings (``*_meetings`` below) and
turned into bytes by ``calendar_bytes``.

Apps above courses add their own events to a person's feed through ``register_event_source``
(see "Extra event sources" below); courses never imports them.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


def _is_cancelled(meeting: Meeting) -> bool:
    return meeting.cancelled or meeting.session.status == Session.Status.CANCELLED


class _SessionTexts:
    """What the events of one session share (summary, description, URL), made once per session.

    A feed of many meetings then costs little more than serializing its events.
    """

    def __init__(self):
        self._labels = (_("主办单位"), _("课程"), _("班次"), _("学时"), _("【已取消】"))
        self._url_pattern = _url_pattern()
        self._by_session: dict[int, tuple[str, str, str | None]] = {}

    def for_session(self, session: Session) -> tuple[str, str, str | None]:
        texts = self._by_session.get(session.pk)
        if texts is None:
            organizer, course, title, _hours, _cancelled = self._labels
            head = (
                f"{organizer}：{session.organizer.name}\n"
                f"{course}：{session.course.title}\n"
                f"{title}：{session.title}"
            )
            url = (
                self._url_pattern.replace(_URL_SENTINEL, str(session.pk))
                if self._url_pattern
                else None
            )
            texts = self._by_session[session.pk] = (_summary(session), head, url)
        return texts

    def description(self, meeting: Meeting, head: str) -> str:
        _organizer, _course, _title, hours, cancelled = self._labels
        text = f"{head}\n{hours}：{meeting.hours}"
        return f"{cancelled}\n{text}" if _is_cancelled(meeting) else text


_URL_SENTINEL = "2147483647"


def _url_pattern() -> str | None:
    return session_page_url(int(_URL_SENTINEL))


def meeting_event(meeting: Meeting, *, texts: _SessionTexts | None = None) -> Event:
    """Return the VEVENT of one meeting (loaded by ``_meetings``)."""
    texts = texts or _SessionTexts()
    session = meeting.session
    summary, head, url = texts.for_session(session)
    if _is_cancelled(meeting):
        status = "CANCELLED"
    elif getattr(meeting, "enrolment_status", None) == Enrolment.Status.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    stamp = meeting.updated_at.astimezone(dt.UTC)
    # Plain ``add`` rather than ``Event.new``: the same properties, without its per-call checks.
    event = Event()
    event.add("UID", meeting_uid(meeting.pk))
    event.add("SEQUENCE", meeting.sequence)
    event.add("DTSTAMP", stamp)
    event.add("LAST-MODIFIED", stamp)
    event.add("DTSTART", dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=TZ))
    event.add("DTEND", dt.datetime.combine(meeting.date, meeting.end_time, tzinfo=TZ))
    event.add("SUMMARY", summary)
    location = meeting.place or session.location
    if location:
        event.add("LOCATION", location)
    event.add("DESCRIPTION", texts.description(meeting, head))
    event.add("STATUS", status)
    if url:
        event.add("URL", url)
    return event


def build_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    uid: str | None = None,
    extra: Iterable[Event] = (),
) -> Calendar:
    """Return a calendar with one event per meeting, the ``extra`` events and the VTIMEZONE.

    ``uid`` names the calendar itself (stable, so an unchanged feed is byte-identical).
    """
    calendar = Calendar.new(prodid=PRODID, name=name, method="PUBLISH", uid=uid)
    # How often subscribers should re-read: RFC 7986, and the older Outlook/Apple property.
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add_component(_vtimezone())
    texts = _SessionTexts()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, texts=texts))
    for event in extra:
        calendar.add_component(event)
    return calendar


def calendar_bytes(
    meetings: Iterable[Meeting],
    *,
    name: str,
    uid: str | None = None,
    extra: Iterable[Event] = (),
) -> bytes:
    """Return the serialized calendar (UTF-8 bytes)."""
    return build_calendar(meetings, name=name, uid=uid, extra=extra).to_ical()


def session_calendar(session: Session) -> bytes:
    """Return the ``.ics`` of one session: all its meetings."""
    return calendar_bytes(
        session_meetings(session), name=session.title, uid=calendar_uid("session", session.pk)
    )


# Extra event sources -----------------------------------------------------------------------------
#
# The dependency direction is workforce <- courses <- certificates <- mentorship: courses must not
# import the apps above it, yet a person's feed (``calendar/<token>.ics``) should also carry, say,
# their planned mentoring meetings. An app adds its events by registering an ``EventSource`` in
# its ``AppConfig.ready()``:
#
#     register_event_source(EventSource("mentorship", events=feed_events, serves=has_events))
#
# ``events(user, today)`` returns the VEVENTs for the feed's owner (build them with
# ``simple_event`` so they look like ours; read them with one query, so a feed costs one query
# per source whatever the number of events); ``serves(user)`` says whether the user, even if
# not a worker (a mentor who is a union cadre), has a personal feed because of that app.


@dataclass(frozen=True)
class EventSource:
    """Events another app adds to a person's feed (registered in its ``AppConfig.ready()``)."""

    name: str
    events: Callable[..., Iterable[Event]]  # (user, today) -> events
    serves: Callable[..., bool]  # (user) -> whether the user has a feed because of this app


_SOURCES: dict[str, EventSource] = {}


def register_event_source(source: EventSource) -> None:
    """Add (or replace, by name) a source of extra events in personal feeds."""
    _SOURCES[source.name] = source


def event_sources() -> tuple[EventSource, ...]:
    return tuple(_SOURCES.values())


def extra_events(user, *, today: dt.date) -> list[Event]:
    """Return the events every registered source adds to ``user``'s personal feed."""
    return [event for source in event_sources() for event in source.events(user, today)]


def served_by_a_source(user) -> bool:
    """Return whether a registered source gives ``user`` a personal feed."""
    return any(source.serves(user) for source in event_sources())


def simple_event(
    *,
    uid: str,
    sequence: int,
    stamp: dt.datetime,
    date: dt.date,
    start_time: dt.time | None,
    duration: dt.timedelta,
    summary: str,
    description: str,
    cancelled: bool,
    tentative: bool = False,
    location: str = "",
    url: str | None = None,
) -> Event:
    """Return a VEVENT shaped like a meeting's: Asia/Shanghai times, or a whole day when
    ``start_time`` is None; STATUS:CANCELLED keeps a cancelled event in subscribed calendars."""
    stamp = stamp.astimezone(dt.UTC)
    event = Event()
    event.add("UID", uid)
    event.add("SEQUENCE", sequence)
    event.add("DTSTAMP", stamp)
    event.add("LAST-MODIFIED", stamp)
    if start_time is None:
        event.add("DTSTART", date)
        event.add("DTEND", date + dt.timedelta(days=1))
    else:
        start = dt.datetime.combine(date, start_time, tzinfo=TZ)
        event.add("DTSTART", start)
        event.add("DTEND", start + duration)
    event.add("SUMMARY", summary)
    if location:
        event.add("LOCATION", location)
    event.add("DESCRIPTION", description)
    event.add("STATUS", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    if url:
        event.add("URL", url)
    return event
