"""Signing in on the site and in the admin by username, ID number or mobile number."""

import pytest
from django.urls import reverse

from accounts.choices import EventKind
from accounts.login_views import INVALID_LOGIN
from accounts.models import AuthEvent
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import UserFactory, WorkerFactory

SITE, ADMIN = "/accounts/login/", "/admin/login/"


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_the_form_names_all_three_identifiers(client, db, url):
    page = client.get(url).content.decode()
    assert "身份证号 / 手机号 / 用户名" in page
    assert reverse("accounts:activate_code") in page


def test_the_site_form_links_to_reset_and_activation(client, db):
    page = client.get(SITE).content.decode()
    assert reverse("accounts:password_reset") in page
    assert "忘记密码" in page and "激活账号" in page


@pytest.mark.parametrize("url", [SITE, ADMIN])
@pytest.mark.parametrize("identifier", ["id_number", "mobile", "username"])
def test_each_identifier_signs_in(client, account, url, identifier):
    typed = {
        "id_number": account.worker.id_number,
        "mobile": "13800002222",
        "username": account.username,
    }[identifier]
    response = sign_in(client, typed, PASSWORD, url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)


def test_a_lower_case_x_in_the_id_number_signs_in(client, county):
    worker = WorkerFactory(federation=county, id_number="51070319900101003X")
    worker.user.set_password(PASSWORD)
    worker.user.save()
    assert sign_in(client, "51070319900101003x", PASSWORD).status_code == 302


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_unknown_ambiguous_and_wrong_get_one_message(client, account, county, url):
    # Two workers registered with one mobile: the mobile names no single account.
    for _ in range(2):
        twin = WorkerFactory(federation=county, mobile="13900001111")
        twin.user.set_password(PASSWORD)
        twin.user.save()
    answers = [
        sign_in(client, "13700000000", PASSWORD, url),  # unknown
        sign_in(client, "13900001111", PASSWORD, url),  # ambiguous
        sign_in(client, "13800002222", "wrong-password", url),  # wrong password
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert str(INVALID_LOGIN) in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuthEvent.objects.filter(kind=EventKind.SIGN_IN_FAILED).count() == 3


def test_an_inactive_account_gets_the_same_message(client, account):
    account.is_active = False
    account.save()
    answer = sign_in(client, "13800002222", PASSWORD)
    assert str(INVALID_LOGIN) in answer.content.decode()


def test_a_worker_lands_on_my_page_and_staff_in_the_admin(client, account, county_staff):
    assert sign_in(client, "13800002222", PASSWORD)["Location"] == reverse("workforce:my_page")
    client.logout()
    county_staff.set_password(PASSWORD)
    county_staff.save()
    assert sign_in(client, county_staff.username, PASSWORD)["Location"] == reverse(
        "wagtailadmin_home"
    )


def test_next_is_followed(client, account):
    response = client.post(
        SITE, {"username": "13800002222", "password": PASSWORD, "next": "/training/"}
    )
    assert response["Location"] == "/training/"


def test_sign_in_is_audited(client, account):
    sign_in(client, account.worker.id_number, PASSWORD)
    assert AuthEvent.objects.filter(kind=EventKind.SIGNED_IN, user=account).count() == 1


def test_the_login_page_keeps_to_a_few_queries(client, db, django_assert_max_num_queries):
    UserFactory.create_batch(3)
    with django_assert_max_num_queries(3):
        assert client.get(SITE).status_code == 200
