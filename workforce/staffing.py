"""The staffing norm of §三, as pure functions.

"职工2000人以下的,须配备1名社会化工会工作者;职工2000人以上的,每3000人可增配1名."
"""

import enum
from dataclasses import dataclass


class StaffingStatus(enum.StrEnum):
    UNSTAFFED = "unstaffed"
    WITHIN_NORM = "within"
    OVER_NORM = "over"


def required_workers(headcount: int) -> int:
    """Return how many workers a unit must have: "须配备1名" for any unit with employees."""
    return 1 if headcount > 0 else 0


def allowed_workers(headcount: int, *, base: int = 2000, step: int = 3000) -> int:
    """Return how many workers a unit may have.

    "职工2000人以下的,须配备1名;职工2000人以上的,每3000人可增配1名": 1 up to ``base``
    employees, then one more for every full ``step`` employees above ``base``.
    """
    if headcount <= 0:
        return 0
    if headcount <= base:
        return 1
    return 1 + (headcount - base) // step


def staffing_status(
    headcount: int, posted: int, *, base: int = 2000, step: int = 3000
) -> StaffingStatus:
    """Return whether a unit is unstaffed (0 workers), within norm (1..allowed) or over norm."""
    if posted <= 0:
        return StaffingStatus.UNSTAFFED
    if posted > allowed_workers(headcount, base=base, step=step):
        return StaffingStatus.OVER_NORM
    return StaffingStatus.WITHIN_NORM


@dataclass(frozen=True)
class StaffingTotals:
    """A roll-up of units for one federation (or the whole city)."""

    units: int = 0
    employees: int = 0
    required: int = 0
    allowed: int = 0
    posted: int = 0
    unstaffed: int = 0
    over_norm: int = 0

    @property
    def gap(self) -> int:
        """Workers still missing to meet the 须 requirement (not counting over-staffing)."""
        return max(self.required - self.posted, 0)


def add_unit(
    totals: StaffingTotals, headcount: int, posted: int, *, base: int, step: int
) -> StaffingTotals:
    """Return ``totals`` with one more unit counted in."""
    status = staffing_status(headcount, posted, base=base, step=step)
    required = required_workers(headcount)
    return StaffingTotals(
        units=totals.units + 1,
        employees=totals.employees + headcount,
        required=totals.required + required,
        allowed=totals.allowed + allowed_workers(headcount, base=base, step=step),
        posted=totals.posted + posted,
        unstaffed=totals.unstaffed + (status is StaffingStatus.UNSTAFFED and required > 0),
        over_norm=totals.over_norm + (status is StaffingStatus.OVER_NORM),
    )
