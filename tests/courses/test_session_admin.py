"""Staff screens for sessions (培训管理): list, create, edit, meetings, roster, scores,
completion and cancellation, each scoped to the user's federations."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.models import Attendance, Enrolment, Meeting, Session, TrainingType
from tests.conftest import login
from tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    UserFactory,
    WorkerFactory,
    add_meeting_days,
    make_course,
)
from workforce.models import Worker
from workforce.permissions import grant_federation_staff


def url(name, *args):
    return reverse(f"courses_sessions:{name}", args=args)


def enrol_someone(session, status=Enrolment.Status.CONFIRMED, **worker_fields):
    worker = WorkerFactory(federation=session.organizer, **worker_fields)
    return EnrolmentFactory(session=session, worker=worker, status=status)


# The list, create and edit -----------------------------------------------------------------


def test_index_lists_the_sessions_of_the_users_subtree(client, county, park, other_county):
    own = SessionFactory(course=make_course(organizer=county), title="县一期")
    SessionFactory(course=make_course(organizer=park), title="园区一期")
    SessionFactory(course=make_course(organizer=other_county), title="邻县一期")
    staff = UserFactory(username="county_staff")
    grant_federation_staff(staff, county)
    enrol_someone(own)
    html = login(client, staff).get(url("index")).content.decode()
    assert "县一期" in html and "园区一期" in html
    assert "邻县一期" not in html
    assert "1 / 30" in html


def test_index_filters_and_search(client, county, county_staff):
    rotation = make_course(organizer=county, training_type=TrainingType.ROTATION)
    SessionFactory(course=rotation, title="轮训一期")
    SessionFactory(
        course=make_course(organizer=county), title="专题一期", status=Session.Status.PLANNED
    )
    login(client, county_staff)
    html = client.get(url("index"), {"training_type": "rotation"}).content.decode()
    assert "轮训一期" in html and "专题一期" not in html
    html = client.get(url("index"), {"status": "planned"}).content.decode()
    assert "专题一期" in html and "轮训一期" not in html
    html = client.get(url("index"), {"q": "轮训"}).content.decode()
    assert "轮训一期" in html and "专题一期" not in html


def test_other_federations_sessions_are_not_found(client, session, outsider):
    login(client, outsider)
    meeting = session.meetings.first()
    for screen in ("edit", "history", "meetings", "roster", "attendance_import", "complete"):
        assert client.get(url(screen, session.pk)).status_code == 404, screen
    assert client.get(url("attendance", meeting.pk)).status_code == 404
    assert client.post(url("cancel", session.pk)).status_code == 404
    cancel_meeting = {"cancel_meeting": meeting.pk}
    assert client.post(url("meetings", session.pk), cancel_meeting).status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN


def test_workers_do_not_get_into_the_admin(client, session, worker):
    response = login(client, worker.user).get(url("roster", session.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]


def session_form(course, organizer, **overrides):
    data = {
        "course": course.pk,
        "organizer": organizer.pk,
        "title": "2031年第一期",
        "start_date": "2031-03-03",
        "end_date": "2031-03-28",
        "location": "市职工服务中心",
        "capacity": "30",
        "enrol_opens": "2031-01-01 09:00",
        "enrol_closes": "2031-02-20 18:00",
        "cancel_deadline": "2031-02-25 18:00",
        "status": "open",
    }
    data.update(overrides)
    return data


def test_staff_create_a_session_through_the_service(client, course, county, county_staff):
    response = login(client, county_staff).post(url("add"), session_form(course, county))
    session = Session.objects.get(title="2031年第一期")
    assert response.status_code == 302
    assert response["Location"] == url("meetings", session.pk)
    assert session.capacity == 30 and session.organizer == county
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=county_staff).exists()


def test_create_refuses_another_federation_and_bad_dates(
    client, course, county, other_county, county_staff
):
    login(client, county_staff)
    response = client.post(url("add"), session_form(course, other_county))
    assert response.status_code == 200
    assert "organizer" in response.context["form"].errors
    response = client.post(url("add"), session_form(course, county, end_date="2031-03-01"))
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(
        url("add"), session_form(course, county, enrol_closes="2030-12-31 18:00")
    )
    html = response.content.decode()
    assert "报名截止时间不能早于报名开始时间" in html
    assert "session_enrolment_window_ordered" not in html
    assert not Session.objects.exists()


def test_edit_refuses_bad_dates_in_words(client, session, county, county_staff):
    # The form checks the dates before the model's constraints would refuse them generically.
    data = session_form(session.course, county, start_date="2030-03-08", end_date="2030-03-04")
    response = login(client, county_staff).post(url("edit", session.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html
    assert "session_ends_after_start" not in html
    session.refresh_from_db()
    assert session.end_date != dt.date(2030, 3, 4)


def test_edit_goes_through_the_service_and_tells_the_enrolled(
    client, session, county, county_staff, mailoutbox, django_capture_on_commit_callbacks
):
    enrol_someone(session, user=UserFactory(email="a@example.com"))
    data = session_form(
        session.course,
        county,
        title=session.title,
        start_date="2030-03-04",
        end_date="2030-03-08",
        location="工人文化宫",
        enrol_opens="2020-01-01 08:00",
        enrol_closes="2030-03-01 08:00",
        cancel_deadline="2030-03-01 08:00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, county_staff).post(url("edit", session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.location == "工人文化宫"
    assert session.meetings.filter(sequence=1).count() == 5
    assert len(mailoutbox) == 1


def test_cancel_a_session(client, session, county_staff):
    login(client, county_staff)
    assert client.get(url("cancel", session.pk)).status_code == 200
    response = client.post(url("cancel", session.pk), {"reason": "场地维修"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_sessions_cannot_be_deleted(client, session, county_staff):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        url("delete", session.pk)
    html = login(client, county_staff).get(url("edit", session.pk)).content.decode()
    assert "/delete/" not in html


# Meetings ------------------------------------------------------------------------------------


def test_generate_meetings_skipping_weekends(client, course, county_staff):
    session = SessionFactory(
        course=course, start_date=dt.date(2030, 4, 1), end_date=dt.date(2030, 4, 30)
    )
    data = {
        "first_day": "2030-04-01",
        "last_day": "2030-04-28",
        "start_time": "09:00",
        "end_time": "17:30",
        "hours": "8",
        "place": "301 教室",
        "skip_weekends": "on",
    }
    login(client, county_staff)
    response = client.post(url("meetings", session.pk), data, follow=True)
    assert "已添加 20 次课" in response.content.decode()
    meetings = list(session.meetings.all())
    assert len(meetings) == 20
    assert all(m.date.weekday() < 5 for m in meetings)
    assert {m.place for m in meetings} == {"301 教室"}
    # The same range again adds nothing.
    response = client.post(url("meetings", session.pk), data, follow=True)
    assert "没有添加新的课次" in response.content.decode()
    assert session.meetings.count() == 20


def test_generate_meetings_reports_bad_input(client, session, county_staff):
    data = {
        "first_day": "2030-03-08",
        "last_day": "2030-03-04",
        "start_time": "09:00",
        "end_time": "08:00",
        "hours": "3",
    }
    response = login(client, county_staff).post(url("meetings", session.pk), data)
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html
    assert "结束时间须晚于开始时间" in html
    data.update(first_day="2030-03-01", last_day="2030-03-20", end_time="12:00")
    response = client.post(url("meetings", session.pk), data)
    assert "不在班次日期" in response.content.decode()


def test_cancel_one_meeting(client, session, county_staff):
    meeting = session.meetings.first()
    login(client, county_staff)
    client.post(url("meetings", session.pk), {"cancel_meeting": meeting.pk})
    meeting.refresh_from_db()
    assert meeting.cancelled


# Roster and bulk enrolment -------------------------------------------------------------------


def test_roster_lists_everyone_with_their_state(client, session, county_staff):
    enrol_someone(session, name="甲")
    enrol_someone(session, status=Enrolment.Status.WAITLISTED, name="乙")
    enrol_someone(session, status=Enrolment.Status.CANCELLED, name="丙")
    html = login(client, county_staff).get(url("roster", session.pk)).content.decode()
    assert "已确认 1 人，候补 1 人" in html
    for name in ("甲", "乙", "丙"):
        assert name in html


def test_bulk_enrol_by_ticking_and_pasting(client, course, county, park, county_staff):
    session = SessionFactory(course=course, capacity=2)
    first = WorkerFactory(federation=county, name="王一")
    second = WorkerFactory(federation=park, name="王二")
    third = WorkerFactory(federation=county, name="王三")
    login(client, county_staff)
    html = client.get(url("roster", session.pk), {"q": "王"}).content.decode()
    assert "王一" in html and "王二" in html and "王三" in html
    response = client.post(
        url("roster", session.pk),
        {"workers": [first.pk, second.pk], "id_numbers": f"{third.id_number}\n{first.id_number}"},
    )
    html = response.content.decode()
    assert "确认 2 人，候补 1 人" in html
    statuses = dict(Enrolment.objects.values_list("worker__name", "status"))
    assert statuses == {
        "王一": Enrolment.Status.CONFIRMED,
        "王二": Enrolment.Status.CONFIRMED,
        "王三": Enrolment.Status.WAITLISTED,
    }
    # Again: everyone is already there.
    response = client.post(url("roster", session.pk), {"workers": [first.pk]})
    assert "已在名单 1 人" in response.content.decode()


def test_bulk_enrol_only_reaches_workers_in_scope(client, session, other_worker, county_staff):
    login(client, county_staff)
    html = client.get(url("roster", session.pk), {"q": other_worker.name}).content.decode()
    assert other_worker.masked_id_number not in html
    response = client.post(url("roster", session.pk), {"id_numbers": other_worker.id_number})
    assert "找不到以下身份证号码的工作者" in response.content.decode()
    response = client.post(url("roster", session.pk), {"workers": [other_worker.pk]})
    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_bulk_enrol_shows_refusals(client, session, county, county_staff):
    leaver = WorkerFactory(
        federation=county, name="已离职", status=Worker.Status.LEFT, left_on=dt.date(2029, 1, 1)
    )
    busy = WorkerFactory(federation=county, name="有冲突")
    other = SessionFactory(course=make_course(organizer=county), title="同期另一班")
    add_meeting_days(other)
    EnrolmentFactory(session=other, worker=busy)
    response = login(client, county_staff).post(
        url("roster", session.pk), {"id_numbers": f"{busy.id_number} {leaver.id_number}"}
    )
    html = response.content.decode()
    assert "未能报名 2 人" in html
    assert "同期另一班" in html  # the overlapping session is named
    assert "已离职" in html
    assert not Enrolment.objects.filter(session=session).exists()


def test_staff_cancel_an_enrolment_from_the_roster(client, session, county_staff):
    enrolment = enrol_someone(session)
    login(client, county_staff).post(url("roster", session.pk), {"cancel_enrolment": enrolment.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED


# Scores and completion -----------------------------------------------------------------------


@pytest.fixture
def exam_session(county):
    course = make_course(
        organizer=county, training_type=TrainingType.QUALIFICATION, pass_score=Decimal(60)
    )
    session = SessionFactory(course=course)
    add_meeting_days(session)
    return session


def test_scores_screen_only_for_courses_with_an_exam(client, session, county_staff):
    assert login(client, county_staff).get(url("scores", session.pk)).status_code == 404


def test_enter_scores(client, exam_session, county_staff):
    passed = enrol_someone(exam_session, name="甲")
    cleared = enrol_someone(exam_session, name="乙")
    cleared.score = Decimal(50)
    cleared.save()
    login(client, county_staff)
    response = client.post(
        url("scores", exam_session.pk),
        {f"score_{passed.pk}": "88.5", f"score_{cleared.pk}": ""},
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    cleared.refresh_from_db()
    assert passed.score == Decimal("88.5")
    assert cleared.score is None
    response = client.post(url("scores", exam_session.pk), {f"score_{passed.pk}": "-1"})
    assert response.status_code == 200
    passed.refresh_from_db()
    assert passed.score == Decimal("88.5")


def test_decide_completion(client, exam_session, county_staff):
    good = enrol_someone(exam_session, name="甲")
    absent = enrol_someone(exam_session, name="乙")
    marks = {good.pk: Attendance.Status.PRESENT, absent.pk: Attendance.Status.ABSENT}
    from courses import services

    for meeting in exam_session.meetings.all():
        services.record_attendance(by=county_staff, meeting=meeting, marks=marks)
    services.record_scores(
        by=county_staff, session=exam_session, scores={good.pk: Decimal(90), absent.pk: 95}
    )
    with time_machine.travel(dt.datetime(2030, 3, 7, 12, tzinfo=dt.UTC)):
        response = login(client, county_staff).post(url("complete", exam_session.pk), follow=True)
        assert "最后一次课（2030-03-08）结束后才能认定结业" in response.content.decode()
    with time_machine.travel(dt.datetime(2030, 3, 9, 12, tzinfo=dt.UTC)):
        html = client.get(url("complete", exam_session.pk)).content.decode()
        assert "本班次共 5 次课、15 学时。认定学时达到 80% 的学员结业" in html
        response = client.post(url("complete", exam_session.pk), follow=True)
    assert "已判定结业：1 人结业" in response.content.decode()
    good.refresh_from_db()
    absent.refresh_from_db()
    assert good.completed and good.completed_on == dt.date(2030, 3, 8)
    assert not absent.completed
    exam_session.refresh_from_db()
    assert exam_session.status == Session.Status.FINISHED


# Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen", "bound"),
    [
        ("index", 16),
        ("meetings", 14),
        ("roster", 16),
        ("attendance_import", 12),
        ("scores", 14),
        ("complete", 16),
    ],
)
def test_screens_query_count_does_not_grow(
    client, exam_session, county_staff, screen, bound, django_assert_max_num_queries
):
    login(client, county_staff)
    target = url("index") if screen == "index" else url(screen, exam_session.pk)

    def grow(n):
        for _i in range(n):
            enrol_someone(exam_session)
            WorkerFactory(federation=exam_session.organizer)
            other = SessionFactory(course=exam_session.course)
            add_meeting_days(other, 2)

    grow(1)
    client.get(target)
    with django_assert_max_num_queries(bound):
        assert client.get(target).status_code == 200
    grow(12)
    Meeting.objects.filter(session=exam_session).update(place="二楼")
    with django_assert_max_num_queries(bound):
        assert client.get(target).status_code == 200
