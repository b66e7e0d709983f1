"""The mentoring demo steps: every state, an overdue check-in, the personas; idempotent."""

import datetime as dt
from collections import Counter

import pytest

from mentorship import demo
from mentorship.models import MeetingLog, Mentor, Pairing
from mentorship.reminders import due_reminders
from tests.factories import WorkerFactory
from workforce.demo import DemoContext

pytestmark = pytest.mark.django_db
TODAY = dt.date(2030, 6, 15)


def context(by, county, other_county, workers):
    return DemoContext(
        by=by,
        today=TODAY,
        federations={"FC": county, "YX": other_county},
        workers={worker.id_number: worker for worker in workers},
    )


@pytest.fixture
def workers(county, other_county):
    persona = DemoContext(today=TODAY).worker_plans()[0].person.id_number
    hired = [dt.date(2018 + n % 8, 1 + n % 12, 1) for n in range(30)]
    return [
        WorkerFactory(federation=county, id_number=persona, hire_date=dt.date(2025, 5, 1)),
        *(WorkerFactory(federation=county, hire_date=day) for day in hired),
        *(WorkerFactory(federation=other_county, hire_date=day) for day in hired),
    ]


def test_demo_steps_are_idempotent(city_staff, county, other_county, workers):
    ctx = context(city_staff, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(ctx)

    assert Mentor.objects.filter(federation=county).count() == 5
    assert Mentor.objects.filter(federation=other_county).count() == 5
    states = Counter(Pairing.objects.values_list("status", flat=True))
    assert states == {status: 10 for status in Pairing.Status.values}
    logs = set(MeetingLog.objects.values_list("status", flat=True))
    assert {MeetingLog.Status.CONFIRMED, MeetingLog.Status.AWAITING} <= logs
    events = Counter(event for _pairing, event in due_reminders(today=TODAY))
    assert events["checkin_overdue"] == 1

    # The demo worker is the apprentice of 王建国, the ``mentor`` persona.
    persona = workers[0]
    mine = Pairing.objects.get(apprentice=persona)
    assert mine.status == Pairing.Status.ACTIVE and mine.mentor.user.username == "mentor"
    assert mine.mentor.user.check_password("demo-mentor-2026")
    assert [a.username for a in ctx.accounts] == ["mentor"]
    assert ctx.created["师徒结对"] == 50

    again = context(city_staff, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(again)
    assert not again.created
    assert Pairing.objects.count() == 50
