"""Time a worker's calendar feed of 50 meetings against icalendar serialising the same 50 events.

Run: ``.venv/bin/python bench/calendar_feed.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. It migrates the database, then inside a transaction that is
rolled back at the end creates a federation, a worker with a feed token, a course and five
sessions of ten meetings (all within the feed's window), and times, taking turns:

- the feed view ``courses.feeds.worker_feed`` called with a request for the worker's token
  (token lookup, the meetings query, building the VEVENTs with ``courses/calendar.py``,
  serialising, ETag), and the builder alone (``calendar.worker_meetings`` + ``calendar_bytes``);
- against icalendar itself: a ``Calendar`` with the same VTIMEZONE and 50 ``Event``s with the
  same properties built directly from plain values already in memory, then ``to_ical()``.

It checks that all three give the same 50 events (UID, SEQUENCE, start, end, summary, status)
and prints the times and the ratios. The goal is at most 2x.
"""

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from icalendar import Calendar, Event  # noqa: E402

from courses import calendar, feeds  # noqa: E402
from courses.catalogs import ensure_catalogs  # noqa: E402
from courses.models import (  # noqa: E402
    CalendarFeed,
    CatalogPage,
    CoursePage,
    Enrolment,
    Meeting,
    Session,
    TrainingType,
)
from workforce import idnumber  # noqa: E402
from workforce.models import Federation, Worker  # noqa: E402

SESSIONS, PER_SESSION = 5, 10


class Rollback(Exception):
    pass


def build_fixture(today: dt.date) -> tuple[Worker, CalendarFeed]:
    """Create a worker enrolled in 5 sessions of 10 meetings each (inside the transaction)."""
    federation = Federation.add_root(
        name="日历基准测试总工会", code="CALBENCH", level=Federation.Level.CITY
    )
    user = get_user_model().objects.create_user(username="calendar-bench")
    worker = Worker.objects.create(
        user=user,
        name="基准测试工作者",
        gender=Worker.Gender.FEMALE,
        id_number=idnumber.make("51070319900101123"),
        education=Worker.Education.BACHELOR,
        employment_mode=Worker.EmploymentMode.DIRECT,
        federation=federation,
        hire_date=today - dt.timedelta(days=400),
    )
    ensure_catalogs()
    catalog = CatalogPage.objects.get(training_type=TrainingType.THEMATIC)
    course = catalog.add_child(
        instance=CoursePage(
            title="工会法律法规与职工维权实务（基准测试）",
            slug="calendar-bench-course",
            organizer=federation,
            training_type=TrainingType.THEMATIC,
            credit_hours=Decimal(40),
        )
    )
    now = timezone.now()
    for number in range(SESSIONS):
        start = today - dt.timedelta(days=30) + dt.timedelta(days=21 * number)
        session = Session.objects.create(
            course=course,
            organizer=federation,
            title=f"基准测试第{number + 1}期",
            start_date=start,
            end_date=start + dt.timedelta(days=PER_SESSION - 1),
            location="绵阳市职工服务中心",
            enrol_opens=now - dt.timedelta(days=90),
            enrol_closes=now,
            cancel_deadline=now,
        )
        Meeting.objects.bulk_create(
            Meeting(
                session=session,
                date=start + dt.timedelta(days=day),
                start_time=dt.time(9, 0),
                end_time=dt.time(17, 30),
                hours=Decimal(8),
                place=f"第{day % 3 + 1}教室",
                cancelled=number == 2 and day == 4,
                sequence=day % 2,
            )
            for day in range(PER_SESSION)
        )
        Enrolment.objects.create(session=session, worker=worker, status=Enrolment.Status.CONFIRMED)
    return worker, CalendarFeed.objects.create(user=user)


def plain_events(worker: Worker, today: dt.date) -> list[dict]:
    """Return the 50 events' properties as plain values, as the feed shows them."""
    events = []
    parsed = Calendar.from_ical(
        calendar.calendar_bytes(calendar.worker_meetings(worker, today=today), name="x")
    )
    for event in parsed.walk("VEVENT"):
        values = {}
        for name in ("UID", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "DTSTART", "DTEND"):
            values[name] = event.decoded(name)  # str, int and datetime values
        for name in ("SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "URL"):
            if event.get(name) is not None:
                values[name] = str(event[name])
        values["UID"] = (
            values["UID"].decode() if isinstance(values["UID"], bytes) else values["UID"]
        )
        events.append(values)
    return events


def direct_icalendar(events: list[dict], vtimezone) -> bytes:
    """Build and serialise the same calendar with icalendar alone, from plain values."""
    cal = Calendar()
    cal.add("PRODID", calendar.PRODID)
    cal.add("VERSION", "2.0")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", "基准测试工作者的培训日程")
    cal.add("X-WR-TIMEZONE", calendar.TZID)
    cal.add_component(vtimezone)
    for values in events:
        event = Event()
        for name, value in values.items():
            event.add(name, value)
        cal.add_component(event)
    return cal.to_ical()


def summary(content: bytes) -> list[tuple]:
    return sorted(
        (
            str(e["UID"]),
            int(e.get("SEQUENCE", 0)),
            e.decoded("DTSTART"),
            e.decoded("DTEND"),
            str(e["SUMMARY"]),
            str(e["STATUS"]),
        )
        for e in Calendar.from_ical(content).walk("VEVENT")
    )


def best(repeat: int, inner: int, function, *args) -> float:
    """Return the best mean time of ``inner`` calls, over ``repeat`` rounds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(inner):
            function(*args)
        times.append((time.perf_counter() - started) / inner)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds; the best counts")
    parser.add_argument("--inner", type=int, default=20, help="calls per round")
    options = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    status = 0
    try:
        with transaction.atomic():
            worker, feed = build_fixture(today)
            request = RequestFactory().get(f"/calendar/{feed.token}.ics")

            def view() -> bytes:
                response = feeds.worker_feed(request, feed.token)
                assert response.status_code == 200, response.status_code
                return response.content

            def builder() -> bytes:
                meetings = calendar.worker_meetings(worker, today=today)
                return calendar.calendar_bytes(meetings, name="基准测试工作者的培训日程")

            events = plain_events(worker, today)
            vtimezone = calendar._vtimezone()
            expected = summary(direct_icalendar(events, vtimezone))
            if not (len(expected) == SESSIONS * PER_SESSION == len(events)):
                print(f"Expected {SESSIONS * PER_SESSION} events, got {len(expected)}.")
                status = 1
            for label, function in (("view", view), ("builder", builder)):
                if summary(function()) != expected:
                    print(f"MISMATCH: the {label} and plain icalendar differ.")
                    status = 1
            times = {"view": [], "builder": [], "direct": []}
            for _ in range(options.repeat):  # take turns under the same machine load
                times["view"].append(best(1, options.inner, view))
                times["builder"].append(best(1, options.inner, builder))
                times["direct"].append(best(1, options.inner, direct_icalendar, events, vtimezone))
            view_t, builder_t, direct_t = (min(times[k]) for k in ("view", "builder", "direct"))
            print(f"Database: {connection.vendor}; feed of {len(expected)} meetings")
            print(f"feed view (worker_feed):       {view_t * 1000:7.2f} ms")
            print(f"builder (query + calendar):    {builder_t * 1000:7.2f} ms")
            print(f"plain icalendar, same events:  {direct_t * 1000:7.2f} ms")
            print(f"ratio view/plain:    {view_t / direct_t:.2f}x (goal <= 2x)")
            print(f"ratio builder/plain: {builder_t / direct_t:.2f}x")
            raise Rollback
    except Rollback:
        pass
    return status


if __name__ == "__main__":
    sys.exit(main())
