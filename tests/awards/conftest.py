"""Awards personas beside the shared ones.

``award`` is the city-level 五一劳动奖章; ``campaign`` its 2026 campaign run by the city
(20 places, 10% reserved: 2; nominations 2026-04-01 to 2026-04-30, one review round);
``allocation`` gives 涪城区 both reserved places; ``worker`` (hired 2024-03-01) has confirmed
grades 合格 for 2024 and 2025, so is eligible on ``TODAY``.
"""

import datetime as dt

import pytest

from awards import services
from awards.choices import Level
from tests.factories import confirmed_grade

TODAY = dt.date(2026, 4, 10)


@pytest.fixture
def award(city_staff):
    return services.create_award(by=city_staff, name="五一劳动奖章", level=Level.CITY)


@pytest.fixture
def campaign(city_staff, city, award):
    return services.create_campaign(
        by=city_staff,
        award=award,
        year=2026,
        federation=city,
        total_places=20,
        nominate_from=dt.date(2026, 4, 1),
        nominate_until=dt.date(2026, 4, 30),
    )


@pytest.fixture
def allocation(city_staff, campaign, county):
    return services.allocate(by=city_staff, campaign=campaign, federation=county, places=2)


@pytest.fixture
def graded_worker(worker):
    confirmed_grade(worker, 2024, 20)
    confirmed_grade(worker, 2025, 20)
    return worker


def nominate(by, allocation, worker, **changes):
    values = dict(
        categories=["frontline"],
        deeds="扎根基层，服务职工。",
        summary="扎根基层服务职工",
        unit_opinion="同意推荐",
        today=TODAY,
    )
    values.update(changes)
    return services.nominate(by=by, allocation=allocation, worker=worker, **values)


@pytest.fixture
def nomination(county_staff, allocation, graded_worker):
    return nominate(county_staff, allocation, graded_worker)
