import datetime as dt

import pytest

from workforce import idnumber


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("110105194912310021", False),  # wrong check digit
        ("11010519491331002X", False),  # month 13
        ("1101051949123100", False),  # too short
        ("", False),
        ("ABCDEFGHIJKLMNOPQR", False),
    ],
)
def test_is_valid(number, valid):
    assert idnumber.is_valid(number) is valid


def test_make_and_mask():
    number = idnumber.make("51070319900101123")
    assert idnumber.is_valid(number)
    assert idnumber.mask(number) == "510703********" + number[-4:]
    assert idnumber.birth_date(number) == dt.date(1990, 1, 1)
