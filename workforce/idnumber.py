"""Chinese resident ID numbers (GB 11643-1999): checksum, masking, birth date."""

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalize(value: str) -> str:
    """Return the number without spaces, with an upper-case X."""
    return value.strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    """Return the check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> dt.date | None:
    """Return the birth date encoded in positions 7-14, or None when it is not a date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(number: str) -> bool:
    """Return whether ``number`` is an 18-character ID with a real birth date and checksum."""
    number = normalize(number)
    return bool(
        _PATTERN.match(number)
        and birth_date(number) is not None
        and check_digit(number[:17]) == number[17]
    )


def mask(number: str) -> str:
    """Return the number with the birth date and sequence hidden: 510703********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(first17: str) -> str:
    """Return a valid ID number completing ``first17`` with its check character."""
    return first17 + check_digit(first17)
