"""Resetting a forgotten password by email (Django's views, Chinese pages and email, audited)."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.choices import EventKind
from accounts.models import AuthEvent

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Xin-mima-2026-ok"


@pytest.fixture
def account(worker):
    worker.user.email = "zhangxm@example.com"
    worker.user.set_password("Old-password-2026")
    worker.user.save()
    return worker.user


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)


def open_link(client, message):
    """Follow the emailed link; return the URL of the new-password form it leads to."""
    path = "/" + link_in(message).split("//", 1)[1].split("/", 1)[1]
    page = client.get(path, follow=True)
    assert "设置新密码" in page.content.decode()
    return page.redirect_chain[-1][0]


@override_settings(SITE_URL="https://pathways.example.org")
def test_the_whole_reset(client, account):
    page = client.get(RESET).content.decode()
    assert "请联系所在工会的工作人员" in page  # accounts without an email
    response = client.post(RESET, {"email": "ZhangXM@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")

    (message,) = mail.outbox
    assert message.to == ["zhangxm@example.com"]
    assert message.subject == "【社会化工会工作者成长管理平台】重置登录密码"
    assert "张晓梅，您好" in message.body
    assert "社会化工会工作者成长管理平台" in message.body
    link = link_in(message)
    assert link.startswith("https://pathways.example.org/accounts/password/reset/")

    path = link.removeprefix("https://pathways.example.org")
    form_page = client.get(path, follow=True)  # Django swaps the token for a session marker
    assert "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert "密码已重置" in client.get(done["Location"]).content.decode()

    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    requested = AuthEvent.objects.get(kind=EventKind.RESET_REQUESTED)
    assert (requested.user, requested.identifier) == (account, "ZhangXM@example.com")
    assert AuthEvent.objects.filter(kind=EventKind.PASSWORD_RESET, user=account).count() == 1

    # The link works once.
    again = client.get(path, follow=True).content.decode()
    assert "重置链接无法使用" in again


def test_the_new_password_signs_in_by_mobile(client, account):
    account.worker.mobile = "13800002222"
    account.worker.save()
    client.post(RESET, {"email": account.email})
    client.post(
        open_link(client, mail.outbox[0]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = client.post(
        "/accounts/login/", {"username": "13800002222", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_weak_passwords_are_refused_in_chinese(client, account):
    client.post(RESET, {"email": account.email})
    answer = client.post(
        open_link(client, mail.outbox[0]),
        {"new_password1": "12345678", "new_password2": "12345678"},
    )
    assert answer.status_code == 200
    assert "密码" in answer.content.decode() and "太常见" in answer.content.decode()
    assert not AuthEvent.objects.filter(kind=EventKind.PASSWORD_RESET).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, account):
    response = client.post(RESET, {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    event = AuthEvent.objects.get(kind=EventKind.RESET_REQUESTED)
    assert (event.user, event.identifier) == (None, "nobody@example.com")


def test_inactive_accounts_get_no_mail(client, account):
    account.is_active = False
    account.save()
    client.post(RESET, {"email": account.email})
    assert mail.outbox == []


def test_the_done_page_names_the_activation_route(client, db):
    page = client.get(reverse("accounts:password_reset_done")).content.decode()
    assert "重新发放激活链接" in page


def test_the_admin_forgotten_password_leads_here(client, db):
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302
    assert response["Location"] == RESET
    assert "/admin/password_reset/" in client.get("/admin/login/").content.decode()


def test_wagtails_own_reset_pages_still_answer(client, db):
    assert client.get(reverse("wagtailadmin_password_reset_done")).status_code == 200


def test_the_reset_page_keeps_to_a_few_queries(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(RESET).status_code == 200
