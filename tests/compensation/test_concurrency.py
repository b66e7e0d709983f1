"""The last of a budget and one step proposal under contention, on a real database server.

SQLite takes no row locks (it serialises writers), so this needs PostgreSQL (``.ci/run`` runs
the suite on both): ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_pay
.venv/bin/pytest tests/compensation/test_concurrency.py``.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from compensation import services
from compensation.choices import ProposalState, Use
from compensation.models import Placement, Spending
from compensation.services import CompensationError
from tests.conftest import _staff

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
        except CompensationError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [future.result() for future in futures]


def test_two_charges_for_the_last_of_a_budget_give_one_spending(county, source):
    staff = [_staff("county_a", county), _staff("county_b", county)]
    results = _together(
        [
            lambda by=by: services.charge(
                by=by, source=source, use=Use.TRAINING, amount=Decimal("6000.00"),
                spent_on=dt.date(2026, 5, 10), note="培训费",
            )
            for by in staff
        ]
    )  # fmt: skip

    assert sum(isinstance(result, Spending) for result in results) == 1
    [refusal] = [result for result in results if isinstance(result, CompensationError)]
    assert "超出该经费来源的剩余预算" in str(refusal)
    assert list(Spending.objects.values_list("amount", flat=True)) == [Decimal("6000.00")]


def test_two_confirms_of_one_proposal_give_one_placement(county, placed_worker):
    staff = [_staff("county_a", county), _staff("county_b", county)]
    # Hired 2024-03-01 with a bachelor's degree: 3 + 3 years on 2027-03-01, level 2 → 3.
    run = services.propose_steps(
        by=staff[0], federation=county, year=2027, effective_from=dt.date(2027, 3, 1)
    )
    (proposal,) = run.proposals.all()
    assert (proposal.from_level, proposal.to_level) == (2, 3)

    results = _together(
        [lambda by=by: services.decide_proposals(by=by, run=run, confirm=[proposal.pk])
         for by in staff]
    )  # fmt: skip

    assert sum(isinstance(result, list) and len(result) == 1 for result in results) == 1
    [refusal] = [result for result in results if isinstance(result, CompensationError)]
    assert "已处理" in str(refusal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED
    assert Placement.objects.filter(worker=placed_worker).count() == 2
