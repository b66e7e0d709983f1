"""Training records for the compliance tests: sessions held and attended, workers in bulk."""

import datetime as dt

from courses.models import Attendance, TrainingType
from tests.factories import (
    EnrolmentFactory,
    MeetingFactory,
    PostingFactory,
    SessionFactory,
    UnitFactory,
    WorkerFactory,
    make_course,
)


def make_courses(organizer):
    """Return a thematic, a rotation and an onboarding course of ``organizer``."""
    return {
        kind: make_course(organizer=organizer, title=title, training_type=kind)
        for kind, title in [
            (TrainingType.THEMATIC, "工会法律法规与职工维权实务"),
            (TrainingType.ROTATION, "社会化工会工作者岗位轮训"),
            (TrainingType.ONBOARDING, "新任社会化工会工作者上岗培训"),
        ]
    }


def run_session(course, worker, days, *, start, hours=8, attended=None, completed=None, **kw):
    """Hold a session of ``days`` consecutive daily meetings and enrol ``worker``.

    ``attended`` is how many meetings the worker attended (all by default); ``completed`` sets
    the completion date.
    """
    session = SessionFactory(
        course=course,
        title=kw.pop("title", f"{course.title}{start:%Y%m%d}"),
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        **kw,
    )
    meetings = [
        MeetingFactory(session=session, date=start + dt.timedelta(days=i), hours=hours)
        for i in range(days)
    ]
    enrolment = EnrolmentFactory(
        session=session,
        worker=worker,
        completed=completed is not None,
        completed_on=completed,
    )
    attended = days if attended is None else attended
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            enrolment=enrolment,
            status=Attendance.Status.PRESENT if i < attended else Attendance.Status.ABSENT,
            hours=hours if i < attended else 0,
        )
        for i, meeting in enumerate(meetings)
    )
    enrolment.credited_hours = hours * attended
    enrolment.save(update_fields=["credited_hours"])
    return session


def make_workers(federation, count, *, unit=None, hire=dt.date(2024, 3, 1), **kw):
    unit = unit or UnitFactory(federation=federation)
    workers = WorkerFactory.create_batch(count, federation=federation, hire_date=hire, **kw)
    for worker in workers:
        PostingFactory(worker=worker, unit=unit, start=hire)
    return workers
