"""Planned meetings in both people's calendar feeds (courses' feed, mentorship's event source)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from courses import services as course_services
from mentorship import services
from mentorship.calendar import log_uid
from tests.conftest import login
from tests.factories import UserFactory

TODAY = dt.date(2030, 3, 1)
FUTURE = dt.date(2030, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2030, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        yield


def feed(client, user) -> dict:
    response = client.get(
        reverse("courses:worker_feed", args=[course_services.feed_for(user).token])
    )
    assert response.status_code == 200, response.status_code
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def plan(pairing, by, date=FUTURE, topic="集体协商模拟", **more):
    return services.log_meeting(
        by=by, pairing=pairing, date=date, hours=2, form="site", topic=topic, today=TODAY, **more
    )


def test_planned_meeting_in_both_feeds(client, mentor, worker, pairing):
    entry = plan(pairing, worker.user, start_time=dt.time(14, 30))
    for user in (worker.user, mentor.user):  # the mentor is a cadre, not a worker
        event = feed(client, user)[log_uid(entry)]
        assert str(event["SUMMARY"]) == "带教：集体协商模拟"
        assert str(event["STATUS"]) == "TENTATIVE"
        assert event["SEQUENCE"] == 0
        assert event.start == dt.datetime(
            2030, 3, 10, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))
        )
        assert event.end - event.start == dt.timedelta(hours=2)
        assert "王建国" in str(event["DESCRIPTION"]) and "张晓梅" in str(event["DESCRIPTION"])


def test_a_meeting_without_time_is_a_whole_day(client, worker, pairing):
    entry = plan(pairing, worker.user)
    event = feed(client, worker.user)[log_uid(entry)]
    assert event.start == FUTURE and event.end == FUTURE + dt.timedelta(days=1)


def test_cancelled_meeting_is_cancelled_with_a_higher_sequence(client, mentor, worker, pairing):
    entry = plan(pairing, mentor.user)
    services.cancel_log(by=mentor.user, entry=entry)
    for user in (worker.user, mentor.user):
        event = feed(client, user)[log_uid(entry)]
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1


def test_disputed_meeting_is_cancelled(client, mentor, worker, pairing):
    entry = plan(pairing, mentor.user)
    services.dispute_log(by=worker.user, entry=entry, reason="时间冲突")
    event = feed(client, worker.user)[log_uid(entry)]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1


def test_confirmed_meeting_stays_confirmed(client, mentor, worker, pairing):
    entry = services.log_meeting(
        by=worker.user, pairing=pairing, date=dt.date(2030, 2, 20), hours=1, form="online",
        topic="线上答疑", today=TODAY,
    )  # fmt: skip
    services.confirm_log(by=mentor.user, entry=entry, today=TODAY)
    assert str(feed(client, mentor.user)[log_uid(entry)]["STATUS"]) == "CONFIRMED"


def test_other_pairings_meetings_stay_out(client, worker, pairing, other_pairing):
    entry = plan(other_pairing, other_pairing.apprentice.user)
    assert log_uid(entry) not in feed(client, worker.user)


def test_the_feed_is_stable_when_nothing_changes(client, worker, pairing):
    plan(pairing, worker.user)
    url = reverse("courses:worker_feed", args=[course_services.feed_for(worker.user).token])
    assert client.get(url).content == client.get(url).content


def test_people_without_worker_or_mentor_have_no_feed(client, county_staff):
    user = UserFactory(username="nobody")
    response = client.get(
        reverse("courses:worker_feed", args=[course_services.feed_for(user).token])
    )
    assert response.status_code == 404


def test_a_mentor_resets_their_feed(client, mentor):
    old = course_services.feed_for(mentor.user).token
    response = login(client, mentor.user).post(reverse("courses:feed_reset"))
    assert response.status_code == 302
    assert course_services.feed_for(mentor.user).token != old


def test_mentor_pages_offer_the_subscription(client, mentor, pairing):
    body = login(client, mentor.user).get(reverse("mentorship:my_apprentices")).content.decode()
    assert course_services.feed_for(mentor.user).token in body


@pytest.mark.parametrize("who", ["mentor", "worker"])
def test_feed_queries_do_not_grow_with_logs(
    client, mentor, worker, pairing, who, django_assert_max_num_queries
):
    user = mentor.user if who == "mentor" else worker.user
    url = reverse("courses:worker_feed", args=[course_services.feed_for(user).token])
    plan(pairing, worker.user)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    for day in range(8):
        plan(pairing, worker.user, date=FUTURE + dt.timedelta(days=day), topic=f"第{day}次")
    with django_assert_max_num_queries(4):
        assert client.get(url).content.count(b"BEGIN:VEVENT") == 9
