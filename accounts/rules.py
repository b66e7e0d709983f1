"""The accounts app's decisions as pure functions: no database, no clock (``now`` is an argument).

The rules come from the accounts issue rather than the policy document: activation links are
one-time and expire, an identifier that names no single account is refused like a wrong password,
staff holding ``manage_federation`` may be required to use a second factor, and the audit log is
kept for a set number of days.
"""

import datetime as dt
import hashlib
import secrets

from .choices import LinkState, SecondFactor

# Activation codes are typed from paper when the QR code cannot be scanned: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 31^16 ≈ 2^79 possibilities


def new_code() -> str:
    """Return a fresh random activation code (16 characters of ``CODE_ALPHABET``)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Return ``text`` as a code: upper case, without the spaces and dashes it is printed with."""
    return "".join(text.split()).replace("-", "").upper()


def format_code(code: str) -> str:
    """Return ``code`` in groups of four for print: ``ABCD-EFGH-JKMN-PQRS``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def hash_code(code: str) -> str:
    """Return the SHA-256 of a normalized code; only the hash is stored."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def link_state(
    *,
    expires_at: dt.datetime,
    used_at: dt.datetime | None,
    revoked_at: dt.datetime | None,
    now: dt.datetime,
) -> LinkState:
    """ "One-time activation link ... valid for a configurable number of days. Used, expired or
    revoked links get a clear page. Re-issuing revokes the earlier link."

    Used wins over revoked and expired (it says what happened); a link expires at ``expires_at``.
    """
    if used_at is not None:
        return LinkState.USED
    if revoked_at is not None:
        return LinkState.REVOKED
    if now >= expires_at:
        return LinkState.EXPIRED
    return LinkState.VALID


def pick_account(matches: set[int]) -> int | None:
    """ "Sign in with the ID number or the mobile number registered for the worker ... ambiguous
    or unknown identifiers get the same message as a wrong password."

    ``matches`` are the accounts whose username, worker ID number or worker mobile equals what
    was typed: exactly one is the account; none or several is no account.
    """
    return next(iter(matches)) if len(matches) == 1 else None


def second_factor(
    *, is_manager: bool, has_device: bool, verified: bool, mandatory: bool
) -> SecondFactor:
    """ "Staff enrol an authenticator app ... and are asked for a code at sign-in; a setting makes
    it mandatory for everyone holding manage_federation in production. Workers are not asked."

    A user with a confirmed device is asked for a code until the session is verified; a manager
    without one must enrol first when the setting is on. Anyone else goes on.
    """
    if has_device:
        return SecondFactor.NONE if verified else SecondFactor.VERIFY
    if is_manager and mandatory:
        return SecondFactor.ENROL
    return SecondFactor.NONE


def retention_cutoff(*, now: dt.datetime, days: int) -> dt.datetime:
    """ "Audit of authentication events ... kept for a configurable period."

    Events older than the returned moment are deleted by ``prune_auth_events``.
    """
    return now - dt.timedelta(days=days)


def lock_ends(*, last_failure: dt.datetime, cool_off: dt.timedelta) -> dt.datetime:
    """ "Lock a username + IP after 10 failures for 30 minutes": the moment the lock ends."""
    return last_failure + cool_off
