"""The compliance selectors gather the rules' inputs in a constant number of queries."""

import datetime as dt
from decimal import Decimal as D

import pytest

from courses.compliance import Rule, Status
from courses.models import Enrolment, TrainingType
from courses.selectors import (
    compliance_report,
    compliance_workers,
    my_training,
    policies_by_path,
    worker_compliance,
)
from tests.courses.compliance_data import make_courses, make_workers, run_session
from tests.factories import (
    EnrolmentFactory,
    MeetingFactory,
    SessionFactory,
    UnitFactory,
    make_course,
)
from workforce.models import PolicyParameters, Worker

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def courses(county):
    return make_courses(county)


def test_worker_compliance_reads_hours_from_attendance(worker, courses):
    thematic = courses[TrainingType.THEMATIC]
    first = run_session(thematic, worker, 3, start=dt.date(2026, 3, 2))  # 24 h
    run_session(thematic, worker, 2, start=dt.date(2026, 4, 6), attended=1)  # 8 of 16 h
    run_session(thematic, worker, 5, start=dt.date(2025, 5, 5))  # last year: 40 h
    # Enrolled but nothing attended yet: no hours.
    later = SessionFactory(
        course=thematic, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 2)
    )
    MeetingFactory(session=later, date=dt.date(2026, 9, 1), hours=8)
    EnrolmentFactory(session=later, worker=worker)

    compliance, policy = worker_compliance(worker, today=TODAY)

    annual = compliance.annual
    assert (annual.hours, annual.required_hours, annual.status) == (D(32), 40, Status.IN_PROGRESS)
    assert [e.session_id for e in annual.evidence] == [first.pk, first.pk + 1]
    assert [e.hours for e in annual.evidence] == [D(24), D(8)]
    assert policy.annual_training_hours == 40


def test_rotation_needs_a_month_long_completed_session(worker, courses):
    rotation = courses[TrainingType.ROTATION]
    # 5 days completed: not a one-month rotation.
    run_session(rotation, worker, 5, start=dt.date(2025, 4, 1), completed=dt.date(2025, 4, 5))
    compliance, _policy = worker_compliance(worker, today=TODAY)
    # hired 2024-03-01 (factory): due 2026-03-01, passed
    assert (compliance.rotation.status, compliance.rotation.due_date) == (
        Status.OVERDUE,
        dt.date(2026, 3, 1),
    )
    # 20 meeting days, completed: due 24 months after completion.
    month = run_session(
        rotation, worker, 20, start=dt.date(2025, 9, 1), completed=dt.date(2025, 9, 30)
    )
    # attended but not completed does not count either
    run_session(rotation, worker, 22, start=dt.date(2026, 1, 5))
    compliance, _policy = worker_compliance(worker, today=TODAY)
    assert compliance.rotation.status is Status.MET
    assert compliance.rotation.due_date == dt.date(2027, 9, 30)
    assert [e.session_id for e in compliance.rotation.evidence] == [month.pk]


def test_cancelled_meetings_do_not_count_as_training_days(worker, courses):
    rotation = courses[TrainingType.ROTATION]
    session = run_session(
        rotation, worker, 20, start=dt.date(2025, 9, 1), hours=4, completed=dt.date(2025, 9, 30)
    )
    session.meetings.filter(date=dt.date(2025, 9, 1)).update(cancelled=True)
    compliance, _policy = worker_compliance(worker, today=TODAY)
    assert compliance.rotation.status is Status.OVERDUE  # 19 days, 80 h: not a month


def test_onboarding_completion_is_found(worker, courses):
    onboarding = courses[TrainingType.ONBOARDING]
    session = run_session(
        onboarding, worker, 3, start=dt.date(2024, 4, 1), completed=dt.date(2024, 4, 3)
    )
    compliance, _policy = worker_compliance(worker, today=TODAY)
    assert compliance.onboarding.status is Status.MET
    assert not compliance.onboarding.late
    assert compliance.onboarding.evidence[0].session_id == session.pk
    assert compliance.onboarding.evidence[0].on == dt.date(2024, 4, 3)


def test_worker_compliance_uses_the_federations_policy(worker, courses, county):
    PolicyParameters.objects.create(federation=county, annual_training_hours=24)
    run_session(courses[TrainingType.THEMATIC], worker, 3, start=dt.date(2026, 3, 2))
    compliance, policy = worker_compliance(worker, today=TODAY)
    assert policy.annual_training_hours == 24
    assert compliance.annual.status is Status.MET


def test_worker_compliance_query_count(worker, courses, django_assert_num_queries):
    for month in range(1, 6):
        run_session(courses[TrainingType.THEMATIC], worker, 2, start=dt.date(2026, month, 5))
    worker = Worker.objects.select_related("federation").get(pk=worker.pk)
    # 6, and 1 for the credited-hours source of mentorship (courses.credits)
    with django_assert_num_queries(7):
        worker_compliance(worker, today=TODAY)


def test_my_training_sorts_enrolments(worker, courses):
    thematic = courses[TrainingType.THEMATIC]
    past = run_session(thematic, worker, 2, start=dt.date(2026, 3, 2))
    coming = SessionFactory(
        course=thematic, start_date=dt.date(2026, 7, 1), end_date=dt.date(2026, 7, 2)
    )
    waiting = SessionFactory(
        course=thematic, start_date=dt.date(2026, 8, 1), end_date=dt.date(2026, 8, 2)
    )
    cancelled = SessionFactory(
        course=thematic, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 2)
    )
    EnrolmentFactory(session=coming, worker=worker)
    EnrolmentFactory(session=waiting, worker=worker, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(session=cancelled, worker=worker, status=Enrolment.Status.CANCELLED)

    page = my_training(worker, today=TODAY)

    assert [e.session for e in page.upcoming] == [coming]
    assert [e.session for e in page.waitlisted] == [waiting]
    assert [e.session for e in page.past] == [cancelled, past]
    assert page.past[1].meeting_count == 2
    assert page.compliance.annual.hours == D(16)


# -- the dashboard -------------------------------------------------------------------------------


def test_compliance_report_rows_per_county(city, county, park, other_county, courses):
    county_workers = make_workers(county, 3)
    make_workers(park, 2)  # counted in the county's row
    make_workers(other_county, 4)
    make_workers(city, 1)  # the city's own row
    left = make_workers(county, 1)[0]
    left.status, left.left_on = Worker.Status.LEFT, dt.date(2026, 1, 1)
    left.save()
    run_session(courses[TrainingType.THEMATIC], county_workers[0], 5, start=dt.date(2026, 3, 2))

    report = compliance_report([city.path], today=TODAY)

    names = [row.name for row in report.rows]
    assert names == ["绵阳市总工会（本级）", "涪城区总工会", "游仙区总工会"]
    by_name = {row.name: row.counts for row in report.rows}
    assert by_name["涪城区总工会"].workers == 5  # left worker not counted
    assert by_name["涪城区总工会"].get(Rule.ANNUAL, Status.MET) == 1
    # hired 2024-03-01: missed 2025's 40 h, so the others are overdue
    assert by_name["涪城区总工会"].get(Rule.ANNUAL, Status.OVERDUE) == 4
    assert by_name["游仙区总工会"].get(Rule.ROTATION, Status.OVERDUE) == 4
    assert report.total.workers == 10

    county_report = compliance_report([county.path], today=TODAY)
    assert [(row.name, row.counts.workers) for row in county_report.rows] == [("涪城区总工会", 5)]


def test_compliance_report_without_workers_lists_the_counties(city, county, other_county):
    report = compliance_report([city.path], today=TODAY)
    assert [row.name for row in report.rows] == ["涪城区总工会", "游仙区总工会"]
    assert compliance_report([], today=TODAY).rows == []


def test_compliance_report_uses_each_federations_policy(city, county, other_county, courses):
    PolicyParameters.objects.create(federation=county, annual_training_hours=16)
    here = make_workers(county, 1)[0]
    there = make_workers(other_county, 1)[0]
    other_course = make_course(organizer=other_county, training_type=TrainingType.THEMATIC)
    run_session(courses[TrainingType.THEMATIC], here, 2, start=dt.date(2026, 3, 2))
    run_session(other_course, there, 2, start=dt.date(2026, 3, 2))
    by_name = {r.name: r.counts for r in compliance_report([city.path], today=TODAY).rows}
    assert by_name["涪城区总工会"].get(Rule.ANNUAL, Status.MET) == 1
    assert by_name["游仙区总工会"].get(Rule.ANNUAL, Status.MET) == 0
    assert policies_by_path([county.path])[county.path].annual_training_hours == 16


@pytest.mark.parametrize("count", [5, 50])
def test_compliance_report_query_count_does_not_grow(
    count, city, county, other_county, courses, django_assert_num_queries
):
    workers = make_workers(county, count) + make_workers(other_county, count)
    for worker in workers[::3]:
        run_session(courses[TrainingType.THEMATIC], worker, 1, start=dt.date(2026, 3, 2))
        run_session(
            courses[TrainingType.ROTATION], worker, 1, start=dt.date(2025, 3, 2),
            completed=dt.date(2025, 3, 2),
        )  # fmt: skip
    # 7, and 1 for the credited-hours source of mentorship (courses.credits)
    with django_assert_num_queries(8):
        report = compliance_report([city.path], today=TODAY)
    assert report.total.workers == 2 * count


def test_compliance_workers_lists_one_cell(city, county, park, other_county, courses):
    unit = UnitFactory(federation=county, name="城厢街道工会")
    done, behind = make_workers(county, 2, unit=unit)
    in_park = make_workers(park, 1)[0]
    make_workers(other_county, 2)
    for worker in (done, in_park):
        run_session(courses[TrainingType.THEMATIC], worker, 5, start=dt.date(2026, 3, 2))

    met = compliance_workers(county, rule=Rule.ANNUAL, status=Status.MET, today=TODAY)
    # ordered by federation (the county before its park), then name
    assert [entry.worker_id for entry in met] == [done.pk, in_park.pk]
    overdue = compliance_workers(county, rule=Rule.ANNUAL, status=Status.OVERDUE, today=TODAY)
    assert [(e.worker_id, e.unit) for e in overdue] == [(behind.pk, "城厢街道工会")]
    assert overdue[0].compliance.annual.due_date == dt.date(2025, 12, 31)

    own = compliance_workers(city, rule=Rule.ANNUAL, status=Status.OVERDUE, today=TODAY)
    assert own == []  # the city's row holds only its own workers
