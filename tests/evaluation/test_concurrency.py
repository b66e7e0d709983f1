"""A one-use token submitted twice at once, on a real database server.

SQLite takes no row locks (it serialises writers), so this needs PostgreSQL (``.ci/run`` runs
the suite on both): ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_eval
.venv/bin/pytest tests/evaluation/test_concurrency.py``.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from evaluation import services
from evaluation.models import Answer, Assessment, Cycle
from evaluation.services import EvaluationError
from tests.conftest import _staff
from tests.evaluation.conftest import IN_WINDOW, kinds_of, make_cycle
from tests.factories import WorkerFactory

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
        except EvaluationError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [future.result() for future in futures]


def test_a_double_submit_at_once_stores_one_answer(county):
    staff = _staff("staff_a", county)
    WorkerFactory(federation=county, hire_date=dt.date(2025, 1, 1))
    cycle = make_cycle(staff, county)
    services.start_collecting(by=staff, cycle=cycle)
    kind = kinds_of(cycle)["用人单位"]
    [invitation] = services.issue_invitations(
        by=staff, kind=kind, assessment=Assessment.objects.get(), contacts=[("城郊街道办", "")]
    )
    values = {item.pk: 85 for item in kind.items.all()}

    results = _together(
        [
            lambda: services.submit_answer(
                token=invitation.token, values=values, comment="", now=IN_WINDOW
            )
            for _ in range(4)
        ]
    )

    assert sum(isinstance(result, Answer) for result in results) == 1
    assert sum(isinstance(result, EvaluationError) for result in results) == 3
    assert Answer.objects.count() == 1


def test_two_staff_confirm_at_once_confirm_once(county, city):
    staff = [_staff("staff_a", county), _staff("staff_b", city)]
    WorkerFactory(federation=county, hire_date=dt.date(2025, 1, 1))
    cycle = make_cycle(staff[0], county)
    services.start_collecting(by=staff[0], cycle=cycle)
    services.close_collecting(by=staff[0], cycle=cycle)
    services.set_grade(
        by=staff[0], assessment=Assessment.objects.get(), grade=20, reason="评价不足，按单位意见"
    )

    results = _together([lambda by=by: services.confirm_cycle(by=by, cycle=cycle) for by in staff])

    assert sum(isinstance(result, Cycle) for result in results) == 1
    assert "已确认" in str(next(r for r in results if isinstance(r, EvaluationError)))
