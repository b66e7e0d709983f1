"""Compensation personas beside the shared ones.

``scheme`` is the city's 三岗十八级 (正职 7-18, 副职 4-15, 其他 1-12) with a pay table from
2024-01-01 paying 2,000 + 150 × level yuan a month and a 200-yuan allowance for 社会工作师;
``county`` (涪城区) is in minimum-wage tier 1, 2,100 yuan from 2022-10-01. ``placed_worker``
is ``worker`` (hired 2024-03-01, bachelor) placed as 其他 level 2 from the hire date: 2,300
yuan a month. ``source`` is the county's 2026 县级预算 of 10,000 yuan.
"""

import datetime as dt
from decimal import Decimal

import pytest

from compensation import services
from compensation.choices import Source

TODAY = dt.date(2026, 6, 15)


def rates(lowest: int = 1, highest: int = 18, base: int = 2000, per_level: int = 150) -> dict:
    return {level: Decimal(base + per_level * level) for level in range(lowest, highest + 1)}


@pytest.fixture
def scheme(city_staff, city):
    return services.save_scheme(by=city_staff, federation=city, name="三岗十八级")


@pytest.fixture
def posts(city_staff, scheme):
    return {
        name: services.save_post(
            by=city_staff, scheme=scheme, name=name, lowest=lowest, highest=highest, order=order
        )
        for order, (name, lowest, highest) in enumerate(
            [("正职", 7, 18), ("副职", 4, 15), ("其他", 1, 12)]
        )
    }


@pytest.fixture
def pay_table(city_staff, scheme, posts):
    return services.save_pay_table(
        by=city_staff,
        scheme=scheme,
        effective_from=dt.date(2024, 1, 1),
        rates=rates(),
        allowances=[("持证津贴", "social_worker", Decimal("200"))],
    )


@pytest.fixture
def floor(city_staff, county):
    services.assign_tier(
        by=city_staff, federation=county, tier=1, effective_from=dt.date(2022, 10, 1)
    )
    return services.save_minimum_wage(
        by=city_staff, tier=1, monthly=Decimal("2100"), effective_from=dt.date(2022, 10, 1)
    )


@pytest.fixture
def placed_worker(county_staff, worker, posts, pay_table):
    services.place_worker(
        by=county_staff, worker=worker, post=posts["其他"], level=2, effective_from=worker.hire_date
    )
    return worker


@pytest.fixture
def source(county_staff, county):
    return services.save_fund_source(
        by=county_staff,
        federation=county,
        year=2026,
        kind=Source.COUNTY_BUDGET,
        budget=Decimal("10000"),
    )
