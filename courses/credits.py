"""Credited training hours from outside the courses app: a registry of extra-hours sources.

The annual rule (``compliance.annual_status``) counts a worker's credited hours of a calendar
year. Most come from attendance at sessions, which ``selectors._gather_facts`` reads itself;
other apps may credit hours of their own (the mentorship issue: "confirmed meeting hours of a
高师带徒 pairing count as credited training hours toward the annual requirement up to a cap").
The courses app must not import those apps (they build on it), so they register a source
here, in their ``AppConfig.ready()``::

    from courses import credits

    credits.register(my_hours)

A source is called once per gathering, for every worker at once, and must read a fixed
number of grouped queries whatever the number of workers (the compliance dashboard stays
quick). It is given:

- ``workers``: a queryset of worker ids (``values("pk")``), to use as a subquery;
- ``first`` and ``last``: the days it covers (1 January last year to 31 December this year);
- ``evidence``: whether to list the evidence items (a single worker's "my training").

and returns an ``ExtraHours``: the hours already credited (capped, if the source has a cap)
per worker and calendar year, and, with ``evidence``, what to show for them per worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from .compliance import Evidence


@dataclass(frozen=True)
class ExtraHours:
    """Hours a source credits: (worker id, year) → hours; worker id → evidence items."""

    hours: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)


Source = Callable[..., ExtraHours]

_sources: list[Source] = []


def register(source: Source) -> Source:
    """Add ``source`` to the sources of credited hours (once); return it (a decorator too)."""
    if source not in _sources:
        _sources.append(source)
    return source


def sources() -> tuple[Source, ...]:
    return tuple(_sources)


def gather(
    workers: QuerySet, *, first: dt.date, last: dt.date, evidence: bool = False
) -> list[ExtraHours]:
    """Return what every registered source credits to ``workers`` between ``first`` and ``last``."""
    return [source(workers, first=first, last=last, evidence=evidence) for source in _sources]
