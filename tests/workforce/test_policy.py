import pytest

from tests.factories import make_federation
from workforce.models import PolicyParameters
from workforce.policy import Policy, resolve_policy
from workforce.selectors import policy_for


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ([], Policy()),
        ([{"staffing_base": None}], Policy()),
        ([{"staffing_base": 3000}], Policy(staffing_base=3000)),
        ([{"staffing_base": 3000}, {"staffing_base": 2500}], Policy(staffing_base=2500)),
        (
            [{"staffing_base": 3000}, {"staffing_step": 1000}],
            Policy(staffing_base=3000, staffing_step=1000),
        ),
        (
            [{"annual_training_hours": 48}, {}, {"annual_training_hours": None}],
            Policy(annual_training_hours=48),
        ),
    ],
)
def test_resolve_policy_lower_values_win(chain, expected):
    assert resolve_policy(chain) == expected


def test_policy_for_inherits_through_the_tree(city, county, park, django_assert_num_queries):
    PolicyParameters.objects.create(federation=city, staffing_base=2500, annual_training_hours=48)
    PolicyParameters.objects.create(federation=county, annual_training_hours=56)
    with django_assert_num_queries(1):
        policy = policy_for(park)
    assert policy.staffing_base == 2500
    assert policy.annual_training_hours == 56
    assert policy.staffing_step == 3000
    sibling = make_federation("游仙区总工会", "YX", parent=city)
    assert policy_for(sibling).annual_training_hours == 48
