import datetime as dt

import pytest

from certificates.validity import Standing, expiry_date, standing
from certificates.wording import (
    chinese_date,
    chinese_number,
    format_serial,
    mask_name,
    normalize_serial,
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 11, 26), "二〇二六年十一月二十六日"),
        (dt.date(2030, 1, 1), "二〇三〇年一月一日"),
        (dt.date(2017, 10, 10), "二〇一七年十月十日"),
        (dt.date(2000, 12, 31), "二〇〇〇年十二月三十一日"),
        (dt.date(2029, 2, 20), "二〇二九年二月二十日"),
        (dt.date(2031, 7, 19), "二〇三一年七月十九日"),
    ],
)
def test_chinese_date(day, text):
    assert chinese_date(day) == text


def test_chinese_date_without_year_for_the_end_of_a_range():
    assert chinese_date(dt.date(2026, 11, 6), with_year=False) == "十一月六日"


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (31, "三十一")]
)
def test_chinese_number(n, text):
    assert chinese_number(n) == text


@pytest.mark.parametrize("n", [0, 100, -1])
def test_chinese_number_outside_dates(n):
    with pytest.raises(ValueError, match="outside 1..99"):
        chinese_number(n)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张晓梅", "张*梅"), ("李强", "李*"), ("欧阳娜娜", "欧**娜"), ("王", "*"), (" 赵六 ", "赵*")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_serial_format_and_normalization():
    assert format_serial("fc", 2026, 1) == "FC-2026-000001"
    assert format_serial("MY", 2026, 1234567) == "MY-2026-1234567"
    assert normalize_serial(" fc-2026-000001 ") == "FC-2026-000001"
    for bad in ["", "FC-2026-1", "FC2026000001", "FC-26-000001", "'; DROP TABLE", "FC-2026-00000a"]:
        assert normalize_serial(bad) is None


@pytest.mark.parametrize(
    ("issued", "years", "expires"),
    [
        (dt.date(2026, 11, 26), 3, dt.date(2029, 11, 25)),
        (dt.date(2024, 2, 29), 3, dt.date(2027, 2, 28)),
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 28)),
        (dt.date(2026, 1, 1), 1, dt.date(2026, 12, 31)),
        (dt.date(2026, 1, 1), None, None),
        (dt.date(2026, 1, 1), 0, None),
    ],
)
def test_expiry_date(issued, years, expires):
    assert expiry_date(issued, years) == expires


@pytest.mark.parametrize(
    ("revoked_on", "expires_on", "today", "expected"),
    [
        (None, None, dt.date(2040, 1, 1), Standing.VALID),
        (None, dt.date(2029, 11, 25), dt.date(2029, 11, 25), Standing.VALID),
        (None, dt.date(2029, 11, 25), dt.date(2029, 11, 26), Standing.EXPIRED),
        (dt.date(2027, 1, 1), dt.date(2029, 11, 25), dt.date(2027, 1, 1), Standing.REVOKED),
        (dt.date(2027, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 6, 1), Standing.REVOKED),
        (dt.date(2027, 1, 1), None, dt.date(2026, 12, 31), Standing.VALID),
    ],
)
def test_standing(revoked_on, expires_on, today, expected):
    assert standing(revoked_on=revoked_on, expires_on=expires_on, today=today) == expected
