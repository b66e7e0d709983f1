"""Table tests of evaluation/rules.py with DOMAIN.md's numbers; no database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from evaluation.choices import Grade
from evaluation.rules import (
    Bands,
    KindRule,
    Proposal,
    TokenState,
    answer_score,
    check_bands,
    check_confirmation,
    check_weights,
    excellent_cap,
    grade_for,
    propose_grades,
    token_state,
    weighted_score,
)

DEFAULT = [KindRule("unit", 40, 1), KindRule("enterprise", 30, 3), KindRule("served", 30, 10)]
# DOMAIN.md: Zhangjiakou weighs the county federation 50, the posting unit 30, two contests 10.
ZHANGJIAKOU = [
    KindRule("county", 50, 1),
    KindRule("unit", 30, 1),
    KindRule("contest_a", 10, 1),
    KindRule("contest_b", 10, 1),
]


@pytest.mark.parametrize(
    "weights, ok",
    [([40, 30, 30], True), ([50, 30, 10, 10], True), ([30, 10, 60], True), ([40, 30, 20], False),
     ([40, 30, 40], False), ([100], True), ([], False)],
)  # fmt: skip
def test_weights_must_add_up_to_100(weights, ok):
    assert bool(check_weights(weights)) is ok


@pytest.mark.parametrize(
    "values, expected",
    [([(1, 100)], D("100.00")), ([(1, 100), (1, 70)], D("85.00")), ([(2, 90), (1, 60)], D("80.00")),
     ([(1, 85), (1, 85), (1, 70)], D("80.00")), ([(1, 100), (2, 85)], D("90.00")),
     ([(3, 71), (1, 70)], D("70.75"))],
)  # fmt: skip
def test_answer_score_is_the_item_weighted_mean(values, expected):
    assert answer_score(values) == expected


@pytest.mark.parametrize(
    "kinds, tallies, total, short",
    [
        # DOMAIN.md's default weights 40/30/30: 0.4×95 + 0.3×90 + 0.3×85 = 90.50
        (DEFAULT, {"unit": (1, 95), "enterprise": (3, 90), "served": (10, 85)}, D("90.50"), ()),
        (DEFAULT, {"unit": (2, 70), "enterprise": (5, 60), "served": (12, 80)}, D("70.00"), ()),
        # 服务对象 below its minimum of 10: incomplete, never re-weighted
        (DEFAULT, {"unit": (1, 95), "enterprise": (3, 90), "served": (9, 85)}, None, ("served",)),
        (DEFAULT, {"unit": (1, 95)}, None, ("enterprise", "served")),
        # Zhangjiakou 50/30/10/10: 0.5×92 + 0.3×88 + 0.1×80 + 0.1×70 = 87.40
        (ZHANGJIAKOU,
         {"county": (1, 92), "unit": (1, 88), "contest_a": (1, 80), "contest_b": (1, 70)},
         D("87.40"), ()),
        # each kind's mean is rounded to 0.01 first: 0.4×(200/3 → 66.67) + 0.3×70 + 0.3×70
        (DEFAULT, {"unit": (3, D(200) / 3), "enterprise": (3, 70), "served": (10, 70)},
         D("68.67"), ()),
    ],
)  # fmt: skip
def test_weighted_score(kinds, tallies, total, short):
    score = weighted_score(kinds, tallies)
    assert score.total == total
    assert score.short == short
    assert score.complete is (not short)


def test_weighted_score_keeps_the_means_of_a_short_kind():
    score = weighted_score(DEFAULT, {"unit": (1, 95), "served": (4, 80)})
    assert score.kinds["served"].mean == D("80.00")
    assert score.kinds["served"].count == 4 and not score.kinds["served"].enough
    assert score.kinds["enterprise"].mean is None


@pytest.mark.parametrize(
    "score, grade",
    [(D(100), Grade.EXCELLENT), (D(90), Grade.EXCELLENT), (D("89.99"), Grade.PASS),
     (D(70), Grade.PASS), (D("69.99"), Grade.BASIC), (D(60), Grade.BASIC),
     (D("59.99"), Grade.FAIL), (D(0), Grade.FAIL)],
)  # fmt: skip
def test_grade_bands_from_the_policy(score, grade):
    assert grade_for(score, Bands()) == grade


def test_bands_are_data():
    assert grade_for(D(85), Bands(D(85), D(75), D(65))) == Grade.EXCELLENT
    assert not check_bands(Bands(D(70), D(70), D(60)))
    assert not check_bands(Bands(D(101), D(70), D(60)))
    assert check_bands(Bands(D(85), D(75), D(65)))


@pytest.mark.parametrize(
    "covered, percent, cap",
    [(20, 15, 3), (19, 15, 2), (6, 15, 0), (7, 15, 1), (100, 15, 15), (100, 20, 20),
     (100, 25, 20), (10, 0, 0), (0, 15, 0)],
)  # fmt: skip
def test_excellent_cap_is_a_floor_and_never_above_20_percent(covered, percent, cap):
    assert excellent_cap(covered, percent) == cap


def _grades(proposals):
    return {key: (p.grade, p.tie, p.capped) for key, p in proposals.items()}


E, P, B, F = Grade.EXCELLENT, Grade.PASS, Grade.BASIC, Grade.FAIL


@pytest.mark.parametrize(
    "scores, cap, expected",
    [
        # within the cap: every 优秀 stays
        ({"a": D(95), "b": D(91), "c": D(80)}, 2,
         {"a": (E, False, False), "b": (E, False, False), "c": (P, False, False)}),
        # over the cap: the best by score keep 优秀, the rest are proposed 合格
        ({"a": D(95), "b": D(93), "c": D(91), "d": D(65)}, 2,
         {"a": (E, False, False), "b": (E, False, False), "c": (P, False, True),
          "d": (B, False, False)}),
        # a tie across the boundary: nobody in it is given 优秀 silently; staff choose
        ({"a": D(96), "b": D(92), "c": D(92), "d": D(90)}, 2,
         {"a": (E, False, False), "b": (P, True, False), "c": (P, True, False),
          "d": (P, False, True)}),
        # a tie just below the boundary is no tie: both are beyond the cap
        ({"a": D(96), "b": D(93), "c": D(92), "d": D(92)}, 2,
         {"a": (E, False, False), "b": (E, False, False), "c": (P, False, True),
          "d": (P, False, True)}),
        # a cap of 0: no 优秀 at all
        ({"a": D(95)}, 0, {"a": (P, False, True)}),
        # an incomplete score gets no proposal
        ({"a": None, "b": D(50)}, 1, {"a": (None, False, False), "b": (F, False, False)}),
    ],
)  # fmt: skip
def test_propose_grades_with_the_cap(scores, cap, expected):
    assert _grades(propose_grades(scores, Bands(), cap)) == expected


def test_proposal_defaults():
    assert Proposal(Grade.PASS) == Proposal(Grade.PASS, tie=False, capped=False)


@pytest.mark.parametrize(
    "grades, cap, ok",
    [([E, E, P], 2, True), ([E, E, E], 2, False), ([E, None], 2, False), ([], 0, True),
     ([P, B, F], 0, True)],
)  # fmt: skip
def test_confirmation_refuses_a_list_over_the_cap_or_ungraded(grades, cap, ok):
    assert bool(check_confirmation(grades, cap)) is ok


T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "now, uses, revoked, collecting, state",
    [
        (dt.datetime(2026, 3, 15, tzinfo=dt.UTC), 1, False, True, TokenState.OPEN),
        (dt.datetime(2026, 3, 15, tzinfo=dt.UTC), 0, False, True, TokenState.USED),
        (dt.datetime(2026, 3, 15, tzinfo=dt.UTC), 1, True, True, TokenState.REVOKED),
        (dt.datetime(2026, 2, 28, tzinfo=dt.UTC), 1, False, True, TokenState.NOT_YET),
        (T1, 1, False, True, TokenState.EXPIRED),
        (dt.datetime(2026, 3, 15, tzinfo=dt.UTC), 1, False, False, TokenState.CLOSED),
        (T0, 3, False, True, TokenState.OPEN),
    ],
)  # fmt: skip
def test_token_state(now, uses, revoked, collecting, state):
    assert (
        token_state(now=now, valid_from=T0, valid_until=T1, uses_left=uses, revoked=revoked,
                    collecting=collecting)
        == state
    )  # fmt: skip
