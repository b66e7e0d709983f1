"""How a certificate writes things: dates in Chinese, serial numbers, masked names.

Pure: no database, no clock.
"""

import datetime as dt
import re

_DIGITS = "〇一二三四五六七八九"

SERIAL_RE = re.compile(r"^(?P<prefix>[A-Z0-9]{1,12})-(?P<year>\d{4})-(?P<number>\d{6,})$")


def chinese_number(n: int) -> str:
    """Return 1..99 in Chinese numerals as written in dates: 十, 十一, 二十, 三十一."""
    if not 0 < n < 100:
        raise ValueError(f"{n} is outside 1..99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def chinese_date(day: dt.date, *, with_year: bool = True) -> str:
    """Return ``day`` as an official document writes it: 二〇二六年十一月二十六日.

    Official documents (《党政机关公文格式》GB/T 9704) write the year digit by digit, with 〇 for
    zero, and the month and day as numbers: 一月, 十一月, 二十六日, 三十一日. The second date of
    a range in the same year leaves the year out (``with_year=False``): 十一月六日.
    """
    month_day = f"{chinese_number(day.month)}月{chinese_number(day.day)}日"
    if not with_year:
        return month_day
    year = "".join(_DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{month_day}"


def format_serial(prefix: str, year: int, number: int) -> str:
    """Return the serial number ``<prefix>-<year>-<000001>``."""
    return f"{prefix.upper()}-{year:04d}-{number:06d}"


def normalize_serial(text: str) -> str | None:
    """Return ``text`` as a well-formed serial number, or None if it cannot be one."""
    serial = text.strip().upper()
    return serial if SERIAL_RE.match(serial) else None


def mask_name(name: str) -> str:
    """Hide a name but for its first and (for three or more characters) last character.

    张晓梅 → 张*梅, 欧阳娜娜 → 欧**娜, 李强 → 李*, 王 → *.
    """
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
