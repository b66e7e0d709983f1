"""Fixtures for the certificates tests: completed enrolments of the county's session."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from courses.models import Enrolment
from tests.factories import EnrolmentFactory, WorkerFactory

ISSUED_ON = dt.date(2030, 3, 20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep rendered PDFs, ZIPs and seals of each test in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def complete(session, worker=None, *, hours: str = "15", **kwargs) -> Enrolment:
    """Return a confirmed enrolment of ``worker`` (a new county worker by default), completed."""
    worker = worker or WorkerFactory(federation=session.organizer)
    fields = {"completed": True, "completed_on": session.end_date, **kwargs}
    return EnrolmentFactory(session=session, worker=worker, credited_hours=Decimal(hours), **fields)


@pytest.fixture
def enrolment(session, worker):
    """The ``worker`` persona's completed enrolment in the county's session."""
    return complete(session, worker)
