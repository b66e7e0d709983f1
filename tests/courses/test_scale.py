"""The training step of ``generate_scale_data`` (a tiny city of the same shape)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from wagtail.models import Page

from courses.models import Attendance, CatalogPage, CoursePage, Enrolment, Session
from courses.scale import training_size
from courses.selectors import compliance_report
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation

pytestmark = pytest.mark.django_db
TINY = {"size": "S", "counties": 2, "units": 20, "workers": 240}


def generate(**extra):
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, **TINY, **extra)
    return out.getvalue()


def test_training_size_at_m():
    size = training_size(20_000)
    assert (size.courses, size.sessions, size.enrolments, size.attendance) == (
        500,
        2_000,
        100_000,
        1_000_000,
    )


def test_scale_city_gets_its_training(django_assert_max_num_queries):
    output = generate()
    target = training_size(TINY["workers"])
    assert f"{target.courses} courses" in output
    root = Federation.objects.get(name=ROOT_NAME)
    courses = CoursePage.objects.filter(organizer__path__startswith=root.path)
    sessions = Session.objects.filter(organizer__path__startswith=root.path)
    enrolments = Enrolment.objects.filter(session__in=sessions)
    attendance = Attendance.objects.filter(enrolment__in=enrolments)
    assert courses.count() == target.courses
    assert sessions.count() == target.sessions
    assert enrolments.count() == target.enrolments
    assert attendance.count() == target.attendance

    # The bulk-inserted pages are a sound tree, each course under its own type's catalog.
    assert all(not problems for problems in Page.find_problems())
    catalogs = {c.training_type: c for c in CatalogPage.objects.all()}
    for course in courses:
        assert course.get_parent().pk == catalogs[course.training_type].pk
        assert course.live and course.url.startswith("/training/")
    for catalog in catalogs.values():
        assert catalog.numchild == catalog.get_children().count()

    # Credited hours follow the attendance; only confirmed enrolments attend.
    credited = dict(
        attendance.values("enrolment")
        .annotate(total=Sum("hours"))
        .values_list("enrolment", "total")
    )
    for enrolment in enrolments.filter(credited_hours__gt=0):
        assert credited[enrolment.pk] == enrolment.credited_hours
    assert not attendance.exclude(enrolment__status=Enrolment.Status.CONFIRMED).exists()
    assert not attendance.filter(meeting__date__gte=dt.date.today()).exists()
    completed = enrolments.filter(completed=True)
    assert completed.exists()
    assert not completed.exclude(session__status=Session.Status.FINISHED).exists()
    assert not completed.filter(completed_on__isnull=True).exists()
    # Every type of course has sessions, and the dashboard reads it in its usual 7 queries
    # (and 2 for the mentoring hours credited as training: the city has mentoring too).
    assert set(sessions.values_list("course__training_type", flat=True)) == set(catalogs)
    with django_assert_max_num_queries(9):
        report = compliance_report([root.path], today=dt.date.today())
    assert report.total.workers > 0
    assert sum(report.total.counts["rotation"].values()) == report.total.workers
    assert set(enrolments.values("session").annotate(n=Count("pk")).values_list("n", flat=True))


def test_replace_rebuilds_the_training():
    generate()
    generate(replace=True)
    root = Federation.objects.get(name=ROOT_NAME)
    target = training_size(TINY["workers"])
    assert (
        CoursePage.objects.filter(organizer__path__startswith=root.path).count() == target.courses
    )
    assert Session.objects.filter(organizer__path__startswith=root.path).count() == target.sessions
    assert all(not problems for problems in Page.find_problems())
