"""The staffing norm of §三, as pure functions.

"职工2000人以下的,须配备1名社会化工会工作者;职工2000人以上的,每3000人可增配1名社会化工会工作者。"
(§三)
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple


class StaffingStatus(enum.StrEnum):
    UNSTAFFED = "unstaffed"
    WITHIN_NORM = "within"
    OVER_NORM = "over"


def required_workers(headcount: int) -> int:
    """Return how many workers a unit must have: "须配备1名" (§三) for any unit with employees."""
    return 1 if headcount > 0 else 0


def allowed_workers(headcount: int, *, base: int = 2000, step: int = 3000) -> int:
    """Return how many workers a unit may have.

    "职工2000人以下的,须配备1名社会化工会工作者;职工2000人以上的,每3000人可增配1名社会化工会工作者"
    (§三): 1 up to ``base`` employees, then one more for every full ``step`` employees above
    ``base`` (DOMAIN.md: rounding down).
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


class FederationNorm(NamedTuple):
    """A federation as the roll-up sees it: its report row, its name and its staffing norm."""

    group: str  # key of the report row its units count in (its county-level federation)
    name: str
    base: int  # staffing_base and staffing_step of the policy in force there
    step: int


# One unit: (id, name, kind, headcount, federation id, open postings), as the selector reads it.
UnitRow = tuple[int, str, str, int, int, int]


@dataclass(frozen=True)
class UnitLine:
    """A unit listed on the report (unstaffed or over norm)."""

    name: str
    kind: str
    federation: str
    headcount: int
    posted: int
    allowed: int
    unit_id: int
    group: str  # key of the report row it counts in


@dataclass(frozen=True)
class ReportGroup:
    """A report row to fill: a county-level federation (key = its tree path) and its name."""

    key: str
    name: str


@dataclass(frozen=True)
class StaffingRow:
    key: str
    name: str
    totals: StaffingTotals


@dataclass(frozen=True)
class StaffingReport:
    """The staffing roll-up of §三 and §五.一: one row per county-level federation, the total,
    and the units that are unstaffed or over norm."""

    rows: tuple[StaffingRow, ...] = ()
    total: StaffingTotals = StaffingTotals()
    unstaffed: tuple[UnitLine, ...] = ()
    over_norm: tuple[UnitLine, ...] = ()


def roll_up(
    groups: Iterable[ReportGroup],
    federations: Mapping[int, FederationNorm],
    units: Iterable[UnitRow],
    kind_labels: Mapping[str, str] | None = None,
) -> StaffingReport:
    """Return the staffing report of ``units``, one row per group in the given order.

    "首先要按要求配备社会化工作者" (§五.一): per county-level federation and in
    total, how many workers the units require (须配备) and may have (可增配), how many are
    posted, and which units have none although they must (unstaffed) or more than the norm of
    their federation allows (over norm), listed by row, federation and name with their kind
    shown through ``kind_labels``. Counts agree with folding ``add_unit`` over the units.
    """
    groups = list(groups)
    kind_labels = kind_labels or {}
    # Plain integer lists while counting (thousands of units); dataclasses once at the end.
    sums = {group.key: [0, 0, 0, 0, 0, 0, 0] for group in groups}
    # federation id -> (its row's sums, its norm's base and step, its norm), one look-up per unit
    lookup = {
        key: (sums[norm.group], norm.base, norm.step, norm)
        for key, norm in federations.items()
        if norm.group in sums
    }
    unstaffed: list[UnitLine] = []
    over_norm: list[UnitLine] = []
    for unit_id, name, kind, headcount, federation_id, posted in units:
        row, base, step, federation = lookup[federation_id]
        required = required_workers(headcount)
        allowed = allowed_workers(headcount, base=base, step=step)
        row[0] += 1
        row[1] += headcount
        row[2] += required
        row[3] += allowed
        row[4] += posted
        if posted <= 0 and required > 0:
            row[5] += 1
            listed_in = unstaffed
        elif posted > allowed:
            row[6] += 1
            listed_in = over_norm
        else:
            continue
        label = kind_labels.get(kind, kind)
        listed_in.append(
            UnitLine(
                name, label, federation.name, headcount, posted, allowed, unit_id, federation.group
            )
        )
    order = {group.key: index for index, group in enumerate(groups)}

    def listed(lines: list[UnitLine]) -> tuple[UnitLine, ...]:
        return tuple(sorted(lines, key=lambda u: (order[u.group], u.federation, u.name)))

    return StaffingReport(
        rows=tuple(
            StaffingRow(group.key, group.name, StaffingTotals(*sums[group.key])) for group in groups
        ),
        total=StaffingTotals(*(sum(column) for column in zip(*sums.values(), strict=True))),
        unstaffed=listed(unstaffed),
        over_norm=listed(over_norm),
    )
