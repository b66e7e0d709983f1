"""Shared by the sign-in tests: an activated worker account with a registered mobile number."""

import pytest

PASSWORD = "Zhang-xiaomei-2026"
MOBILE = "13800002222"


@pytest.fixture
def account(worker):
    """The ``worker`` persona's account, with ``PASSWORD`` set and ``MOBILE`` registered."""
    worker.mobile = MOBILE
    worker.save()
    worker.user.set_password(PASSWORD)
    worker.user.save()
    return worker.user


def sign_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})
