"""A mentor's last place under contention, on a real database server.

SQLite takes no row locks, so this needs PostgreSQL (``.ci/run`` runs the suite on both):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_mentoring .venv/bin/pytest tests/mentorship``.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from mentorship import services
from mentorship.models import Pairing
from mentorship.services import MentorshipError
from tests.conftest import _staff
from tests.factories import MentorFactory, PairingFactory, WorkerFactory

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
        except MentorshipError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [future.result() for future in futures]


def test_two_staff_fill_the_last_place_at_once(county, city):
    mentor = MentorFactory(federation=county, load_limit=3)
    for _ in range(2):
        PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
    staff = [_staff("staff_a", county), _staff("staff_b", city)]
    apprentices = [WorkerFactory(federation=county) for _ in staff]

    results = _together(
        [
            lambda by=by, apprentice=apprentice: services.propose_pairing(
                by=by, mentor=mentor, apprentice=apprentice, kind="apprentice",
                start=dt.date(2030, 1, 1),
            )
            for by, apprentice in zip(staff, apprentices, strict=True)
        ]
    )  # fmt: skip

    created = [r for r in results if isinstance(r, Pairing)]
    refused = [r for r in results if isinstance(r, MentorshipError)]
    assert len(created) == 1 and len(refused) == 1
    assert "达到上限 3 名" in str(refused[0])
    holding = Pairing.objects.filter(mentor=mentor, status__in=[10, 50]).count()
    assert holding == 3


def test_twenty_acceptances_never_pass_the_limit(county, county_staff):
    mentor = MentorFactory(federation=county, load_limit=20)
    proposals = [
        services.propose_pairing(
            by=county_staff, mentor=mentor, apprentice=WorkerFactory(federation=county),
            kind="apprentice", start=dt.date(2030, 1, 1),
        )
        for _ in range(20)
    ]  # fmt: skip
    mentor.load_limit = 5
    mentor.save()

    results = _together(
        [lambda p=p: services.accept_pairing(by=mentor.user, pairing=p) for p in proposals]
    )

    assert sum(isinstance(r, Pairing) for r in results) == 5
    assert Pairing.objects.filter(mentor=mentor, status=Pairing.Status.ACTIVE).count() == 5
