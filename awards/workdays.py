"""China's working days (statutory holidays and adjusted working days, 调休) for notice windows.

From the maintained ``chinesecalendar`` package, which carries each year's State Council
arrangement once it is published (usually in November for the next year). For a year it does
not know yet, a day counts as a working day when it is Monday to Friday, and
``unknown_years`` names such years so the screen can say the dates must be checked; upgrading
the package fixes them.
"""

import datetime as dt
from collections.abc import Iterable

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def unknown_years(days: Iterable[dt.date]) -> list[int]:
    """Return the years among ``days`` whose holiday arrangement the package does not know."""
    years = sorted({day.year for day in days})
    unknown = []
    for year in years:
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            unknown.append(year)
    return unknown
