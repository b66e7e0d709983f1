"""Attendance, scores and completion through ``courses.services``."""

import datetime as dt
from decimal import Decimal

import pytest

from courses import completion, services
from courses.models import Attendance, Enrolment, Session, TrainingType
from courses.services import TrainingError
from tests.factories import EnrolmentFactory, SessionFactory, add_meeting_days, make_course
from workforce.models import PolicyParameters

P, L, E, A = (
    Attendance.Status.PRESENT,
    Attendance.Status.LATE,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
)
AFTER = dt.date(2030, 3, 9)


@pytest.fixture
def enrolment(session, worker):
    return EnrolmentFactory(session=session, worker=worker)


def mark_all(session, by, marks_per_day):
    for meeting, status_by_enrolment in zip(session.meetings.all(), marks_per_day, strict=True):
        services.record_attendance(by=by, meeting=meeting, marks=status_by_enrolment)


def test_hours_follow_attendance_not_enrolment(session, enrolment, county_staff):
    # Five meetings of 3 h: present, late, excused, absent, present.
    mark_all(session, county_staff, [{enrolment.pk: s} for s in (P, L, E, A, P)])
    enrolment.refresh_from_db()
    assert enrolment.credited_hours == Decimal("9")
    hours = list(
        Attendance.objects.filter(enrolment=enrolment)
        .order_by("meeting__date")
        .values_list("hours", flat=True)
    )
    assert hours == [3, 3, 0, 0, 3]


def test_attendance_is_upserted(session, enrolment, county_staff):
    meeting = session.meetings.first()
    services.record_attendance(by=county_staff, meeting=meeting, marks={enrolment.pk: A})
    services.record_attendance(by=county_staff, meeting=meeting, marks={enrolment.pk: P})
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.credited_hours == 3


def test_cancelled_meeting_no_longer_counts(session, enrolment, county_staff):
    mark_all(session, county_staff, [{enrolment.pk: P}] * 5)
    services.cancel_meeting(by=county_staff, meeting=session.meetings.last())
    enrolment.refresh_from_db()
    assert enrolment.credited_hours == 12
    with pytest.raises(TrainingError, match="已取消"):
        services.record_attendance(
            by=county_staff, meeting=session.meetings.last(), marks={enrolment.pk: P}
        )


def test_changing_meeting_hours_recredits(session, enrolment, county_staff):
    mark_all(session, county_staff, [{enrolment.pk: s} for s in (P, A, A, A, A)])
    services.update_meeting(by=county_staff, meeting=session.meetings.first(), hours=4)
    enrolment.refresh_from_db()
    assert enrolment.credited_hours == 4


def test_attendance_only_for_the_confirmed_roster(session, enrolment, county, county_staff):
    waiting = EnrolmentFactory(session=session, status=Enrolment.Status.WAITLISTED)
    elsewhere = EnrolmentFactory(session=SessionFactory(course=session.course))
    meeting = session.meetings.first()
    for stranger in (waiting, elsewhere):
        with pytest.raises(TrainingError, match=str(stranger.pk)):
            services.record_attendance(
                by=county_staff, meeting=meeting, marks={enrolment.pk: P, stranger.pk: P}
            )
    assert not Attendance.objects.exists()  # all or nothing


def test_attendance_refuses_an_unknown_status(session, enrolment, county_staff):
    with pytest.raises(TrainingError, match="出勤情况“42”无效"):
        services.record_attendance(
            by=county_staff, meeting=session.meetings.first(), marks={enrolment.pk: 42}
        )


def test_outsider_cannot_record_attendance(session, enrolment, outsider):
    with pytest.raises(TrainingError, match="无权管理"):
        services.record_attendance(
            by=outsider, meeting=session.meetings.first(), marks={enrolment.pk: P}
        )


def test_scores_are_recorded_and_validated(session, enrolment, county_staff):
    services.record_scores(by=county_staff, session=session, scores={enrolment.pk: "86.5"})
    enrolment.refresh_from_db()
    assert enrolment.score == Decimal("86.5")
    for bad, reason in (("abc", "不是数字"), ("-1", "超出范围"), ("NaN", "不是数字")):
        with pytest.raises(TrainingError, match=f"成绩“{bad}”{reason}"):
            services.record_scores(by=county_staff, session=session, scores={enrolment.pk: bad})
    services.record_scores(by=county_staff, session=session, scores={enrolment.pk: None})
    enrolment.refresh_from_db()
    assert enrolment.score is None


def test_decide_completion_applies_the_rule(session, county, county_staff):
    good, poor, waiting = (
        EnrolmentFactory(session=session),
        EnrolmentFactory(session=session),
        EnrolmentFactory(session=session, status=Enrolment.Status.WAITLISTED),
    )
    # good: 4 of 5 days (80%); poor: 3 of 5 (60%).
    mark_all(
        session,
        county_staff,
        [{good.pk: s1, poor.pk: s2} for s1, s2 in ((P, P), (L, P), (P, P), (P, A), (A, E))],
    )
    assert services.decide_completion(by=county_staff, session=session, today=AFTER) == 1
    good.refresh_from_db(), poor.refresh_from_db(), waiting.refresh_from_db()
    assert good.completed and good.completed_on == dt.date(2030, 3, 8)
    assert not poor.completed and poor.completed_on is None
    assert not waiting.completed
    session.refresh_from_db()
    assert session.status == Session.Status.FINISHED


def test_decide_completion_uses_the_federations_percentage(session, county, county_staff):
    PolicyParameters.objects.update_or_create(
        federation=county, defaults={"completion_attendance_percent": 60}
    )
    enrolment = EnrolmentFactory(session=session)
    mark_all(session, county_staff, [{enrolment.pk: s} for s in (P, P, P, A, A)])
    assert services.decide_completion(by=county_staff, session=session, today=AFTER) == 1


def test_qualification_needs_the_pass_score(county, county_staff):
    course = make_course(
        organizer=county, training_type=TrainingType.QUALIFICATION, pass_score=Decimal("60")
    )
    assert course.training_type == completion.QUALIFICATION
    session = SessionFactory(course=course)
    add_meeting_days(session)
    passed, failed = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
    mark_all(session, county_staff, [{passed.pk: P, failed.pk: P}] * 5)
    services.record_scores(
        by=county_staff, session=session, scores={passed.pk: Decimal("72"), failed.pk: 55}
    )
    assert services.decide_completion(by=county_staff, session=session, today=AFTER) == 1
    passed.refresh_from_db(), failed.refresh_from_db()
    assert passed.completed and not failed.completed


def test_decision_can_be_revised(session, county_staff):
    enrolment = EnrolmentFactory(session=session)
    mark_all(session, county_staff, [{enrolment.pk: P}] * 5)
    assert services.decide_completion(by=county_staff, session=session, today=AFTER) == 1
    for meeting in list(session.meetings.all())[:2]:
        services.record_attendance(by=county_staff, meeting=meeting, marks={enrolment.pk: A})
    assert services.decide_completion(by=county_staff, session=session, today=AFTER) == 0
    enrolment.refresh_from_db()
    assert not enrolment.completed


def test_decide_completion_waits_for_the_last_meeting(session, county_staff):
    with pytest.raises(TrainingError, match="2030-03-08"):
        services.decide_completion(by=county_staff, session=session, today=dt.date(2030, 3, 7))


def test_decide_completion_needs_meetings(course, county_staff):
    session = SessionFactory(course=course)
    with pytest.raises(TrainingError, match="没有课次"):
        services.decide_completion(by=county_staff, session=session, today=AFTER)


def test_outsider_cannot_decide_completion(session, outsider):
    with pytest.raises(TrainingError, match="无权管理"):
        services.decide_completion(by=outsider, session=session, today=AFTER)
