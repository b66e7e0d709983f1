"""Seats under contention: many enrolments at once on a real database server.

SQLite has no row locks (``select_for_update`` is a no-op) and one writer at a time, so these
tests need PostgreSQL: run them with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_courses .venv/bin/pytest tests/courses``.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from courses import services
from courses.models import Enrolment
from tests.factories import SessionFactory, UserFactory, WorkerFactory, add_meeting_days

NOW = dt.datetime(2030, 2, 1, 9, tzinfo=dt.UTC)
# PostgreSQL allows 100 connections by default and other clients hold some: at most this
# many enrolments are in flight at once, each thread on its own connection.
PARALLEL = 40

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; set DATABASE_URL=postgres://... to run",
    ),
]


def _run_together(calls):
    """Run ``calls`` on threads released at the same moment, each with its own connection."""
    go = threading.Event()

    def run(call):
        go.wait()
        try:
            return call()
        finally:
            connections.close_all()  # this thread's connection: the next call opens its own

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [future.result() for future in futures]


def test_200_simultaneous_enrolments_for_30_seats(course, county):
    session = SessionFactory(course=course, capacity=30)
    add_meeting_days(session)
    workers = [
        WorkerFactory(federation=county, user=UserFactory(username=f"rush{i}")) for i in range(200)
    ]

    def enrol(worker):
        return lambda: (
            services.enrol_worker(by=worker.user, session=session, worker=worker, now=NOW).status
        )

    statuses = _run_together([enrol(w) for w in workers])

    assert statuses.count(Enrolment.Status.CONFIRMED) == 30
    assert statuses.count(Enrolment.Status.WAITLISTED) == 170
    stored = Enrolment.objects.filter(session=session)
    assert stored.filter(status=Enrolment.Status.CONFIRMED).count() == 30
    assert stored.filter(status=Enrolment.Status.WAITLISTED).count() == 170
    assert stored.values("worker").distinct().count() == 200


def test_simultaneous_double_submits_make_one_enrolment(session, worker):
    def enrol():
        return services.enrol_worker(by=worker.user, session=session, worker=worker, now=NOW).pk

    ids = _run_together([enrol] * 12)

    assert len(set(ids)) == 1
    assert Enrolment.objects.filter(session=session, worker=worker).count() == 1


def test_simultaneous_cancellations_promote_each_waitlisted_worker_once(course, county):
    session = SessionFactory(course=course, capacity=10)
    add_meeting_days(session, 1)
    workers = [
        WorkerFactory(federation=county, user=UserFactory(username=f"seat{i}")) for i in range(30)
    ]
    enrolments = [
        services.enrol_worker(
            by=w.user, session=session, worker=w, now=NOW + dt.timedelta(seconds=i)
        )
        for i, w in enumerate(workers)
    ]
    holders = enrolments[:10]

    def cancel(enrolment):
        return lambda: (
            services.cancel_enrolment(by=enrolment.worker.user, enrolment=enrolment, now=NOW).status
        )

    _run_together([cancel(e) for e in holders])

    confirmed = set(
        Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED).values_list(
            "worker_id", flat=True
        )
    )
    # The next ten on the waitlist, in waitlist order, and nobody else.
    assert confirmed == {w.pk for w in workers[10:20]}
