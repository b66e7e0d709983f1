"""Issuing under concurrency, on PostgreSQL (row locks are what make it safe).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_certificates pytest tests/certificates``.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from certificates.models import Certificate, SerialCounter
from certificates.services import issue_certificate

from .conftest import ISSUED_ON, complete

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
]


def _run_together(calls) -> list:
    """Run the callables in threads released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_concurrent_requests_issue_one_certificate(enrolment, county_staff):
    def issue():
        return issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)

    first, second = _run_together([issue, issue])
    assert first.pk == second.pk and first.serial == second.serial == "FC-2030-000001"
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last == 1


def test_serials_never_repeat_or_skip(session, county_staff):
    enrolments = [complete(session) for _ in range(20)]
    calls = [
        lambda e=e: issue_certificate(by=county_staff, enrolment=e, on=ISSUED_ON).serial
        for e in enrolments
    ]
    serials = _run_together(calls)
    assert sorted(serials) == [f"FC-2030-{n:06d}" for n in range(1, 21)]
    assert SerialCounter.objects.get().last == 20


def test_first_serial_of_a_year_under_concurrency(session, county_staff):
    """Two transactions creating the year's counter row at once still share one sequence."""
    enrolments = [complete(session) for _ in range(4)]
    calls = [
        lambda e=e: issue_certificate(by=county_staff, enrolment=e, on=ISSUED_ON).serial
        for e in enrolments
    ]
    assert sorted(_run_together(calls)) == [f"FC-2030-{n:06d}" for n in range(1, 5)]
    assert SerialCounter.objects.count() == 1
