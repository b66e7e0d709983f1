"""``manage.py notify_mentoring``: flags pairings past their end, reminds of overdue check-ins
and reviews due, once per pairing, event and day."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from mentorship.models import MeetingLog, Pairing, Review
from mentorship.reminders import REMINDER_ACTION, due_reminders, send_mentoring_reminders
from tests.factories import MentorFactory, PairingFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def notify(*args) -> str:
    out = io.StringIO()
    call_command("notify_mentoring", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def mailed(pairing, county_staff):
    """The pairing (2030-01-01 to 2030-12-31) with an email address for everyone."""
    for user, email in (
        (pairing.mentor.user, "mentor@example.cn"),
        (pairing.apprentice.user, "worker@example.cn"),
        (county_staff, "staff@example.cn"),
    ):
        user.email = email
        user.save()
    return pairing


def confirmed(pairing, day):
    MeetingLog.objects.create(
        pairing=pairing, date=day, hours=Decimal(2), form="face", topic="走访企业",
        status=MeetingLog.Status.CONFIRMED, written_by=pairing.mentor.user,
    )  # fmt: skip


def review(pairing, stage, side):
    user = pairing.mentor.user if side == "mentor" else pairing.apprentice.user
    Review.objects.create(pairing=pairing, stage=stage, side=side, rating=4, author=user)


def events(today):
    return [(pairing.pk, event) for pairing, event in due_reminders(today=today)]


def test_overdue_checkin_is_reminded_once_a_day(mailed):
    output = notify("--date", "2030-03-15")  # no confirmed meeting since 01-01: due 01-31

    assert "1 with check-ins overdue" in output and "Sent 1 reminders" in output
    (message,) = mail.outbox
    assert "师徒结对已逾期未见面" in message.subject
    assert sorted(message.bcc) == ["mentor@example.cn", "staff@example.cn", "worker@example.cn"]
    entry = ModelLogEntry.objects.get(action=REMINDER_ACTION)
    assert entry.object_id == str(mailed.pk) and entry.user is None  # the system acts
    assert entry.data == {"date": "2030-03-15", "event": "checkin_overdue"}

    again = notify("--date", "2030-03-15")
    assert "Sent 0 reminders, 1 already sent today" in again
    assert len(mail.outbox) == 1

    notify("--date", "2030-03-16")
    assert len(mail.outbox) == 2


def test_a_confirmed_meeting_keeps_the_pairing_on_track(mailed):
    confirmed(mailed, dt.date(2030, 3, 1))
    assert events(dt.date(2030, 3, 31)) == []
    assert events(dt.date(2030, 4, 1)) == [(mailed.pk, "checkin_overdue")]


def test_review_due_until_both_sides_submitted(mailed):
    confirmed(mailed, dt.date(2030, 7, 1))
    assert events(dt.date(2030, 7, 1)) == []  # half the term falls on 07-02
    assert events(dt.date(2030, 7, 2)) == [(mailed.pk, "review_due")]
    review(mailed, "mid", "mentor")
    assert events(dt.date(2030, 7, 2)) == [(mailed.pk, "review_due")]
    review(mailed, "mid", "apprentice")
    assert events(dt.date(2030, 7, 2)) == []


def test_a_pairing_past_its_end_is_flagged_once_and_never_completed(mailed):
    summary = send_mentoring_reminders(today=dt.date(2031, 1, 5))

    assert summary.flagged == [mailed.pk]
    assert summary.sent == [(mailed.pk, "term_ending")]  # it asks for the final reviews too
    mailed.refresh_from_db()
    assert mailed.flagged_on == dt.date(2031, 1, 5)
    assert mailed.status == Pairing.Status.ACTIVE
    assert "师徒结对已到期" in mail.outbox[0].subject

    later = send_mentoring_reminders(today=dt.date(2031, 1, 6))
    assert later.flagged == [] and later.sent == [(mailed.pk, "term_ending")]
    mailed.refresh_from_db()
    assert mailed.flagged_on == dt.date(2031, 1, 5)


def test_dry_run_changes_nothing(mailed):
    output = notify("--date", "2031-01-05", "--dry-run")
    assert "1 would flag now" in output and "Would send 1 reminders" in output
    mailed.refresh_from_db()
    assert mailed.flagged_on is None
    assert not mail.outbox and not ModelLogEntry.objects.filter(action=REMINDER_ACTION).exists()


def test_only_active_pairings_are_reminded(mailed, mentor, county):
    for status in (Pairing.Status.PROPOSED, Pairing.Status.DISSOLVED, Pairing.Status.COMPLETED):
        PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county), status=status)
    assert events(dt.date(2031, 1, 5)) == [(mailed.pk, "term_ending")]


def test_people_without_email_are_skipped_and_retried(pairing):
    summary = send_mentoring_reminders(today=dt.date(2030, 3, 15))
    assert summary.skipped == 1 and summary.sent == []
    assert not ModelLogEntry.objects.filter(action=REMINDER_ACTION).exists()


def test_the_policy_sets_the_checkin_interval(mailed, county):
    from workforce.models import PolicyParameters

    PolicyParameters.objects.create(federation=county, mentor_checkin_days=90)
    assert events(dt.date(2030, 3, 15)) == []


@pytest.mark.parametrize("count", [2, 12])
def test_reminders_read_a_constant_number_of_queries(count, county, django_assert_num_queries):
    mentor = MentorFactory(federation=county)
    for _ in range(count):
        pairing = PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
        confirmed(pairing, dt.date(2030, 2, 1))
        review(pairing, "mid", "mentor")
    with django_assert_num_queries(3):  # pairings, reviews, policies
        found = due_reminders(today=dt.date(2030, 8, 1))
    assert len(found) == 2 * count


def test_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        notify("--date", "15.3.2030")
