"""The last place of an allocation under contention, on a real database server.

SQLite takes no row locks (it serialises writers), so this needs PostgreSQL (``.ci/run`` runs
the suite on both): ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_awards
.venv/bin/pytest tests/awards/test_concurrency.py``.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from awards import services
from awards.choices import Level
from awards.models import Nomination
from awards.services import AwardsError
from tests.conftest import _staff
from tests.factories import WorkerFactory, confirmed_grade

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; set DATABASE_URL=postgres://... to run",
    ),
]


def _together(calls):
    go = threading.Event()

    def run(call):
        go.wait()
        try:
            return call()
        except AwardsError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [future.result() for future in futures]


def test_two_staff_take_the_last_place_at_once(city, county):
    city_staff = _staff("city_a", city)
    award = services.create_award(by=city_staff, name="五一劳动奖章", level=Level.CITY)
    campaign = services.create_campaign(
        by=city_staff, award=award, year=2026, federation=city, total_places=10,
        nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
    )  # fmt: skip
    allocation = services.allocate(by=city_staff, campaign=campaign, federation=county, places=1)
    staff = [_staff("county_a", county), _staff("county_b", county)]
    workers = [WorkerFactory(federation=county, hire_date=dt.date(2020, 1, 1)) for _ in staff]
    for worker in workers:
        confirmed_grade(worker, 2025, 20)

    results = _together(
        [
            lambda by=by, worker=worker: services.nominate(
                by=by, allocation=allocation, worker=worker, categories=[], deeds="事迹",
                summary="摘要", unit_opinion="同意", today=dt.date(2026, 4, 10),
            )
            for by, worker in zip(staff, workers, strict=True)
        ]
    )  # fmt: skip

    assert sum(isinstance(result, Nomination) for result in results) == 1
    [refusal] = [result for result in results if isinstance(result, AwardsError)]
    assert "名额已用完" in str(refusal)
    assert Nomination.objects.count() == 1
