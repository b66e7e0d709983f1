"""Whether a certificate is in force: valid, revoked or expired. Pure: ``today`` is an argument."""

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Standing(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self])


STANDING_LABELS = {
    Standing.VALID: _("有效"),
    Standing.REVOKED: _("已撤销"),
    Standing.EXPIRED: _("已过期"),
}


def expiry_date(issued_on: dt.date, years: int | None) -> dt.date | None:
    """Return the last day a certificate valid ``years`` is in force (None: it never expires).

    From the certificates issue, not the policy text: a qualification certificate is valid for the
    policy parameter ``qualification_validity_years`` (default 3), from the issue date through the
    day before the same date ``years`` later; one issued on 29 February ends on 28 February.
    """
    if not years:
        return None
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February in a year that has none
        anniversary = issued_on.replace(year=issued_on.year + years, day=28) + dt.timedelta(days=1)
    return anniversary - dt.timedelta(days=1)


def standing(*, revoked_on: dt.date | None, expires_on: dt.date | None, today: dt.date) -> Standing:
    """Return whether a certificate is valid, revoked or expired on ``today``.

    Revocation wins over expiry; a certificate is in force through its ``expires_on`` day.
    """
    if revoked_on is not None and revoked_on <= today:
        return Standing.REVOKED
    if expires_on is not None and today > expires_on:
        return Standing.EXPIRED
    return Standing.VALID
