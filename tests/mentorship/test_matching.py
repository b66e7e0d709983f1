"""Match suggestions (mentorship/matching.py): table tests of the pure score, no database."""

import pytest

from mentorship.matching import Apprentice, Candidate, Suggestion, Weights, score, suggest

COUNTY, OTHER = 2, 3
APPRENTICE = Apprentice(
    worker_id=100,
    county_id=COUNTY,
    gap_areas=frozenset({"training", "social_work"}),
    goal_areas=frozenset({"labour_law"}),
)


def mentor(mentor_id=1, **kwargs) -> Candidate:
    values = {
        "county_id": COUNTY,
        "expertise": (),
        "load": 0,
        "load_limit": 3,
        "years": 0,
        "active": True,
        "worker_id": None,
    }
    return Candidate(mentor_id=mentor_id, **{**values, **kwargs})


@pytest.mark.parametrize(
    ("candidate", "points", "reasons"),
    [
        # same county 30 + all places free 20
        (mentor(), 50, ("同一县区", "当前 0/3 名徒弟")),
        (mentor(county_id=OTHER), 20, ("当前 0/3 名徒弟",)),
        # free share 2/3 of 20 = 13
        (mentor(load=1), 43, ("同一县区", "当前 1/3 名徒弟")),
        # each matching tag 20: a gap, then a goal; casework matches nothing
        (
            mentor(expertise=("training", "labour_law", "casework"), load=2, load_limit=4),
            30 + 20 + 20 + 10,
            ("同一县区", "专长：业务培训 匹配缺口", "专长：劳动法 匹配目标", "当前 2/4 名徒弟"),
        ),
        # 2 points a year, counted up to 10 years
        (mentor(years=5), 60, ("同一县区", "当前 0/3 名徒弟", "从事工会工作 5 年")),
        (mentor(years=25), 70, ("同一县区", "当前 0/3 名徒弟", "从事工会工作 25 年")),
    ],
)
def test_score_and_reasons(candidate, points, reasons):
    assert score(APPRENTICE, candidate) == Suggestion(candidate.mentor_id, points, reasons)


def test_weights_are_data():
    weights = Weights(same_county=0, per_expertise=5, free_capacity=0, per_year=1, max_years=3)
    candidate = mentor(expertise=("social_work",), years=8)
    assert score(APPRENTICE, candidate, weights).score == 5 + 3


@pytest.mark.parametrize(
    ("candidate", "suggested"),
    [
        (mentor(), True),
        (mentor(load=2), True),
        (mentor(load=3), False),  # at the load limit
        (mentor(load=4), False),  # over it (a lowered limit)
        (mentor(active=False), False),  # paused
        (mentor(worker_id=100), False),  # the apprentice themself
        (mentor(worker_id=7), True),
        (mentor(load_limit=0), False),
    ],
)
def test_who_is_suggested(candidate, suggested):
    assert bool(suggest(APPRENTICE, [candidate])) is suggested


def test_ranked_best_first_ties_to_lighter_load_then_lower_id():
    candidates = [
        mentor(1, county_id=OTHER),  # 20
        mentor(2, expertise=("training",), years=3),  # 30 + 20 + 20 + 6 = 76
        mentor(3, load=3),  # full: left out
        mentor(4),  # 50
        mentor(5, load=1, load_limit=6, years=1),  # 30 + 17 + 2 = 49
        mentor(6, load=0, load_limit=3, years=0),  # 50, same as 4: the lower id first
        mentor(7, load=1, load_limit=2, years=5, expertise=()),  # 30 + 10 + 10 = 50, heavier
    ]
    ranked = suggest(APPRENTICE, candidates)
    assert [(s.mentor_id, s.score) for s in ranked] == [
        (2, 76),
        (4, 50),
        (6, 50),
        (7, 50),
        (5, 49),
        (1, 20),
    ]


def test_no_candidates_no_suggestions():
    assert suggest(APPRENTICE, []) == []
