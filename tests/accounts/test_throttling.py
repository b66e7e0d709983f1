"""Login throttling (django-axes) on the site and admin logins, and the sign-in audit."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt

from accounts import services
from accounts.choices import EventKind
from accounts.models import AuthEvent
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import UserFactory

START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_eleventh_attempt_is_refused_until_the_lock_ends(client, account, url):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(9):
            assert sign_in(client, "13800002222", "wrong", url).status_code == 200
        assert sign_in(client, "13800002222", "wrong", url).status_code == 429  # locked now
        refused = sign_in(client, "13800002222", PASSWORD, url)
        assert refused.status_code == 429
        assert "登录已暂时锁定" in refused.content.decode()
        assert "_auth_user_id" not in client.session
        clock.shift(dt.timedelta(minutes=29))
        assert sign_in(client, account.username, PASSWORD, url).status_code == 429
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert sign_in(client, "13800002222", PASSWORD, url).status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    # The locking failure and the two attempts refused while locked.
    assert AuthEvent.objects.filter(kind=EventKind.LOCKED_OUT, user=account).count() == 3
    assert AuthEvent.objects.filter(kind=EventKind.SIGN_IN_FAILED, user=account).count() >= 10
    assert AuthEvent.objects.filter(kind=EventKind.SIGNED_IN, user=account).exists()


def test_the_lock_is_per_username_and_address(client, account):
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            sign_in(client, account.username, "wrong")
        other_address = client.post(
            "/accounts/login/",
            {"username": account.username, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        )
        assert other_address.status_code == 302


def test_staff_unlock(client, account, county_staff, outsider):
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            sign_in(client, "13800002222", "wrong")
        assert AccessAttempt.objects.filter(username=account.username).exists()
        with pytest.raises(services.AccountError):
            services.unlock(by=outsider, username=account.username)
        assert services.unlock(by=county_staff, username=account.username) == 1
        assert sign_in(client, "13800002222", PASSWORD).status_code == 302
    event = AuthEvent.objects.get(kind=EventKind.UNLOCKED)
    assert (event.user, event.actor) == (account, county_staff)


def test_unknown_identifiers_are_throttled_too(client, db):
    UserFactory(username="someone")
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            sign_in(client, "13900000000", "guess")
        assert sign_in(client, "13900000000", "guess").status_code == 429
