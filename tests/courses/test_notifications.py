"""Training emails: who gets which message, in Chinese, after the commit."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core import mail
from icalendar import Calendar

from courses import notifications, services
from courses.compliance import Rule, RuleResult, Status
from courses.models import Enrolment
from tests.factories import EnrolmentFactory, SessionFactory, UserFactory, WorkerFactory

NOW = dt.datetime(2030, 2, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def mailed_worker(county):
    return WorkerFactory(
        federation=county, name="王芳", user=UserFactory(email="wangfang@example.com")
    )


def test_confirmation_lists_the_meetings_in_chinese(
    session, mailed_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_worker(by=mailed_worker.user, session=session, worker=mailed_worker, now=NOW)
    (message,) = mail.outbox
    assert message.to == ["wangfang@example.com"]
    assert message.body.startswith("王芳：")
    assert "名额已确认" in message.body
    assert "2030-03-04" in message.body and "09:00–12:00" in message.body
    assert "涪城区总工会" in message.body
    assert f"/training/sessions/{session.pk}/" in message.body
    assert "&" not in message.body  # plain text: nothing HTML-escaped


def test_waitlist_mail_has_no_calendar(
    course, county, mailed_worker, django_capture_on_commit_callbacks
):
    session = SessionFactory(course=course, capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_worker(by=mailed_worker.user, session=session, worker=mailed_worker, now=NOW)
    (message,) = mail.outbox
    assert "候补名单" in message.body
    assert message.attachments == []


def test_a_message_for_a_state_that_moved_on_is_not_sent(session, mailed_worker):
    enrolment = EnrolmentFactory(
        session=session, worker=mailed_worker, status=Enrolment.Status.CANCELLED
    )
    assert notifications.send_enrolment_confirmed(enrolment.pk) is False
    assert notifications.send_promoted(enrolment.pk) is False
    assert notifications.send_enrolment_confirmed(999999) is False
    assert mail.outbox == []


def test_session_change_mail_carries_the_updated_calendar(
    session, mailed_worker, county_staff, django_capture_on_commit_callbacks
):
    EnrolmentFactory(session=session, worker=mailed_worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(by=county_staff, session=session, location="工人文化宫")
    (message,) = mail.outbox
    assert message.subject == "班次安排有变：2030年第一期"
    assert "工人文化宫" in message.body
    name, content, mimetype = message.attachments[0]
    events = Calendar.from_ical(content).walk("VEVENT")
    assert {str(e["LOCATION"]) for e in events} == {"工人文化宫"}
    assert {e["SEQUENCE"] for e in events} == {1}


def test_changes_workers_do_not_see_send_nothing(
    session, mailed_worker, county_staff, django_capture_on_commit_callbacks
):
    EnrolmentFactory(session=session, worker=mailed_worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(by=county_staff, session=session, capacity=50)
    assert mail.outbox == []


def test_cancellation_mail_marks_the_events_cancelled(
    session, mailed_worker, county_staff, django_capture_on_commit_callbacks
):
    EnrolmentFactory(session=session, worker=mailed_worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(by=county_staff, session=session, reason="台风预警")
    (message,) = mail.outbox
    assert "已取消" in message.body and "台风预警" in message.body
    events = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}


def test_workers_without_email_are_logged_and_skipped(
    session, worker, mailed_worker, county_staff, caplog, django_capture_on_commit_callbacks
):
    EnrolmentFactory(session=session, worker=worker)
    EnrolmentFactory(session=session, worker=mailed_worker)
    with (
        caplog.at_level(logging.INFO, logger="courses.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.cancel_session(by=county_staff, session=session)
    assert [m.to for m in mail.outbox] == [["wangfang@example.com"]]
    assert f"Worker {worker.pk} has no email address" in caplog.text


def test_deadline_reminder_lists_the_items(mailed_worker, worker):
    items = [
        RuleResult(
            rule=Rule.ROTATION,
            status=Status.OVERDUE,
            due_date=dt.date(2026, 3, 1),
            days_left=-30,
        ),
        RuleResult(
            rule=Rule.ANNUAL,
            status=Status.DUE_SOON,
            due_date=dt.date(2026, 12, 31),
            days_left=40,
            hours=Decimal("24"),
            required_hours=40,
        ),
    ]
    assert notifications.send_deadline_reminder(worker=mailed_worker, items=items) is True
    (message,) = mail.outbox
    assert message.subject == "培训期限提醒"
    assert "岗位轮训：已逾期（截止 2026-03-01）" in message.body
    assert "年度培训学时：即将到期" in message.body
    assert notifications.send_deadline_reminder(worker=mailed_worker, items=[]) is False
    assert notifications.send_deadline_reminder(worker=worker, items=items) is False
    assert len(mail.outbox) == 1
