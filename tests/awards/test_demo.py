"""The awards demo steps: a campaign with nominations in every state, an objection waiting on
the notice, a past winner refused; idempotent."""

import datetime as dt
from collections import Counter

import pytest

from awards import demo
from awards.choices import ObjectionState, State
from awards.models import Allocation, Campaign, Honour, Nomination, Objection
from evaluation.models import Cycle
from tests.factories import WorkerFactory
from workforce.demo import DemoContext

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


def context(by, city, county, other_county, workers):
    return DemoContext(
        by=by,
        today=TODAY,
        federations={"MY": city, "FC": county, "YX": other_county},
        workers={worker.id_number: worker for worker in workers},
    )


@pytest.fixture
def workers(county, other_county):
    hired = [dt.date(2018 + n % 5, 1 + n % 12, 1) for n in range(10)]
    return [
        *(WorkerFactory(federation=county, hire_date=day) for day in hired),
        *(WorkerFactory(federation=other_county, hire_date=day) for day in hired[:6]),
    ]


def test_demo_steps_are_idempotent(city_staff, city, county, other_county, workers):
    ctx = context(city_staff, city, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(ctx)

    # Without the evaluation demo, last year's grades are confirmed (everyone 合格).
    assert Cycle.objects.filter(year=2025).count() == 2
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.reserved_places, campaign.review_rounds) == (2026, 12, 2)
    assert sum(Allocation.objects.values_list("places", flat=True)) == 11
    states = Counter(Nomination.objects.values_list("state", flat=True))
    assert states == {
        State.APPROVED: 2,
        State.NOTICE: 3,
        State.REVIEW: 1,
        State.SUBMITTED: 1,
        State.RETURNED: 1,
        State.REJECTED: 1,
        State.WITHDRAWN: 1,
        State.DRAFT: 1,
    }
    assert campaign.constraints.count() == 3
    # The current notice is open today, with one objection waiting.
    campaign.refresh_from_db()
    assert campaign.notice_starts_on <= TODAY <= campaign.notice_ends_on
    objection = Objection.objects.get()
    assert objection.state == ObjectionState.OPEN and objection.nomination.state == State.NOTICE
    # Two winners of the first list, and a past winner who was refused.
    honours = Counter(Honour.objects.values_list("year", flat=True))
    assert honours == {2026: 2, 2024: 1}
    past = Honour.objects.get(year=2024).worker
    assert not Nomination.objects.filter(worker=past).exists()

    again = context(city_staff, city, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(again)
    assert not again.created
    assert Nomination.objects.count() == 11


def test_without_the_counties_the_steps_add_nothing(city_staff, city):
    ctx = DemoContext(by=city_staff, today=TODAY, federations={"MY": city})
    for step in demo.DEMO_STEPS:
        step(ctx)
    assert not ctx.created and not Campaign.objects.exists()
