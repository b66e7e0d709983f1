"""The completion rule: attended share ≥ the policy percentage; qualification needs the pass score.

Pure rule, no database.
"""

from decimal import Decimal as D

import pytest

from courses.completion import Shortfall, attended_percent, decide_completion, needs_score

# scheduled, credited, percent, type, pass_score, score → completed, shortfall
CASES = [
    # The policy's default: 80% of the held hours.
    ("40", "32", 80, "rotation", None, None, True, Shortfall.NONE),
    ("40", "31.5", 80, "rotation", None, None, False, Shortfall.ATTENDANCE),
    ("40", "40", 80, "thematic", None, None, True, Shortfall.NONE),
    ("40", "0", 80, "onboarding", None, None, False, Shortfall.ATTENDANCE),
    # Exactly at the line counts; the comparison is exact, not the rounded percent.
    ("15", "12", 80, "thematic", None, None, True, Shortfall.NONE),
    ("3", "2.4", 80, "thematic", None, None, True, Shortfall.NONE),
    ("30", "23.9", 80, "thematic", None, None, False, Shortfall.ATTENDANCE),
    # A federation that sets another percentage.
    ("40", "36", 90, "thematic", None, None, True, Shortfall.NONE),
    ("40", "35", 90, "thematic", None, None, False, Shortfall.ATTENDANCE),
    ("40", "20", 50, "thematic", None, None, True, Shortfall.NONE),
    # Nothing held: nothing to complete.
    ("0", "0", 80, "thematic", None, None, False, Shortfall.NO_MEETINGS),
    # Qualification training also needs the pass score.
    ("24", "24", 80, "qualification", "60", "75", True, Shortfall.NONE),
    ("24", "24", 80, "qualification", "60", "60", True, Shortfall.NONE),
    ("24", "24", 80, "qualification", "60", "59.5", False, Shortfall.SCORE_LOW),
    ("24", "24", 80, "qualification", "60", None, False, Shortfall.SCORE_MISSING),
    ("24", "24", 80, "qualification", None, "90", False, Shortfall.NO_PASS_SCORE),
    # Attendance is checked first: a high score does not make up for absence.
    ("24", "8", 80, "qualification", "60", "100", False, Shortfall.ATTENDANCE),
    # Another course that sets a pass score needs it too; without one, no score is needed.
    ("10", "10", 80, "thematic", "70", "65", False, Shortfall.SCORE_LOW),
    ("10", "10", 80, "thematic", None, "10", True, Shortfall.NONE),
]


@pytest.mark.parametrize(
    "scheduled, credited, percent, training_type, pass_score, score, completed, shortfall", CASES
)
def test_completion_rule(
    scheduled, credited, percent, training_type, pass_score, score, completed, shortfall
):
    decision = decide_completion(
        scheduled_hours=D(scheduled),
        credited_hours=D(credited),
        attendance_percent=percent,
        training_type=training_type,
        pass_score=D(pass_score) if pass_score is not None else None,
        score=D(score) if score is not None else None,
    )
    assert decision.completed is completed
    assert decision.shortfall == shortfall
    assert decision.message


@pytest.mark.parametrize(
    "scheduled, credited, percent",
    [("40", "32", "80.0"), ("3", "2", "66.7"), ("0", "0", "0"), ("8", "10", "125.0")],
)
def test_attended_percent(scheduled, credited, percent):
    assert attended_percent(scheduled_hours=D(scheduled), credited_hours=D(credited)) == D(percent)


@pytest.mark.parametrize(
    "training_type, pass_score, needed",
    [
        ("qualification", None, True),
        ("qualification", D("60"), True),
        ("thematic", None, False),
        ("rotation", D("60"), True),
    ],
)
def test_needs_score(training_type, pass_score, needed):
    assert needs_score(training_type, pass_score) is needed
