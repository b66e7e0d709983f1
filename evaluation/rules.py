"""The rules of social evaluation, as pure functions: plain values in, a result out.

Policy §四.五: "探索建立以用人单位、服务企业、服务对象为评估主体的社会化评估机制，将以满意度为
主要指标的评估结果作为年度考核等次的重要依据". DOMAIN.md ("Evaluation and assessment") and the
evaluation issue give the arithmetic; each function's docstring says which sentence it applies.
Weights, minimums and bands are data of the cycle, the 优秀 share a policy parameter
(``excellent_share_percent``). No database, no clock: ``now`` is an argument.
"""

import datetime as dt
import enum
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from lms.decisions import YES, Decision, no

from .choices import Grade

CENT = Decimal("0.01")
# DOMAIN.md: the share of 优秀 is capped "never above 20%, the rule for public institutions".
MAX_EXCELLENT_PERCENT = 20


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_weights(weights: Iterable[int]) -> Decision:
    """The evaluation issue: "Evaluator kinds are data with weights that must add up to 100"."""
    total = sum(weights)
    if total != 100:
        return no(_("各评估主体的权重之和须为 100，现为 %(total)d。") % {"total": total})
    return YES


def answer_score(values: Sequence[tuple[int, int | Decimal]]) -> Decimal:
    """One answer's score: the mean of its item scores (each 0-100) weighted by item weight.

    The evaluation issue: "a few satisfaction items (each 0-100, or five labelled levels mapped
    to scores), weights per item". ``values`` is ``(item weight, score)`` pairs.
    """
    total_weight = sum(weight for weight, _score in values)
    if not total_weight:
        raise ValueError("An answer needs at least one weighted item.")
    return _round(sum(Decimal(weight) * Decimal(score) for weight, score in values) / total_weight)


@dataclass(frozen=True)
class KindRule:
    """A kind of evaluator as the scoring rule sees it."""

    key: Hashable
    weight: int
    min_answers: int


@dataclass(frozen=True)
class KindScore:
    count: int
    mean: Decimal | None  # None: no answers
    enough: bool


@dataclass(frozen=True)
class Score:
    """A worker's weighted score; ``total`` is None while any kind is short of answers."""

    total: Decimal | None
    kinds: dict[Hashable, KindScore] = field(default_factory=dict)
    short: tuple[Hashable, ...] = ()  # the kinds below their minimum

    @property
    def complete(self) -> bool:
        return not self.short


def weighted_score(kinds: Sequence[KindRule], tallies: Mapping[Hashable, tuple[int, Decimal]]):
    """Σ weight(kind) × mean score of that kind's answers, each mean rounded to 0.01 first.

    The evaluation issue: "Worker score = Σ weight(kind) × mean score of that kind's answers; a
    kind below its minimum answers makes the score incomplete (shown, not silently dropped or
    re-weighted)". ``tallies`` maps a kind's key to (number of answers, mean score).
    """
    per_kind = {}
    short = []
    total = Decimal(0)
    for kind in kinds:
        count, mean = tallies.get(kind.key, (0, None))
        mean = None if mean is None or not count else _round(Decimal(mean))
        enough = count >= kind.min_answers
        per_kind[kind.key] = KindScore(count, mean, enough)
        if not enough:
            short.append(kind.key)
        elif kind.weight:
            total += Decimal(kind.weight) * mean
    return Score(None if short else _round(total / 100), per_kind, tuple(short))


@dataclass(frozen=True)
class Bands:
    """The lowest score of each grade (DOMAIN.md: 优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60)."""

    excellent: Decimal = Decimal(90)
    passing: Decimal = Decimal(70)
    basic: Decimal = Decimal(60)


def grade_for(score: Decimal, bands: Bands) -> Grade:
    """DOMAIN.md: "优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60, 不合格 below" (bands: data)."""
    if score >= bands.excellent:
        return Grade.EXCELLENT
    if score >= bands.passing:
        return Grade.PASS
    if score >= bands.basic:
        return Grade.BASIC
    return Grade.FAIL


def check_bands(bands: Bands) -> Decision:
    """The bands must rise: 0 ≤ 基本合格 < 合格 < 优秀 ≤ 100."""
    if not Decimal(0) <= bands.basic < bands.passing < bands.excellent <= Decimal(100):
        return no(_("分数线须满足 0 ≤ 基本合格 < 合格 < 优秀 ≤ 100。"))
    return YES


def excellent_cap(covered: int, percent: int) -> int:
    """At most floor(cap × covered workers) 优秀 in one cycle, the cap never above 20%.

    DOMAIN.md: "the share of 优秀 in one federation's year is capped (default 15%, never above
    20%, the rule for public institutions)"; the issue: "at most floor(cap × covered workers)".
    """
    return covered * min(percent, MAX_EXCELLENT_PERCENT) // 100


@dataclass(frozen=True)
class Proposal:
    grade: Grade | None  # None: the score is incomplete, staff decide
    tie: bool = False  # tied at the cap's boundary: staff choose who gets 优秀
    capped: bool = False  # scored 优秀 but beyond the cap


def propose_grades(scores: Mapping[Hashable, Decimal | None], bands: Bands, cap: int):
    """Propose each worker's grade from their score, with at most ``cap`` 优秀 by score.

    The evaluation issue: "at most floor(cap × covered workers) 优秀 in one cycle, by score; a
    tie at the boundary is not broken silently: staff choose". Workers scoring 优秀 beyond the
    cap are proposed 合格. When the last places would split workers with the same score, none of
    them is proposed 优秀 and all are marked ``tie``: staff give the places left.
    """
    proposals = {}
    excellent = []
    for key, score in scores.items():
        if score is None:
            proposals[key] = Proposal(None)
            continue
        grade = grade_for(score, bands)
        proposals[key] = Proposal(grade)
        if grade == Grade.EXCELLENT:
            excellent.append((score, key))
    if len(excellent) <= cap:
        return proposals
    excellent.sort(key=lambda pair: pair[0], reverse=True)
    boundary = excellent[cap][0]  # the best score that does not fit
    straddles = cap > 0 and excellent[cap - 1][0] == boundary
    for score, key in excellent:
        if score < boundary or (score == boundary and not straddles):
            proposals[key] = Proposal(Grade.PASS, capped=True)
        elif score == boundary:
            proposals[key] = Proposal(Grade.PASS, tie=True)
    return proposals


def check_confirmation(grades: Iterable[Grade | None], cap: int) -> Decision:
    """A cycle is confirmed only with every covered worker graded and no more 优秀 than the cap.

    The evaluation issue: "the confirmation refuses a list over the cap"; an incomplete score
    gets its grade from staff, never by default.
    """
    grades = list(grades)
    missing = sum(1 for grade in grades if grade is None)
    if missing:
        return no(_("还有 %(n)d 人未定等次。") % {"n": missing})
    excellent = sum(1 for grade in grades if grade == Grade.EXCELLENT)
    if excellent > cap:
        return no(_("优秀 %(n)d 人，超过上限 %(cap)d 人。") % {"n": excellent, "cap": cap})
    return YES


class TokenState(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    REVOKED = "revoked"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    CLOSED = "closed"  # the cycle is not collecting answers


def token_state(
    *,
    now: dt.datetime,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    uses_left: int,
    revoked: bool,
    collecting: bool,
) -> TokenState:
    """Whether an answer token may be used now (LimeSurvey's model: uses left, valid from/until).

    The evaluation issue: "An expired, used or unknown token gets a clear page"; answers are
    taken only while the cycle is collecting.
    """
    if not collecting:
        return TokenState.CLOSED
    if revoked:
        return TokenState.REVOKED
    if uses_left < 1:
        return TokenState.USED
    if now < valid_from:
        return TokenState.NOT_YET
    if now >= valid_until:
        return TokenState.EXPIRED
    return TokenState.OPEN
