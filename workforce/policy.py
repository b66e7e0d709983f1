"""Policy parameters (DOMAIN.md): every number the rules use, with the policy's defaults.

A federation's record overrides only the values it sets; the rest come from its parent, and
in the end from ``Policy``'s defaults. Pure: no database, no clock.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Policy:
    """The parameters of 绵工发〔2017〕52号 as DOMAIN.md reads them."""

    # §三 staffing norm
    staffing_base: int = 2000
    staffing_step: int = 3000
    # §四.三 training
    annual_training_hours: int = 40
    rotation_interval_months: int = 24
    rotation_min_days: int = 20
    rotation_min_hours: int = 160
    onboarding_days: int = 90
    due_soon_days: int = 60
    completion_attendance_percent: int = 80
    qualification_validity_years: int = 3
    # §四.三 mentoring
    mentor_term_months: int = 12
    mentor_load_limit: int = 3
    mentor_checkin_days: int = 30  # the mentorship issue: no confirmed meeting for this long
    mentoring_hours_cap: int = 16  # the mentorship issue: 高师带徒 hours credited a year (0: off)
    # §四.四 awards
    award_reserved_percent: int = 10
    notice_working_days: int = 5
    award_min_service_years: int = 2  # the awards issue: "service at least N years"
    award_clean_grade_years: int = 3  # the awards issue: "no 不合格 grade in the last N years"
    # §四.五 evaluation
    excellent_share_percent: int = 15
    grade_excellent_min: int = 90  # DOMAIN.md: 优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60
    grade_pass_min: int = 70
    grade_basic_min: int = 60
    # §五.二 pay and funds
    public_welfare_city_subsidy: int = 500  # yuan per public-welfare post worker per year


POLICY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Policy))


def resolve_policy(chain: Iterable[Mapping[str, int | None]]) -> Policy:
    """Return the policy in force, given the overrides from the root federation down to the leaf.

    DOMAIN.md: "a child federation inheriting its parent's values unless it overrides them".
    A value set lower in the tree wins; ``None`` means "inherit".
    """
    policy = Policy()
    for overrides in chain:
        changes = {
            name: overrides[name] for name in POLICY_FIELDS if overrides.get(name) is not None
        }
        policy = replace(policy, **changes)
    return policy
