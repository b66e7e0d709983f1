"""The accounts rules: table tests, no database."""

import datetime as dt

import pytest

from accounts import rules
from accounts.choices import LinkState, SecondFactor

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=14)
EARLIER = NOW - dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("expires_at", "used_at", "revoked_at", "state"),
    [
        (LATER, None, None, LinkState.VALID),
        (NOW + dt.timedelta(seconds=1), None, None, LinkState.VALID),
        (NOW, None, None, LinkState.EXPIRED),  # expires at the moment itself
        (EARLIER, None, None, LinkState.EXPIRED),
        (LATER, EARLIER, None, LinkState.USED),
        (EARLIER, EARLIER, None, LinkState.USED),  # used wins over expired
        (LATER, None, EARLIER, LinkState.REVOKED),
        (EARLIER, None, EARLIER, LinkState.REVOKED),
        (LATER, EARLIER, EARLIER, LinkState.USED),
    ],
)
def test_link_state(expires_at, used_at, revoked_at, state):
    assert (
        rules.link_state(expires_at=expires_at, used_at=used_at, revoked_at=revoked_at, now=NOW)
        == state
    )


@pytest.mark.parametrize(
    ("matches", "account"),
    [(set(), None), ({7}, 7), ({7, 8}, None)],
)
def test_pick_account_needs_exactly_one(matches, account):
    assert rules.pick_account(matches) == account


@pytest.mark.parametrize(
    ("is_manager", "has_device", "verified", "mandatory", "step"),
    [
        (False, False, False, False, SecondFactor.NONE),
        (False, False, False, True, SecondFactor.NONE),  # workers are not asked
        (True, False, False, False, SecondFactor.NONE),  # optional for staff in development
        (True, False, False, True, SecondFactor.ENROL),
        (True, True, False, False, SecondFactor.VERIFY),
        (True, True, True, True, SecondFactor.NONE),
        (False, True, False, False, SecondFactor.VERIFY),  # anyone who enrolled is asked
    ],
)
def test_second_factor(is_manager, has_device, verified, mandatory, step):
    assert (
        rules.second_factor(
            is_manager=is_manager, has_device=has_device, verified=verified, mandatory=mandatory
        )
        == step
    )


def test_codes_are_printable_and_hash_the_same_however_typed():
    code = rules.new_code()
    assert len(code) == rules.CODE_LENGTH and set(code) <= set(rules.CODE_ALPHABET)
    printed = rules.format_code(code)
    assert printed.count("-") == 3
    assert rules.hash_code(f" {printed.lower()} ") == rules.hash_code(code)
    assert rules.new_code() != code


@pytest.mark.parametrize(("days", "cutoff"), [(365, NOW - dt.timedelta(days=365)), (0, NOW)])
def test_retention_cutoff(days, cutoff):
    assert rules.retention_cutoff(now=NOW, days=days) == cutoff


def test_lock_ends_after_the_cool_off():
    assert rules.lock_ends(last_failure=NOW, cool_off=dt.timedelta(minutes=30)) == NOW.replace(
        minute=30
    )
