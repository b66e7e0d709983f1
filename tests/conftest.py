"""Shared fixtures: a small federation tree and the named personas.

city ─┬─ county (县A) ── town (县A 下的园区)
      └─ other (县B)
Personas: ``city_staff``, ``county_staff`` (县A), ``outsider`` (县B's staff), ``worker``
(employed by 县A, posted to ``unit``), ``anonymous`` is simply an unauthenticated client.
"""

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory, make_federation
from workforce.models import Federation
from workforce.permissions import grant_federation_staff


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the default language: a request in English leaves it active."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def city(db):
    return make_federation("绵阳市总工会", "MY")


@pytest.fixture
def county(city):
    return make_federation("涪城区总工会", "FC", parent=city, level=Federation.Level.DISTRICT)


@pytest.fixture
def park(county):
    return make_federation("涪城园区总工会", "FCP", parent=county, level=Federation.Level.PARK)


@pytest.fixture
def other_county(city):
    return make_federation("游仙区总工会", "YX", parent=city, level=Federation.Level.DISTRICT)


@pytest.fixture
def unit(county):
    return UnitFactory(federation=county, name="城郊街道工会", kind="township", headcount=3000)


@pytest.fixture
def other_unit(other_county):
    return UnitFactory(federation=other_county, name="游仙工业园工会", kind="park", headcount=800)


def _staff(username, federation):
    user = UserFactory(username=username)
    grant_federation_staff(user, federation)
    return user


@pytest.fixture
def city_staff(city):
    return _staff("city_staff", city)


@pytest.fixture
def county_staff(county):
    return _staff("county_staff", county)


@pytest.fixture
def outsider(other_county):
    return _staff("outsider", other_county)


@pytest.fixture
def worker(county, unit):
    worker = WorkerFactory(federation=county, name="张晓梅", user=UserFactory(username="worker"))
    PostingFactory(worker=worker, unit=unit)
    return worker


@pytest.fixture
def other_worker(other_county, other_unit):
    worker = WorkerFactory(federation=other_county, name="李强")
    PostingFactory(worker=worker, unit=other_unit)
    return worker


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def course(county):
    """A live thematic course of the county in the 专题培训 catalog."""
    from tests.factories import make_course

    return make_course(organizer=county, title="工会法与劳动法实务")


@pytest.fixture
def session(course):
    """The county's session of ``course``: 2030-03-04 to 03-08, 30 seats, a meeting each day."""
    from tests.factories import SessionFactory, add_meeting_days

    session = SessionFactory(course=course, title="2030年第一期")
    add_meeting_days(session)
    return session
