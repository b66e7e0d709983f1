"""Calendars: the session ``.ics``, the worker's feed and the federation feed, parsed back."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses import services
from courses.feeds import webcal_url
from courses.models import CalendarFeed, Enrolment
from tests.conftest import login
from tests.factories import (
    EnrolmentFactory,
    MeetingFactory,
    SessionFactory,
    add_meeting_days,
    make_course,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2030, 2, 1, 9, tzinfo=dt.UTC)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def feed_url(user) -> str:
    return reverse("courses:worker_feed", args=[services.feed_for(user).token])


def federation_url(user) -> str:
    return reverse("courses:federation_feed", args=[services.feed_for(user).token])


@pytest.fixture
def enrolled(session, worker):
    return services.enrol_worker(by=worker.user, session=session, worker=worker, now=NOW)


# The session .ics ------------------------------------------------------------------------------


def test_session_ics_has_one_event_per_meeting(client, session):
    response = client.get(reverse("courses:session_ics", args=[session.pk]))
    calendar = parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}.ics"'
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    found = events(calendar)
    meetings = list(session.meetings.all())
    assert set(found) == {f"meeting-{m.pk}@union-pathways" for m in meetings}
    first = found[f"meeting-{meetings[0].pk}@union-pathways"]
    assert first.start == dt.datetime(2030, 3, 4, 9, tzinfo=SHANGHAI)
    assert first.end == dt.datetime(2030, 3, 4, 12, tzinfo=SHANGHAI)
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(first["SUMMARY"]) == "工会法与劳动法实务 · 2030年第一期"
    assert str(first["LOCATION"]) == "市职工服务中心"
    assert "涪城区总工会" in str(first["DESCRIPTION"])
    assert str(first["URL"]).endswith(reverse("courses:session_detail", args=[session.pk]))
    assert first["SEQUENCE"] == 0
    assert str(first["STATUS"]) == "CONFIRMED"


def test_meeting_place_overrides_the_session_location(client, session):
    meeting = session.meetings.first()
    meeting.place = "工人文化宫 201"
    meeting.save()
    found = events(parse(client.get(reverse("courses:session_ics", args=[session.pk]))))
    assert str(found[f"meeting-{meeting.pk}@union-pathways"]["LOCATION"]) == "工人文化宫 201"


def test_session_ics_of_an_unpublished_course_is_404(client, county):
    draft = SessionFactory(course=make_course(organizer=county, live=False))
    assert client.get(reverse("courses:session_ics", args=[draft.pk])).status_code == 404
    assert client.get(reverse("courses:session_ics", args=[99999])).status_code == 404


def test_unchanged_calendar_is_byte_identical_and_cacheable(client, session):
    url = reverse("courses:session_ics", args=[session.pk])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


# The worker's feed -----------------------------------------------------------------------------


def test_worker_feed_works_without_login(client, enrolled, session):
    calendar = parse(client.get(feed_url(enrolled.worker.user)))
    assert len(events(calendar)) == session.meetings.count()
    assert calendar.walk("VTIMEZONE")
    assert str(calendar["X-WR-CALNAME"]) == "张晓梅的培训日程"


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("courses:worker_feed", args=["no-such-token"])).status_code == 404


def test_feed_of_a_user_without_a_worker_record_is_404(client, county_staff):
    assert client.get(feed_url(county_staff)).status_code == 404


def test_feed_of_a_disabled_account_is_404(client, enrolled):
    url = feed_url(enrolled.worker.user)
    enrolled.worker.user.is_active = False
    enrolled.worker.user.save()
    assert client.get(url).status_code == 404


def test_uid_stays_and_sequence_rises_after_a_change(client, enrolled, session, county_staff):
    url = feed_url(enrolled.worker.user)
    before = events(parse(client.get(url)))
    moved = session.meetings.first()
    services.update_meeting(
        by=county_staff, meeting=moved, start_time=dt.time(14), end_time=dt.time(17)
    )
    after = events(parse(client.get(url)))
    assert set(after) == set(before)
    uid = f"meeting-{moved.pk}@union-pathways"
    assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"] + 1
    assert after[uid].start == dt.datetime(2030, 3, 4, 14, tzinfo=SHANGHAI)
    unchanged = [u for u in after if u != uid]
    assert all(after[u]["SEQUENCE"] == before[u]["SEQUENCE"] for u in unchanged)


def test_cancelled_meeting_stays_as_cancelled(client, enrolled, session, county_staff):
    meeting = session.meetings.last()
    services.cancel_meeting(by=county_staff, meeting=meeting)
    found = events(parse(client.get(feed_url(enrolled.worker.user))))
    event = found[f"meeting-{meeting.pk}@union-pathways"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert sum(str(e["STATUS"]) == "CONFIRMED" for e in found.values()) == 4


def test_cancelled_session_stays_as_cancelled(client, enrolled, session, county_staff):
    services.cancel_session(by=county_staff, session=session)
    found = events(parse(client.get(feed_url(enrolled.worker.user))))
    assert len(found) == 5
    assert {str(e["STATUS"]) for e in found.values()} == {"CANCELLED"}
    assert {e["SEQUENCE"] for e in found.values()} == {1}


def test_waitlisted_sessions_are_tentative_and_cancelled_enrolments_leave(client, course, worker):
    waiting = SessionFactory(course=course, capacity=0)
    MeetingFactory(session=waiting, date=dt.date(2030, 4, 1))
    EnrolmentFactory(
        session=waiting, worker=worker, status=Enrolment.Status.WAITLISTED, waitlisted_at=NOW
    )
    dropped = SessionFactory(course=course)
    MeetingFactory(session=dropped, date=dt.date(2030, 5, 6))
    EnrolmentFactory(session=dropped, worker=worker, status=Enrolment.Status.CANCELLED)
    found = events(parse(client.get(feed_url(worker.user))))
    assert [str(e["STATUS"]) for e in found.values()] == ["TENTATIVE"]


def test_feed_shows_only_the_workers_own_sessions(client, enrolled, course, county):
    someone_else = EnrolmentFactory(session=SessionFactory(course=course))
    add_meeting_days(someone_else.session, 2)
    found = events(parse(client.get(feed_url(enrolled.worker.user))))
    assert len(found) == 5


def test_feed_window_is_the_past_12_months_and_everything_ahead(client, course, worker):
    today = timezone.localdate()
    session = SessionFactory(
        course=course,
        start_date=today - dt.timedelta(days=500),
        end_date=today + dt.timedelta(days=900),
    )
    old = MeetingFactory(session=session, date=today - dt.timedelta(days=400))
    recent = MeetingFactory(session=session, date=today - dt.timedelta(days=300))
    far = MeetingFactory(session=session, date=today + dt.timedelta(days=800))
    EnrolmentFactory(session=session, worker=worker)
    found = events(parse(client.get(feed_url(worker.user))))
    assert set(found) == {f"meeting-{m.pk}@union-pathways" for m in (recent, far)}
    assert old.pk


def _more_sessions(course, worker, count):
    for i in range(count):
        session = SessionFactory(
            course=course,
            start_date=dt.date(2031, 1, 1) + dt.timedelta(days=10 * i),
            end_date=dt.date(2031, 1, 5) + dt.timedelta(days=10 * i),
        )
        add_meeting_days(session)
        EnrolmentFactory(session=session, worker=worker)


def test_worker_feed_queries_do_not_grow(client, enrolled, course, django_assert_max_num_queries):
    url = feed_url(enrolled.worker.user)
    # The feed, the worker, their meetings, and one query per registered extra event source
    # (courses.calendar.register_event_source: mentoring meetings).
    with django_assert_max_num_queries(4):
        assert len(events(parse(client.get(url)))) == 5
    _more_sessions(course, enrolled.worker, 8)
    with django_assert_max_num_queries(4):
        assert len(events(parse(client.get(url)))) == 45


def test_session_ics_queries_do_not_grow(client, session, django_assert_max_num_queries):
    url = reverse("courses:session_ics", args=[session.pk])
    with django_assert_max_num_queries(2):
        parse(client.get(url))
    add_meeting_days(session, 5, start_time=dt.time(14), end_time=dt.time(17))
    with django_assert_max_num_queries(2):
        assert len(events(parse(client.get(url)))) == 10


# Token reset ------------------------------------------------------------------------------------


def test_reset_gives_a_new_address_and_retires_the_old(client, enrolled):
    user = enrolled.worker.user
    old = feed_url(user)
    response = login(client, user).post(reverse("courses:feed_reset"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workforce:my_page")
    new = feed_url(user)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_reset_follows_a_local_next_only(client, worker):
    login(client, worker.user)
    response = client.post(reverse("courses:feed_reset"), {"next": "/me/training/"})
    assert response["Location"] == "/me/training/"
    response = client.post(reverse("courses:feed_reset"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("workforce:my_page")


def test_reset_is_post_only_and_for_workers(client, worker, county_staff):
    url = reverse("courses:feed_reset")
    assert client.post(url).status_code == 302  # anonymous: to the login
    assert "login" in client.post(url)["Location"]
    assert login(client, worker.user).get(url).status_code == 405
    assert login(client, county_staff).post(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=county_staff).exists()


def test_webcal_address(rf, worker):
    feed = services.feed_for(worker.user)
    request = rf.get("/")
    assert webcal_url(request, feed) == f"webcal://testserver/calendar/{feed.token}.ics"


# The federation feed ----------------------------------------------------------------------------


def test_federation_feed_covers_the_staff_subtree(
    client, session, park, other_county, county_staff, city_staff
):
    park_session = SessionFactory(course=make_course(organizer=park))
    add_meeting_days(park_session, 2)
    other_session = SessionFactory(course=make_course(organizer=other_county))
    add_meeting_days(other_session, 3)

    county_events = events(parse(client.get(federation_url(county_staff))))
    assert len(county_events) == 5 + 2
    city_events = events(parse(client.get(federation_url(city_staff))))
    assert len(city_events) == 5 + 2 + 3


def test_federation_feed_is_for_staff_only(client, worker):
    assert client.get(federation_url(worker.user)).status_code == 404
    assert client.get(reverse("courses:federation_feed", args=["unknown"])).status_code == 404


def test_federation_feed_queries_do_not_grow(
    client, session, course, county_staff, django_assert_max_num_queries
):
    url = federation_url(county_staff)
    with django_assert_max_num_queries(4):
        parse(client.get(url))
    for _ in range(6):
        add_meeting_days(SessionFactory(course=course))
    with django_assert_max_num_queries(4):
        assert len(events(parse(client.get(url)))) == 35


# The calendar in the emails ---------------------------------------------------------------------


def test_confirmation_mail_carries_a_parsable_calendar(
    session, county, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory, WorkerFactory

    worker = WorkerFactory(federation=county, user=UserFactory(email="w@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_worker(by=worker.user, session=session, worker=worker, now=NOW)
    name, content, mimetype = mail.outbox[0].attachments[0]
    calendar = Calendar.from_ical(content)
    assert len(calendar.walk("VEVENT")) == 5
    assert calendar.walk("VTIMEZONE")
    assert "2030-03-04" in mail.outbox[0].body
