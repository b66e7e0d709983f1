"""Staff two-factor sign-in: enrolling an authenticator, the code after the password, recovery
codes, the mandatory setting and the audit rows."""

import datetime as dt
import re

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.choices import EventKind
from accounts.models import AuthEvent

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(seconds=30)

TWO_FACTOR = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"
CODES = "/accounts/two-factor/codes/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_of(device) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


def enrolled(user, clock) -> tuple[TOTPDevice, list[str]]:
    """Enrol ``user`` through the services; return the device and the recovery codes."""
    device = services.enrol_totp(by=user)
    device, codes = services.confirm_totp(by=user, token=code_of(device))
    clock.shift(STEP)  # the next code is a new one (a code is accepted once)
    return device, codes


def sign_in(client, user, url="/accounts/login/", next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def test_staff_enrol_with_the_qr_code_and_see_the_recovery_codes_once(client, county_staff, clock):
    client.force_login(county_staff)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert "开始设置" in page.content.decode()
    assert client.post(TWO_FACTOR, {"action": "start"})["Location"] == SETUP
    setup = client.get(SETUP).content.decode()
    assert "<svg" in setup and "<script>" not in setup  # the QR code needs no inline script
    device = TOTPDevice.objects.get(user=county_staff, confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', setup).group(1)
    assert len(secret.replace(" ", "")) == 32  # the 20-byte key in base32, for manual entry

    wrong = client.post(SETUP, {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    clock.shift(STEP)  # django-otp's throttling waits a second after a failure
    assert client.post(SETUP, {"code": code_of(device)})["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(CODES).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=county_staff).count() == 10
    assert client.get(CODES)["Location"] == TWO_FACTOR  # shown once
    assert "还剩 10 个恢复码" in client.get(TWO_FACTOR).content.decode()
    assert AuthEvent.objects.filter(kind=EventKind.OTP_ENROLLED, user=county_staff).count() == 1


def test_sign_in_asks_for_the_code_after_the_password(client, county_staff, clock):
    device, _codes = enrolled(county_staff, clock)
    response = sign_in(client, county_staff, next_url="/me/password/")
    assert response.status_code == 302
    assert client.get("/me/password/")["Location"] == f"{VERIFY}?next=%2Fme%2Fpassword%2F"
    page = client.get(VERIFY + "?next=/me/password/").content.decode()
    assert "输入验证码" in page
    assert "修改密码" not in page and "管理后台" not in page  # only 退出 until the code

    wrong = client.post(VERIFY, {"code": "123456", "next": "/me/password/"})
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/me/password/").status_code == 302  # still asked
    clock.shift(STEP)
    right = client.post(VERIFY, {"code": code_of(device), "next": "/me/password/"})
    assert right["Location"] == "/me/password/"
    assert client.get("/me/password/").status_code == 200
    kinds = list(
        AuthEvent.objects.filter(user=county_staff).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds[-3:] == [EventKind.SIGNED_IN, EventKind.OTP_FAILED, EventKind.OTP_VERIFIED]


def test_a_code_is_accepted_once(client, county_staff, clock):
    device, _codes = enrolled(county_staff, clock)
    code = code_of(device)
    sign_in(client, county_staff)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    sign_in(client, county_staff)
    assert client.post(VERIFY, {"code": code}).status_code == 200  # replayed: refused


def test_a_recovery_code_works_once(client, county_staff, clock):
    _device, codes = enrolled(county_staff, clock)
    sign_in(client, county_staff)
    used = client.post(VERIFY, {"code": services.format_recovery_code(codes[0]).upper()})
    assert used.status_code == 302
    assert "还剩 9 个" in client.get(TWO_FACTOR).content.decode()
    assert AuthEvent.objects.filter(kind=EventKind.RECOVERY_CODE_USED).count() == 1
    client.logout()
    clock.shift(STEP)
    sign_in(client, county_staff)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "验证码不正确" in again.content.decode()
    assert AuthEvent.objects.filter(kind=EventKind.OTP_FAILED, user=county_staff).count() == 1


def test_the_admin_login_asks_for_the_code_before_the_admin(client, county_staff, clock):
    device, _codes = enrolled(county_staff, clock)
    response = sign_in(client, county_staff, url="/admin/login/", next_url="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/workforce/workers/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})["Location"] == (
        "/admin/"
    )
    assert client.get("/admin/").status_code == 200


def test_signing_out_is_open_before_the_code(client, county_staff, clock):
    enrolled(county_staff, clock)
    sign_in(client, county_staff)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_mandatory_setting_sends_an_unenrolled_manager_to_enrol(client, settings, county_staff):
    settings.OTP_REQUIRED_FOR_STAFF = True
    sign_in(client, county_staff)
    assert client.get("/admin/")["Location"] == f"{TWO_FACTOR}?next=%2Fadmin%2F"
    assert client.get(TWO_FACTOR).status_code == 200
    assert "要求工作人员启用两步验证" in client.get(TWO_FACTOR).content.decode()


def test_mandatory_setting_leaves_workers_alone(client, settings, worker):
    settings.OTP_REQUIRED_FOR_STAFF = True
    sign_in(client, worker.user)
    assert client.get("/me/password/").status_code == 200


def test_workers_are_not_asked(client, worker):
    client.force_login(worker.user)
    for url in (TWO_FACTOR, SETUP, CODES):
        assert client.get(url).status_code == 404
    assert client.post(TWO_FACTOR, {"action": "start"}).status_code == 404
    assert not TOTPDevice.objects.exists()
    with pytest.raises(services.AccountError):
        services.enrol_totp(by=worker.user)
    # Nothing to verify: the verify page just goes on.
    assert client.get(VERIFY + "?next=/me/password/")["Location"] == "/me/password/"


def test_renew_recovery_codes_needs_a_current_code(client, county_staff, clock):
    device, old = enrolled(county_staff, clock)
    client.force_login(county_staff)
    client.post(VERIFY, {"code": code_of(device)})
    clock.shift(STEP)
    refused = client.post(TWO_FACTOR, {"action": "renew", "renew-code": "000000"})
    assert "验证码不正确" in refused.content.decode()
    clock.shift(STEP)
    assert (
        client.post(TWO_FACTOR, {"action": "renew", "renew-code": code_of(device)})["Location"]
        == CODES
    )
    new = {t.token for t in StaticToken.objects.filter(device__user=county_staff)}
    assert len(new) == 10 and not new & set(old)
    assert AuthEvent.objects.filter(kind=EventKind.RECOVERY_CODES_RENEWED).count() == 1


def test_turn_off_with_a_code_unless_mandatory(client, settings, county_staff, clock):
    device, _codes = enrolled(county_staff, clock)
    client.force_login(county_staff)
    client.post(VERIFY, {"code": code_of(device)})
    clock.shift(STEP)
    settings.OTP_REQUIRED_FOR_STAFF = True
    with pytest.raises(services.AccountError, match="不能停用"):
        services.remove_two_factor(by=county_staff, token=code_of(device))
    settings.OTP_REQUIRED_FOR_STAFF = False
    response = client.post(TWO_FACTOR, {"action": "remove", "remove-code": code_of(device)})
    assert response["Location"] == TWO_FACTOR
    assert not TOTPDevice.objects.filter(user=county_staff).exists()
    assert not StaticToken.objects.filter(device__user=county_staff).exists()
    assert AuthEvent.objects.filter(kind=EventKind.OTP_REMOVED).count() == 1
    client.logout()
    sign_in(client, county_staff)
    assert client.get("/me/password/").status_code == 200  # no code asked any more


def test_replacing_the_phone_keeps_the_old_one_until_the_new_one_is_confirmed(county_staff, clock):
    old, _codes = enrolled(county_staff, clock)
    with pytest.raises(services.AccountError):
        services.enrol_totp(by=county_staff)  # not from an unverified session
    new = services.enrol_totp(by=county_staff, verified=True)
    assert TOTPDevice.objects.filter(user=county_staff, confirmed=True).get() == old
    services.confirm_totp(by=county_staff, token=code_of(new))
    assert TOTPDevice.objects.filter(user=county_staff).get() == new


def test_a_signed_in_request_asks_the_database_nothing(
    client, county_staff, django_assert_num_queries
):
    from django.test import RequestFactory

    from accounts.middleware import second_factor_state

    client.force_login(county_staff)  # the sign-in looks the authenticator up, once
    request = RequestFactory().get("/")
    request.session = client.session
    request.session.keys()  # loaded: the session is read for any signed-in request
    request.user = county_staff
    county_staff.is_verified = lambda: False
    with django_assert_num_queries(0):
        assert second_factor_state(request) == "none"


def test_an_authenticator_enrolled_elsewhere_is_asked_for_at_the_next_sign_in(
    client, county_staff, clock
):
    sign_in(client, county_staff)
    assert client.get("/me/password/").status_code == 200
    enrolled(county_staff, clock)  # from another browser
    client.logout()
    sign_in(client, county_staff)
    assert client.get("/me/password/")["Location"].startswith(VERIFY)
