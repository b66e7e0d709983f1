"""Sessions, meetings and enrolment through ``courses.services``."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from courses import services
from courses.models import Enrolment, Meeting, Session, TrainingType
from courses.services import EnrolmentError, TrainingError
from lms.errors import DomainError
from tests.factories import (
    EnrolmentFactory,
    MeetingFactory,
    SessionFactory,
    UserFactory,
    WorkerFactory,
    add_meeting_days,
    make_course,
)
from workforce.models import Worker

NOW = dt.datetime(2030, 2, 1, 9, tzinfo=dt.UTC)


def make_leaver(county):
    worker = make_worker(county)
    Worker.objects.filter(pk=worker.pk).update(
        status=Worker.Status.LEFT, left_on=dt.date(2029, 12, 31)
    )
    worker.refresh_from_db()
    return worker


def make_worker(county, email=""):
    return WorkerFactory(federation=county, user=UserFactory(email=email))


def enrol(session, worker, now=NOW):
    return services.enrol_worker(by=worker.user, session=session, worker=worker, now=now)


# Sessions and meetings -------------------------------------------------------------------------


def test_create_session_is_audited(course, county, county_staff):
    session = services.create_session(
        by=county_staff,
        course=course,
        organizer=county,
        title="第二期",
        start_date=dt.date(2030, 5, 6),
        end_date=dt.date(2030, 5, 10),
        capacity=20,
        enrol_opens=NOW,
        enrol_closes=NOW + dt.timedelta(days=30),
        cancel_deadline=NOW + dt.timedelta(days=30),
    )
    assert session.status == Session.Status.OPEN
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=county_staff).exists()


def test_create_session_needs_a_manager_of_the_organizer(course, county, outsider):
    with pytest.raises(TrainingError, match="无权管理"):
        services.create_session(
            by=outsider,
            course=course,
            organizer=county,
            title="越权",
            start_date=dt.date(2030, 5, 6),
            end_date=dt.date(2030, 5, 10),
            enrol_opens=NOW,
            enrol_closes=NOW,
            cancel_deadline=NOW,
        )


def test_create_session_refuses_end_before_start(course, county, county_staff):
    with pytest.raises(TrainingError, match="结束日期不能早于开始日期"):
        services.create_session(
            by=county_staff,
            course=course,
            organizer=county,
            title="倒置",
            start_date=dt.date(2030, 5, 10),
            end_date=dt.date(2030, 5, 6),
            enrol_opens=NOW,
            enrol_closes=NOW,
            cancel_deadline=NOW,
        )


def test_one_domain_exception_per_concept(session, county_staff):
    assert issubclass(EnrolmentError, TrainingError) and issubclass(TrainingError, DomainError)
    with pytest.raises(TrainingError, match="班次已结束") as caught:
        Session.objects.filter(pk=session.pk).update(status=Session.Status.FINISHED)
        services.cancel_session(by=county_staff, session=session)
    assert not isinstance(caught.value, EnrolmentError)  # a session problem, not an enrolment


def test_add_meetings_skips_weekends_and_is_idempotent(course, county_staff):
    session = SessionFactory(
        course=course, start_date=dt.date(2030, 3, 1), end_date=dt.date(2030, 3, 31)
    )
    args = dict(
        by=county_staff,
        session=session,
        first_day=dt.date(2030, 3, 1),  # a Friday
        last_day=dt.date(2030, 3, 29),
        start_time=dt.time(9),
        end_time=dt.time(17),
        hours=Decimal("8"),
        place="301 教室",
    )
    made = services.add_meetings(**args)
    assert len(made) == 21  # the working days of March 2030 up to the 29th
    assert all(m.date.weekday() < 5 for m in made)
    assert services.add_meetings(**args) == []
    assert session.meetings.count() == 21


def test_add_meetings_reinstates_a_cancelled_day(session, county_staff):
    first = session.meetings.first()
    services.cancel_meeting(by=county_staff, meeting=first)
    again = services.add_meetings(
        by=county_staff,
        session=session,
        first_day=first.date,
        last_day=first.date,
        start_time=dt.time(14),
        end_time=dt.time(17),
        hours=3,
    )
    assert [m.pk for m in again] == [first.pk]
    first.refresh_from_db()
    assert not first.cancelled and first.start_time == dt.time(14) and first.sequence == 2


def test_add_meetings_refuses_days_outside_the_session(session, county_staff):
    with pytest.raises(TrainingError, match="不在班次日期"):
        services.add_meetings(
            by=county_staff,
            session=session,
            first_day=session.end_date,
            last_day=session.end_date + dt.timedelta(days=3),
            start_time=dt.time(9),
            end_time=dt.time(12),
            hours=3,
        )
    assert session.meetings.count() == 5


def test_update_meeting_bumps_sequence_and_tells_the_enrolled(
    session, county_staff, county, django_capture_on_commit_callbacks
):
    worker = make_worker(county, "a@example.com")
    EnrolmentFactory(session=session, worker=worker)
    meeting = session.meetings.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(by=county_staff, meeting=meeting, place="工人文化宫")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.com"]
    assert "安排有变" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == f"session-{session.pk}.ics"
    # An unchanged value is no change: no new sequence.
    services.update_meeting(by=county_staff, meeting=meeting, place="工人文化宫")
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_update_session_title_bumps_every_meeting(session, county_staff):
    services.update_session(by=county_staff, session=session, title="2030年第一期（调整）")
    assert set(session.meetings.values_list("sequence", flat=True)) == {1}
    services.update_session(by=county_staff, session=session, capacity=40)
    assert set(session.meetings.values_list("sequence", flat=True)) == {1}


def test_cancel_session_tells_everyone_enrolled(
    session, county, county_staff, django_capture_on_commit_callbacks
):
    confirmed = make_worker(county, "c@example.com")
    waiting = make_worker(county, "w@example.com")
    gone = make_worker(county, "g@example.com")
    EnrolmentFactory(session=session, worker=confirmed)
    EnrolmentFactory(session=session, worker=waiting, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(session=session, worker=gone, status=Enrolment.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(by=county_staff, session=session, reason="场地检修")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.com", "w@example.com"]
    assert all("已取消" in m.subject for m in mail.outbox)
    assert "场地检修" in mail.outbox[0].body
    assert set(session.meetings.values_list("sequence", flat=True)) == {1}
    # Enrolments are kept so the cancelled events stay in the workers' calendars.
    assert session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count() == 1


def test_update_session_to_cancelled_is_a_cancellation(session, county_staff):
    services.update_session(by=county_staff, session=session, status=Session.Status.CANCELLED)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_outsider_cannot_change_the_county_session(session, outsider):
    with pytest.raises(TrainingError, match="无权管理"):
        services.update_session(by=outsider, session=session, title="x")
    with pytest.raises(TrainingError, match="无权管理"):
        services.cancel_session(by=outsider, session=session)


# Enrolment -------------------------------------------------------------------------------------


def test_self_enrolment_confirms_and_mails_with_the_calendar(
    session, county, django_capture_on_commit_callbacks
):
    worker = make_worker(county, "me@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(session, worker)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"报名成功：{session.title}"
    assert message.to == ["me@example.com"]
    name, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content


def test_no_mail_is_sent_before_the_commit(session, county, django_capture_on_commit_callbacks):
    worker = make_worker(county, "me@example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrol(session, worker)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_worker_without_email_is_skipped(session, worker, django_capture_on_commit_callbacks):
    assert worker.user.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        enrol(session, worker)
    assert mail.outbox == []


def test_double_submit_returns_the_same_enrolment(session, worker):
    first = enrol(session, worker)
    second = enrol(session, worker)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(session=session, worker=worker).count() == 1


def test_full_session_waitlists(course, county, django_capture_on_commit_callbacks):
    session = SessionFactory(course=course, capacity=1)
    first, second = make_worker(county), make_worker(county, "second@example.com")
    assert enrol(session, first).status == Enrolment.Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        waiting = enrol(session, second)
    assert waiting.status == Enrolment.Status.WAITLISTED
    assert waiting.waitlisted_at == NOW
    assert mail.outbox[0].subject.startswith("已列入候补")


def test_capacity_zero_means_no_seats(course, county):
    session = SessionFactory(course=course, capacity=0)
    assert enrol(session, make_worker(county)).status == Enrolment.Status.WAITLISTED


def test_capacity_none_means_unlimited(course, county):
    session = SessionFactory(course=course, capacity=None)
    statuses = {enrol(session, make_worker(county)).status for _ in range(5)}
    assert statuses == {Enrolment.Status.CONFIRMED}


@pytest.mark.parametrize(
    "now, message",
    [
        (dt.datetime(2019, 12, 31, tzinfo=dt.UTC), "报名尚未开始"),
        (dt.datetime(2030, 3, 2, tzinfo=dt.UTC), "报名已截止"),
    ],
)
def test_self_enrolment_needs_the_window_open(session, worker, now, message):
    with pytest.raises(EnrolmentError, match=message):
        enrol(session, worker, now=now)


def test_staff_may_enrol_outside_the_window(session, worker, county_staff):
    late = dt.datetime(2030, 3, 3, tzinfo=dt.UTC)
    enrolment = services.enrol_worker(by=county_staff, session=session, worker=worker, now=late)
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_self_enrolment_needs_an_open_session(session, worker):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.PLANNED)
    with pytest.raises(EnrolmentError, match="不接受报名"):
        enrol(session, worker)


def test_nobody_enrols_in_a_cancelled_session(session, worker, county_staff):
    services.cancel_session(by=county_staff, session=session)
    with pytest.raises(EnrolmentError, match="已取消"):
        services.enrol_worker(by=county_staff, session=session, worker=worker)


def test_a_worker_cannot_enrol_someone_else(session, worker, county):
    other = make_worker(county)
    with pytest.raises(EnrolmentError, match="无权"):
        services.enrol_worker(by=worker.user, session=session, worker=other, now=NOW)
    enrol(session, other)  # nor learn about an existing enrolment
    with pytest.raises(EnrolmentError, match="无权"):
        services.enrol_worker(by=worker.user, session=session, worker=other, now=NOW)


def test_outsider_staff_cannot_enrol_the_county_worker(session, worker, outsider):
    with pytest.raises(EnrolmentError, match="无权"):
        services.enrol_worker(by=outsider, session=session, worker=worker, now=NOW)


def test_staff_of_the_workers_federation_may_enrol_into_another_federations_session(
    city, county, worker, county_staff
):
    city_course = make_course(organizer=city)
    session = SessionFactory(course=city_course)
    enrolment = services.enrol_worker(by=county_staff, session=session, worker=worker)
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_a_worker_who_left_cannot_enrol(session, county):
    worker = make_leaver(county)
    with pytest.raises(EnrolmentError, match="离职"):
        enrol(session, worker)


def test_overlapping_meetings_are_refused_naming_the_other_session(course, county, worker):
    held = SessionFactory(course=course, title="上午班")
    MeetingFactory(session=held, date=dt.date(2030, 3, 5), start_time=dt.time(9))
    clash = SessionFactory(course=course, title="交叉班")
    MeetingFactory(
        session=clash, date=dt.date(2030, 3, 5), start_time=dt.time(11), end_time=dt.time(13)
    )
    enrol(held, worker)
    with pytest.raises(EnrolmentError, match="上午班"):
        enrol(clash, worker)


def test_back_to_back_meetings_do_not_overlap(course, county, worker):
    morning = SessionFactory(course=course)
    MeetingFactory(session=morning, date=dt.date(2030, 3, 5), end_time=dt.time(12))
    afternoon = SessionFactory(course=course)
    MeetingFactory(
        session=afternoon, date=dt.date(2030, 3, 5), start_time=dt.time(12), end_time=dt.time(15)
    )
    enrol(morning, worker)
    assert enrol(afternoon, worker).status == Enrolment.Status.CONFIRMED


@pytest.mark.parametrize(
    "change",
    ["cancel_meeting", "cancel_session", "waitlisted", "cancelled_enrolment", "other_worker"],
)
def test_what_does_not_count_as_an_overlap(course, county, worker, county_staff, change):
    held = SessionFactory(course=course, title="上午班")
    meeting = MeetingFactory(session=held, date=dt.date(2030, 3, 5))
    clash = SessionFactory(course=course)
    MeetingFactory(session=clash, date=dt.date(2030, 3, 5))
    holder = make_worker(county) if change == "other_worker" else worker
    enrolment = enrol(held, holder)
    if change == "cancel_meeting":
        services.cancel_meeting(by=county_staff, meeting=meeting)
    elif change == "cancel_session":
        services.cancel_session(by=county_staff, session=held)
    elif change == "waitlisted":
        Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WAITLISTED)
    elif change == "cancelled_enrolment":
        services.cancel_enrolment(by=holder.user, enrolment=enrolment, now=NOW)
    assert enrol(clash, worker).status == Enrolment.Status.CONFIRMED


def test_prerequisites_must_be_completed(county, worker):
    basics = make_course(organizer=county, title="工会基础知识")
    advanced = make_course(organizer=county, title="集体协商实务", prerequisites=[basics])
    session = SessionFactory(course=advanced)
    with pytest.raises(EnrolmentError, match="工会基础知识"):
        enrol(session, worker)
    EnrolmentFactory(session=SessionFactory(course=basics), worker=worker, completed=True)
    assert enrol(session, worker).status == Enrolment.Status.CONFIRMED


def test_re_enrolling_after_cancelling_reuses_the_row(session, worker):
    enrolment = enrol(session, worker)
    services.cancel_enrolment(by=worker.user, enrolment=enrolment, now=NOW)
    again = enrol(session, worker)
    assert again.pk == enrolment.pk
    assert again.status == Enrolment.Status.CONFIRMED and again.cancelled_at is None


def test_bulk_enrol_reports_each_outcome(course, county, county_staff):
    session = SessionFactory(course=course, capacity=2)
    first, second, third = (make_worker(county) for _ in range(3))
    enrol(session, first)
    left = make_leaver(county)
    result = services.bulk_enrol(
        by=county_staff, session=session, workers=[first, second, third, left]
    )
    assert result.already == [first]
    assert result.confirmed == [second]
    assert result.waitlisted == [third]
    refused = dict(result.refused)
    assert "离职" in refused[left]
    assert [o[1] for o in result.outcomes] == [
        "already",
        "confirmed",
        "waitlisted",
        "refused",
    ]


def test_bulk_enrol_is_for_staff_of_the_organizer(session, outsider, worker):
    with pytest.raises(TrainingError, match="无权管理"):
        services.bulk_enrol(by=outsider, session=session, workers=[worker])


# Cancelling and the waitlist -------------------------------------------------------------------


def test_cancel_promotes_the_first_waitlisted_and_tells_them(
    course, county, django_capture_on_commit_callbacks
):
    session = SessionFactory(course=course, capacity=1)
    add_meeting_days(session, 1)
    holder = make_worker(county)
    early = make_worker(county, "early@example.com")
    late = make_worker(county, "late@example.com")
    seat = enrol(session, holder)
    enrol(session, early, now=NOW)
    enrol(session, late, now=NOW + dt.timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(by=holder.user, enrolment=seat, now=NOW)
    statuses = dict(session.enrolments.values_list("worker_id", "status"))
    assert statuses == {
        holder.pk: Enrolment.Status.CANCELLED,
        early.pk: Enrolment.Status.CONFIRMED,
        late.pk: Enrolment.Status.WAITLISTED,
    }
    assert [m.to for m in mail.outbox] == [["early@example.com"]]
    assert mail.outbox[0].subject.startswith("候补转为正式学员")
    assert mail.outbox[0].attachments


def test_promotion_skips_a_waitlisted_worker_now_busy_elsewhere(course, county):
    session = SessionFactory(course=course, capacity=1, title="满员班")
    MeetingFactory(session=session, date=dt.date(2030, 3, 5))
    holder, busy, free = make_worker(county), make_worker(county), make_worker(county)
    seat = enrol(session, holder)
    enrol(session, busy, now=NOW)
    enrol(session, free, now=NOW + dt.timedelta(minutes=1))
    other = SessionFactory(course=course, title="同日班")
    MeetingFactory(session=other, date=dt.date(2030, 3, 5))
    enrol(other, busy)
    services.cancel_enrolment(by=holder.user, enrolment=seat, now=NOW)
    statuses = dict(session.enrolments.values_list("worker_id", "status"))
    assert statuses[busy.pk] == Enrolment.Status.WAITLISTED
    assert statuses[free.pk] == Enrolment.Status.CONFIRMED


def test_more_seats_promote_the_waitlist(course, county, county_staff):
    session = SessionFactory(course=course, capacity=1)
    workers = [make_worker(county) for _ in range(3)]
    for i, w in enumerate(workers):
        enrol(session, w, now=NOW + dt.timedelta(minutes=i))
    services.update_session(by=county_staff, session=session, capacity=2)
    confirmed = set(
        session.enrolments.filter(status=Enrolment.Status.CONFIRMED).values_list(
            "worker_id", flat=True
        )
    )
    assert confirmed == {workers[0].pk, workers[1].pk}


def test_cancelling_a_waitlisted_place_promotes_nobody(course, county):
    session = SessionFactory(course=course, capacity=1)
    holder, first, second = (make_worker(county) for _ in range(3))
    enrol(session, holder)
    waiting = enrol(session, first)
    enrol(session, second)
    services.cancel_enrolment(by=first.user, enrolment=waiting, now=NOW)
    assert session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count() == 1


def test_after_the_deadline_only_staff_cancel(session, worker, county_staff):
    enrolment = enrol(session, worker)
    late = session.cancel_deadline + dt.timedelta(minutes=1)
    with pytest.raises(EnrolmentError, match="截止"):
        services.cancel_enrolment(by=worker.user, enrolment=enrolment, now=late)
    cancelled = services.cancel_enrolment(by=county_staff, enrolment=enrolment, now=late)
    assert cancelled.status == Enrolment.Status.CANCELLED and cancelled.cancelled_at == late


def test_cancelling_twice_is_harmless(session, worker):
    enrolment = enrol(session, worker)
    services.cancel_enrolment(by=worker.user, enrolment=enrolment, now=NOW)
    again = services.cancel_enrolment(by=worker.user, enrolment=enrolment, now=NOW)
    assert again.status == Enrolment.Status.CANCELLED and again.cancelled_at == NOW


def test_nobody_else_cancels_a_workers_enrolment(session, worker, county, outsider):
    enrolment = enrol(session, worker)
    for by in (make_worker(county).user, outsider):
        with pytest.raises(EnrolmentError, match="无权"):
            services.cancel_enrolment(by=by, enrolment=enrolment, now=NOW)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lock_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="atomic"):
        services._lock_session(Session(pk=1))


def test_training_type_of_make_course_follows_the_catalog(county):
    course = make_course(organizer=county, training_type=TrainingType.ROTATION)
    assert course.get_parent().specific.training_type == TrainingType.ROTATION
    assert Meeting.objects.count() == 0
