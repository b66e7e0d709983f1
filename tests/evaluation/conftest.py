"""Evaluation personas beside the shared ones.

``cycle`` is 涪城区's 2026 draft cycle (collecting 2026-03-01 to 2026-03-31) covering
``worker``, with the policy's default kinds: 用人单位 40 (invitation, at least 1 answer),
服务企业 30 (invitation, 3), 服务对象 30 (poster, 10). ``collecting`` is the same cycle opened.
``other_cycle`` is 游仙区's, covering ``other_worker``. ``IN_WINDOW`` is a moment inside the
collecting dates.
"""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation import services
from tests.factories import AnswerFactory

OPENS = dt.date(2026, 3, 1)
CLOSES = dt.date(2026, 3, 31)
IN_WINDOW = timezone.make_aware(dt.datetime(2026, 3, 15, 10, 0))


def make_cycle(by, federation, *, year=2026, opens_on=OPENS, closes_on=CLOSES):
    return services.create_cycle(
        by=by, federation=federation, year=year, opens_on=opens_on, closes_on=closes_on
    )


def answer(assessment, kind, score, n=1):
    """Store ``n`` answers of ``score`` about ``assessment`` as ``kind``."""
    return AnswerFactory.create_batch(n, assessment=assessment, kind=kind, score=score)


def kinds_of(cycle):
    """Return the cycle's kinds by name."""
    return {kind.name: kind for kind in cycle.kinds.all()}


@pytest.fixture
def cycle(county_staff, county, worker):
    return make_cycle(county_staff, county)


@pytest.fixture
def collecting(cycle, county_staff):
    return services.start_collecting(by=county_staff, cycle=cycle)


@pytest.fixture
def assessment(cycle, worker):
    return cycle.assessments.get(worker=worker)


@pytest.fixture
def other_cycle(outsider, other_county, other_worker):
    return make_cycle(outsider, other_county)
