"""factory_boy factories for the roster; later apps add theirs beside these."""

import datetime as dt
import itertools

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from courses.models import (
    CatalogPage,
    CoursePage,
    Enrolment,
    Meeting,
    Session,
    TrainingIndexPage,
    TrainingType,
)
from home.models import HomePage
from workforce import idnumber
from workforce.models import Federation, Posting, Unit, Worker

_id_sequence = itertools.count(1)


def make_id_number() -> str:
    """Return a fresh valid ID number (Mianyang 510703, born 1990-01-01 + n days)."""
    n = next(_id_sequence)
    birth = dt.date(1990, 1, 1) + dt.timedelta(days=n % 5000)
    return idnumber.make(f"510703{birth:%Y%m%d}{n % 1000:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


def make_federation(
    name: str, code: str, *, parent: Federation | None = None, level: str = Federation.Level.COUNTY
) -> Federation:
    """Add a federation under ``parent`` (or as a root)."""
    if parent is None:
        return Federation.add_root(name=name, code=code, level=Federation.Level.CITY)
    return Federation.objects.get(pk=parent.pk).add_child(name=name, code=code, level=level)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"基层工会{n}")
    kind = Unit.Kind.ENTERPRISE
    headcount = 500


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"工作者{n}")
    gender = Worker.Gender.FEMALE
    id_number = factory.LazyFunction(make_id_number)
    education = Worker.Education.BACHELOR
    employment_mode = Worker.EmploymentMode.DIRECT
    hire_date = dt.date(2024, 3, 1)


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    worker = factory.SubFactory(WorkerFactory)
    start = dt.date(2024, 3, 1)


# Courses ---------------------------------------------------------------------------------------


def training_catalog(training_type: str = TrainingType.THEMATIC) -> CatalogPage:
    """Return the catalog page of ``training_type``, building the training pages if missing."""
    catalog = CatalogPage.objects.filter(training_type=training_type).first()
    if catalog is not None:
        return catalog
    index = TrainingIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        if home is None:  # a transactional test flushed the pages made by the migrations
            language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
            Locale.objects.get_or_create(language_code=language)
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root")
            )
            home = root.add_child(instance=HomePage(title="首页", slug="home"))
        index = home.add_child(instance=TrainingIndexPage(title="培训", slug="training"))
    label = TrainingType(training_type).label
    return index.add_child(
        instance=CatalogPage(title=str(label), slug=training_type, training_type=training_type)
    )


_course_sequence = itertools.count(1)


def make_course(
    *,
    organizer: Federation,
    title: str | None = None,
    training_type: str = TrainingType.THEMATIC,
    credit_hours: str = "15",
    pass_score=None,
    prerequisites=(),
    live: bool = True,
    methods=("lecture",),
) -> CoursePage:
    """Add a course page under the catalog of ``training_type`` (the catalog decides the type)."""
    n = next(_course_sequence)
    course = CoursePage(
        title=title or f"课程{n}",
        slug=f"course-{n}",
        organizer=organizer,
        training_type=training_type,
        credit_hours=credit_hours,
        pass_score=pass_score,
        methods=list(methods),
        live=live,
    )
    training_catalog(training_type).add_child(instance=course)
    if prerequisites:
        course.prerequisites.set(prerequisites)
        course.save()
    return course


class SessionFactory(factory.django.DjangoModelFactory):
    """A session one week long in March 2030, enrolment open since 2020, 30 seats."""

    class Meta:
        model = Session

    course = None  # pass course=make_course(...)
    organizer = factory.LazyAttribute(lambda o: o.course.organizer)
    title = factory.Sequence(lambda n: f"第{n}期")
    start_date = dt.date(2030, 3, 4)
    end_date = dt.date(2030, 3, 8)
    location = "市职工服务中心"
    capacity = 30
    enrol_opens = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    enrol_closes = dt.datetime(2030, 3, 1, tzinfo=dt.UTC)
    cancel_deadline = dt.datetime(2030, 3, 1, tzinfo=dt.UTC)
    status = Session.Status.OPEN


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    session = None  # pass session=...
    date = factory.LazyAttribute(lambda o: o.session.start_date)
    start_time = dt.time(9, 0)
    end_time = dt.time(12, 0)
    hours = 3


def add_meeting_days(session: Session, days: int | None = None, **kwargs) -> list[Meeting]:
    """Add one meeting a day from the session's first day (``days`` of them, default to the end)."""
    count = days if days is not None else (session.end_date - session.start_date).days + 1
    return [
        MeetingFactory(session=session, date=session.start_date + dt.timedelta(days=i), **kwargs)
        for i in range(count)
    ]


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = None  # pass session=...
    worker = factory.SubFactory(
        WorkerFactory, federation=factory.SelfAttribute("..session.organizer")
    )
    status = Enrolment.Status.CONFIRMED


class MentorFactory(factory.django.DjangoModelFactory):
    """A mentor who is a union cadre with an account (pass ``federation=``)."""

    class Meta:
        model = "mentorship.Mentor"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"导师{n}")
    title = "工会干部"
    expertise = factory.LazyFunction(lambda: ["labour_law", "casework"])
    experience_since = dt.date(2015, 1, 1)


class PairingFactory(factory.django.DjangoModelFactory):
    """An active 高师带徒 pairing of 12 months from 2030-01-01 (pass ``mentor``, ``apprentice``)."""

    class Meta:
        model = "mentorship.Pairing"

    kind = "apprentice"
    federation = factory.LazyAttribute(lambda o: o.apprentice.federation)
    status = 50
    start_date = dt.date(2030, 1, 1)
    term_months = 12
    end_date = dt.date(2030, 12, 31)
    accepted_on = dt.date(2030, 1, 1)


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer about ``assessment`` as ``kind`` (pass both) with one overall ``score``."""

    class Meta:
        model = "evaluation.Answer"

    score = 80
    submitted_on = dt.date(2026, 6, 1)


def confirmed_grade(worker: Worker, year: int, grade: int, federation: Federation | None = None):
    """Give ``worker`` a confirmed grade for ``year`` (a confirmed cycle of their federation)."""
    from evaluation.choices import State
    from evaluation.models import Assessment, Cycle

    federation = federation or worker.federation
    cycle, _created = Cycle.objects.get_or_create(
        federation=federation,
        year=year,
        defaults={
            "name": f"{year}年度考核",
            "opens_on": dt.date(year, 11, 1),
            "closes_on": dt.date(year, 11, 30),
            "state": State.CONFIRMED,
            "excellent_min": 90,
            "pass_min": 70,
            "basic_min": 60,
            "excellent_share_percent": 15,
        },
    )
    return Assessment.objects.create(cycle=cycle, worker=worker, grade=grade, proposed=grade)
