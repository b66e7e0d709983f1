import pytest

from workforce.staffing import (
    StaffingStatus,
    StaffingTotals,
    add_unit,
    allowed_workers,
    required_workers,
    staffing_status,
)


@pytest.mark.parametrize(
    ("headcount", "allowed"),
    [
        # DOMAIN.md's examples
        (2000, 1),
        (4999, 1),
        (5000, 2),
        (8000, 3),
        # edges
        (0, 0),
        (1, 1),
        (2001, 1),
        (7999, 2),
        (11000, 4),
    ],
)
def test_allowed_workers_follows_the_norm(headcount, allowed):
    assert allowed_workers(headcount) == allowed


@pytest.mark.parametrize(
    ("headcount", "base", "step", "allowed"),
    [(3000, 3000, 1000, 1), (4000, 3000, 1000, 2), (5000, 2000, 2000, 2)],
)
def test_allowed_workers_uses_the_policy_parameters(headcount, base, step, allowed):
    assert allowed_workers(headcount, base=base, step=step) == allowed


@pytest.mark.parametrize(("headcount", "required"), [(0, 0), (1, 1), (1999, 1), (20000, 1)])
def test_every_unit_with_employees_requires_one_worker(headcount, required):
    assert required_workers(headcount) == required


@pytest.mark.parametrize(
    ("headcount", "posted", "status"),
    [
        (1500, 0, StaffingStatus.UNSTAFFED),
        (1500, 1, StaffingStatus.WITHIN_NORM),
        (1500, 2, StaffingStatus.OVER_NORM),
        (5000, 2, StaffingStatus.WITHIN_NORM),
        (5000, 3, StaffingStatus.OVER_NORM),
    ],
)
def test_staffing_status(headcount, posted, status):
    assert staffing_status(headcount, posted) is status


def test_add_unit_rolls_up():
    totals = StaffingTotals()
    for headcount, posted in [(1500, 0), (5000, 3), (8000, 2)]:
        totals = add_unit(totals, headcount, posted, base=2000, step=3000)
    assert totals == StaffingTotals(
        units=3, employees=14500, required=3, allowed=6, posted=5, unstaffed=1, over_norm=1
    )
    assert totals.gap == 0
