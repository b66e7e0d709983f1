"""The completion rule (结业): does an enrolment count as training completed?

Pure: plain values in, a decision out; no database, no clock. ``services.decide_completion``
gathers the facts and records the decision on each enrolment.
"""

import enum
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

QUALIFICATION = "qualification"  # courses.models.TrainingType.QUALIFICATION, without the import


class Shortfall(enum.StrEnum):
    """Why an enrolment is not completed; ``NONE`` when it is."""

    NONE = "none"
    NO_MEETINGS = "no_meetings"
    ATTENDANCE = "attendance"
    NO_PASS_SCORE = "no_pass_score"
    SCORE_MISSING = "score_missing"
    SCORE_LOW = "score_low"


SHORTFALL_MESSAGES = {
    Shortfall.NONE: _("已结业"),
    Shortfall.NO_MEETINGS: _("班次没有课次，无法认定结业"),
    Shortfall.ATTENDANCE: _("出勤学时不足"),
    Shortfall.NO_PASS_SCORE: _("资格培训课程未设合格分数"),
    Shortfall.SCORE_MISSING: _("缺少考试成绩"),
    Shortfall.SCORE_LOW: _("考试成绩未达合格分数"),
}


@dataclass(frozen=True)
class CompletionDecision:
    completed: bool
    attended_percent: Decimal
    shortfall: Shortfall

    @property
    def message(self) -> str:
        return str(SHORTFALL_MESSAGES[self.shortfall])


def needs_score(training_type: str, pass_score: Decimal | None) -> bool:
    """Return whether completion also needs a pass score.

    From the training issue, not the policy text: qualification training (资格培训, named in §四.三)
    always needs one; another course needs one only when it sets a pass score itself.
    """
    return training_type == QUALIFICATION or pass_score is not None


def attended_percent(*, scheduled_hours: Decimal, credited_hours: Decimal) -> Decimal:
    """Return the attended share of the scheduled hours in percent (0 if none scheduled)."""
    if scheduled_hours <= 0:
        return Decimal(0)
    return (Decimal(credited_hours) * 100 / Decimal(scheduled_hours)).quantize(Decimal("0.1"))


def decide_completion(
    *,
    scheduled_hours: Decimal,
    credited_hours: Decimal,
    attendance_percent: int,
    training_type: str,
    pass_score: Decimal | None,
    score: Decimal | None,
) -> CompletionDecision:
    """Decide whether one enrolment is completed.

    Policy (DOMAIN.md "Training", issue "Attendance and completion"): "Completion: attended
    share ≥ a policy parameter (default 80%); qualification training also needs a pass score
    (recorded per worker)." Credited hours come from attendance actually recorded, not from
    enrolment: the attended share is credited hours over the hours of the session's meetings
    that were held (cancelled meetings do not count). ``attendance_percent`` is the policy's
    ``completion_attendance_percent``.
    """
    scheduled = Decimal(scheduled_hours)
    credited = Decimal(credited_hours)
    percent = attended_percent(scheduled_hours=scheduled, credited_hours=credited)
    if scheduled <= 0:
        return CompletionDecision(False, percent, Shortfall.NO_MEETINGS)
    # Compare exactly (credited / scheduled >= p / 100), not the rounded percent.
    if credited * 100 < scheduled * attendance_percent:
        return CompletionDecision(False, percent, Shortfall.ATTENDANCE)
    if needs_score(training_type, pass_score):
        if pass_score is None:
            return CompletionDecision(False, percent, Shortfall.NO_PASS_SCORE)
        if score is None:
            return CompletionDecision(False, percent, Shortfall.SCORE_MISSING)
        if Decimal(score) < Decimal(pass_score):
            return CompletionDecision(False, percent, Shortfall.SCORE_LOW)
    return CompletionDecision(True, percent, Shortfall.NONE)
