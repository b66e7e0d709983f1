"""The figures of a county's annual self-inspection (年度自查, §五.四), gathered from the records.

"各县市区（园区）总工会每年要对社会化工会工作者聘用、管理、经费使用等情况进行自查，并将自查结果
上报": hiring (workers by
employment mode and how they were hired), management (staffing against the norm, training
compliance, the grade distribution, pay above the floor, insurance) and funds (by source and
use). ``gather`` returns plain JSON values (codes and counts, money as strings) so that a
submitted report keeps the figures it was submitted with; labels are added when shown.
"""

import datetime as dt
from collections import Counter

from courses.compliance import Rule, Status
from courses.selectors import compliance_report
from evaluation.selectors import grade_years
from workforce.models import Federation, Worker
from workforce.selectors import staffing_report

from . import selectors
from .selectors import FloorStatus

# How each employment mode was hired (公开招聘 / 购买服务); part-time party-mass workers are
# appointed from existing staff.
HIRING = {
    Worker.EmploymentMode.DIRECT: "open",
    Worker.EmploymentMode.PUBLIC_WELFARE: "open",
    Worker.EmploymentMode.PURCHASED: "purchased",
    Worker.EmploymentMode.PART_TIME: "part_time",
}


def as_of(year: int, today: dt.date) -> dt.date:
    """The day the figures are taken on: the year's last day, or today within the year."""
    return min(dt.date(year, 12, 31), today)


def gather(federation: Federation, *, year: int, today: dt.date) -> dict:
    """Return the self-inspection figures of ``federation``'s subtree for ``year``."""
    on = as_of(year, today)
    paths = [federation.path]

    workers = Worker.objects.active().under(paths)
    modes = Counter(workers.values_list("employment_mode", flat=True).order_by())
    hiring = Counter()
    for mode, count in modes.items():
        hiring[HIRING[mode]] += count

    staffing = staffing_report(paths).total
    training = compliance_report(paths, today=on).total

    worker_ids = list(workers.values_list("pk", flat=True))
    grades = Counter(
        by_year[year] for by_year in grade_years(worker_ids).values() if year in by_year
    )

    floor = selectors.floor_check(paths, on=on)
    gaps = selectors.insurance_gaps(paths, year=year, today=today)
    ledger = selectors.ledger(federation.fund_sources.filter(year=year))
    welfare_workers, welfare_amount = selectors.city_subsidy_due(federation, year=year)
    subsidies = selectors.work_subsidies(federation, year=year)

    violations = {
        "below_floor": floor.count(FloorStatus.BELOW),
        "will_fall": floor.count(FloorStatus.WILL_FALL),
        "unplaced": floor.count(FloorStatus.UNPLACED),
        "no_floor": floor.count(FloorStatus.NO_FLOOR),
        "insurance": len(gaps),
        "unstaffed": staffing.unstaffed,
        "over_norm": staffing.over_norm,
        "training_overdue": sum(training.get(rule, Status.OVERDUE) for rule in Rule),
        "overspent": sum(1 for line in ledger.lines if line.left < 0),
    }
    return {
        "year": year,
        "as_of": on.isoformat(),
        "workers": {
            "total": sum(modes.values()),
            "modes": {mode: modes.get(mode, 0) for mode in Worker.EmploymentMode.values},
            "hiring": {way: hiring.get(way, 0) for way in ("open", "purchased", "part_time")},
        },
        "staffing": {
            "units": staffing.units,
            "required": staffing.required,
            "allowed": staffing.allowed,
            "posted": staffing.posted,
            "unstaffed": staffing.unstaffed,
            "over_norm": staffing.over_norm,
        },
        "training": {
            "workers": training.workers,
            "rules": {
                rule.value: {status.value: training.get(rule, status) for status in Status}
                for rule in Rule
            },
        },
        "evaluation": {
            "graded": sum(grades.values()),
            "grades": {str(grade): count for grade, count in sorted(grades.items())},
        },
        "pay": {
            "checked": floor.checked,
            **{status.value: floor.count(status) for status in FloorStatus},
        },
        "insurance": {
            "workers": len(gaps),
            "months": sum(len(gap.missing) for gap in gaps),
        },
        "funds": {
            "budget": str(ledger.budget),
            "spent": str(ledger.spent),
            "left": str(ledger.left),
            "sources": [
                {
                    "kind": line.source.kind,
                    "budget": str(line.source.budget),
                    "spent": str(line.spent),
                    "left": str(line.left),
                    "workers": line.workers,
                }
                for line in ledger.lines
            ],
            "uses": {use: str(amount) for use, amount in ledger.use_totals().items()},
            "city_subsidy": {"workers": welfare_workers, "amount": str(welfare_amount)},
            "work_subsidy": {
                "workers": len(subsidies),
                "amount": str(sum((line.yearly for line in subsidies), selectors.ZERO)),
            },
        },
        "violations": violations,
    }
