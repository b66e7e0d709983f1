"""Match suggestions: rank the mentors with free capacity for an apprentice, with reasons.

The mentorship issue: "For an apprentice, staff see a ranked list of mentors with free
capacity, with a score and its reasons shown (…): same county-level federation, expertise
overlap with the apprentice's gaps and goals, current load, mentor's experience. The scoring is
a pure function with weights as data and table tests." Staff decide; the list only suggests.

Pure: plain values in frozen dataclasses, no database, no clock (years of experience are
counted by the selector that gathers the candidates).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import Expertise


@dataclass(frozen=True)
class Apprentice:
    """What the score needs about the apprentice."""

    worker_id: int
    county_id: int  # the county-level federation (a city's own workers: the city)
    gap_areas: frozenset[str] = frozenset()  # expertise that closes the apprentice's gaps
    goal_areas: frozenset[str] = frozenset()  # areas of the apprentice's open goals


@dataclass(frozen=True)
class Candidate:
    """What the score needs about a mentor."""

    mentor_id: int
    county_id: int
    expertise: tuple[str, ...]
    load: int  # active pairings now
    load_limit: int
    years: int  # whole years since ``experience_since`` (0 when unknown)
    active: bool = True  # False: paused, takes no new apprentice
    worker_id: int | None = None  # the mentor's own worker record, if any


@dataclass(frozen=True)
class Weights:
    """Points for each reason; change them here (or pass others) to change the ranking."""

    same_county: int = 30
    per_expertise: int = 20  # for each of the mentor's tags matching a gap or goal area
    free_capacity: int = 20  # times the share of the load limit still free
    per_year: int = 2
    max_years: int = 10  # experience counts up to this many years


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Suggestion:
    mentor_id: int
    score: int
    reasons: tuple[str, ...]


def _label(tag: str) -> str:
    return str(dict(Expertise.choices).get(tag, tag))


def score(
    apprentice: Apprentice, mentor: Candidate, weights: Weights = DEFAULT_WEIGHTS
) -> Suggestion:
    """Return the mentor's score for the apprentice, with its reasons in words."""
    points, reasons = 0, []
    if mentor.county_id == apprentice.county_id:
        points += weights.same_county
        reasons.append(_("同一县区"))
    for tag in mentor.expertise:
        if tag in apprentice.gap_areas:
            points += weights.per_expertise
            reasons.append(_("专长：%(area)s 匹配缺口") % {"area": _label(tag)})
        elif tag in apprentice.goal_areas:
            points += weights.per_expertise
            reasons.append(_("专长：%(area)s 匹配目标") % {"area": _label(tag)})
    free = max(mentor.load_limit - mentor.load, 0)
    if mentor.load_limit > 0:
        points += round(weights.free_capacity * free / mentor.load_limit)
    reasons.append(
        _("当前 %(load)d/%(limit)d 名徒弟") % {"load": mentor.load, "limit": mentor.load_limit}
    )
    years = min(max(mentor.years, 0), weights.max_years)
    if mentor.years > 0:
        points += weights.per_year * years
        reasons.append(_("从事工会工作 %(years)d 年") % {"years": mentor.years})
    return Suggestion(mentor.mentor_id, points, tuple(reasons))


def may_take(apprentice: Apprentice, mentor: Candidate) -> bool:
    """Return whether the mentor is suggested at all: active, with a free place, not oneself."""
    return (
        mentor.active
        and mentor.load < mentor.load_limit
        and (mentor.worker_id is None or mentor.worker_id != apprentice.worker_id)
    )


def suggest(
    apprentice: Apprentice, candidates: Iterable[Candidate], weights: Weights = DEFAULT_WEIGHTS
) -> list[Suggestion]:
    """Return the mentors who may take the apprentice, best score first.

    Mentors at their load limit or paused are left out. Ties go to the lighter load, then to
    the earlier registered mentor (lower id), so the order is stable.
    """
    ranked = [
        (score(apprentice, mentor, weights), mentor)
        for mentor in candidates
        if may_take(apprentice, mentor)
    ]
    ranked.sort(key=lambda pair: (-pair[0].score, pair[1].load, pair[1].mentor_id))
    return [suggestion for suggestion, _mentor in ranked]
