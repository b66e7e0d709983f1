"""``manage.py notify_deadlines``: one reminder per worker and day, for due soon or overdue."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from courses.models import TrainingType
from courses.reminders import REMINDER_ACTION
from tests.courses.compliance_data import make_courses, make_workers, run_session
from tests.factories import UserFactory
from workforce.models import Worker

pytestmark = pytest.mark.django_db


def notify(*args) -> str:
    out = io.StringIO()
    call_command("notify_deadlines", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def staff(county):
    """Three workers of the county hired 2025-03-01, with an onboarding done on time.

    On 2026-02-01: ``fine`` has 2025's and 2026's hours; ``behind`` missed 2025's hours
    (overdue); ``noemail`` too but has no email address. Rotation is due 2027-03-01.
    """
    courses = make_courses(county)
    fine, behind, noemail = make_workers(county, 3, hire=dt.date(2025, 3, 1))
    for worker, email in ((fine, "fine@example.cn"), (behind, "behind@example.cn")):
        worker.user.email = email
        worker.user.save()
    for worker in (fine, behind, noemail):
        run_session(
            courses[TrainingType.ONBOARDING], worker, 2, start=dt.date(2025, 3, 10),
            completed=dt.date(2025, 3, 11),
        )  # fmt: skip
    run_session(courses[TrainingType.THEMATIC], fine, 5, start=dt.date(2025, 6, 2))
    run_session(courses[TrainingType.THEMATIC], fine, 5, start=dt.date(2026, 1, 5))
    return fine, behind, noemail


def test_reminds_workers_with_items_due_once_a_day(staff):
    fine, behind, _noemail = staff

    output = notify("--date", "2026-02-01")

    assert "2 workers with training due soon or overdue" in output
    assert "Reminded 1" in output and "1 without an email address" in output
    assert [message.to for message in mail.outbox] == [["behind@example.cn"]]
    body = mail.outbox[0].body
    assert behind.name in body
    assert "年度培训学时：已逾期（2025年未满 40 学时，截止 2025-12-31" in body
    entry = ModelLogEntry.objects.get(action=REMINDER_ACTION)
    assert entry.object_id == str(behind.pk)
    assert entry.data["date"] == "2026-02-01"
    assert entry.data["items"][0].startswith("年度培训学时：已逾期")

    # The same day again: nothing new.
    output = notify("--date", "2026-02-01")
    assert "Reminded 0, 1 already reminded today" in output
    assert len(mail.outbox) == 1

    # The next day: reminded again.
    notify("--date", "2026-02-02")
    assert len(mail.outbox) == 2
    assert ModelLogEntry.objects.filter(action=REMINDER_ACTION).count() == 2


def test_due_soon_is_reminded_and_met_is_not(staff):
    fine, behind, noemail = staff
    # 2027-01-05: rotation (hire + 24 months = 2027-03-01) is due in 55 days for everyone.
    notify("--date", "2027-01-05")
    assert sorted(m.to[0] for m in mail.outbox) == ["behind@example.cn", "fine@example.cn"]
    fine_mail = next(m for m in mail.outbox if m.to == ["fine@example.cn"])
    assert "岗位轮训：即将到期（截止 2027-03-01）" in fine_mail.body

    mail.outbox.clear()
    notify("--date", "2026-06-01")  # fine has its hours and nothing is near
    assert [m.to for m in mail.outbox] == [["behind@example.cn"]]


def test_left_workers_are_not_reminded(staff):
    _fine, behind, _noemail = staff
    Worker.objects.filter(pk=behind.pk).update(status=Worker.Status.LEFT, left_on="2026-01-15")
    notify("--date", "2026-02-01")
    assert mail.outbox == []


def test_dry_run_sends_and_records_nothing(staff):
    output = notify("--date", "2026-02-01", "--dry-run")
    assert "Would remind 2" in output
    assert mail.outbox == []
    assert not ModelLogEntry.objects.filter(action=REMINDER_ACTION).exists()


def test_reminders_read_a_constant_number_of_queries(county, django_assert_max_num_queries):
    courses = make_courses(county)
    workers = make_workers(county, 12, hire=dt.date(2025, 3, 1))
    for worker in workers:
        worker.user.email = f"{worker.user.username}@example.cn"
        worker.user.save()
        run_session(courses[TrainingType.THEMATIC], worker, 1, start=dt.date(2025, 6, 2))
    UserFactory()  # a user without a worker record is no one to remind
    # reads (and 1 for the mentoring hours credited as training) + one log entry each
    with django_assert_max_num_queries(9 + 2 * len(workers)):
        notify("--date", "2026-02-01")
    assert len(mail.outbox) == 12


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        notify("--date", "2026-02-30")
