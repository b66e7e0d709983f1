"""The staff side of activation: the 账号激活 screen, the sheet PDF, the user admin's link, the
worker list's 账号 column."""

import datetime as dt
import io
import re

import pypdf
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import rules, services, sheet
from accounts.models import ActivationLink
from tests.factories import PostingFactory, UserFactory, WorkerFactory

INDEX = reverse("accounts_activation:index")
MOBILE = "13800001111"


def fresh_worker(federation, *, name="王小红", unit=None, mobile="", **kwargs):
    """A registered worker whose account has no password yet, as register_worker leaves it."""
    worker = WorkerFactory(federation=federation, name=name, mobile=mobile, **kwargs)
    worker.user.set_unusable_password()
    worker.user.save()
    if unit is not None:
        PostingFactory(worker=worker, unit=unit)
    return worker


@pytest.fixture
def fresh(county, unit):
    return fresh_worker(county, unit=unit, mobile=MOBILE)


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def listed_names(response) -> set[str]:
    return {entry["worker"].name for entry in response.context["entries"]}


# The screen -----------------------------------------------------------------------------------


def test_the_screen_lists_only_the_staffs_subtree_with_states(
    client, county_staff, county, unit, fresh, worker, other_worker
):
    expired = fresh_worker(county, name="过期者")
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        services.issue_activation_links(by=county_staff, users=[expired.user], days=3)
    services.issue_activation_links(by=county_staff, users=[fresh.user], days=5)
    client.force_login(county_staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    states = {e["worker"].name: e["state"] for e in response.context["entries"]}
    # ``worker`` has a usable password (UserFactory's): activated
    assert states == {"王小红": "valid", "过期者": "expired", "张晓梅": "active"}
    assert other_worker.name not in response.content.decode()
    html = response.content.decode()
    last = sheet.last_day(timezone.now() + dt.timedelta(days=5))
    assert f"激活链接有效至 {last:%Y-%m-%d}" in html
    assert "激活码只在这次下载的 PDF 中，系统不保存" in html


def test_filters(client, city_staff, county, park, other_county, unit, fresh, worker):
    in_park = fresh_worker(park, name="园区人")
    elsewhere = fresh_worker(other_county, name="游仙人")
    client.force_login(city_staff)

    def names(**query):
        return listed_names(client.get(INDEX, query))

    assert names() == {"王小红", "张晓梅", "园区人", "游仙人"}
    assert names(federation=county.pk) == {"王小红", "张晓梅", "园区人"}
    assert names(federation=park.pk) == {"园区人"}
    assert names(unit=unit.pk) == {"王小红", "张晓梅"}
    assert names(state="active") == {"张晓梅"}
    assert names(state="none") == {"王小红", "园区人", "游仙人"}
    assert names(q="小红") == {"王小红"}
    assert names(q=fresh.id_number) == {"王小红"}
    assert names(q=MOBILE) == {"王小红"}
    assert names(worker=elsewhere.pk) == {"游仙人"}
    get_user_model().objects.filter(pk=in_park.user_id).update(
        date_joined=timezone.now() - dt.timedelta(days=3)
    )
    today = timezone.localdate().isoformat()
    assert names(joined_from=today, joined_to=today) == {"王小红", "张晓梅", "游仙人"}
    three_days_ago = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert names(joined_to=three_days_ago) == {"园区人"}


def test_another_countys_federation_is_not_a_filter_choice(client, county_staff, other_county):
    client.force_login(county_staff)
    response = client.get(INDEX, {"federation": other_county.pk})
    assert response.status_code == 200
    assert "federation" in response.context["filters"].errors


def test_issue_for_ticked_workers_answers_the_sheet(client, county_staff, county, unit, fresh):
    others = [fresh_worker(county, name=f"工作者{i}", unit=unit) for i in range(4)]
    client.force_login(county_staff)
    chosen = [fresh, *others]
    response = client.post(
        INDEX, {"worker": [w.pk for w in chosen], "scope": "selected", "days": 7}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    pages, text = pdf_text(response.content)
    assert pages == 2  # four slips a page
    links = ActivationLink.objects.open().filter(user__in=[w.user for w in chosen])
    assert links.count() == 5
    # the codes are in the PDF only: each printed code's hash is a stored link
    printed = re.findall(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", text)
    assert len(printed) == 5
    assert {rules.hash_code(code) for code in printed} == {link.code_hash for link in links}
    for code in printed:
        assert f"/accounts/activate/{rules.normalize_code(code)}/" in text
    assert "王小红" in text and "账 号 激 活 单" in text
    assert fresh.id_number not in text and "城郊街道工会" in text
    expires = links.first().expires_at
    assert expires - timezone.now() < dt.timedelta(days=7, minutes=1)


def test_issue_for_all_filtered_workers(client, county_staff, county, unit, fresh, worker):
    fresh_worker(county, name="未定岗")
    client.force_login(county_staff)
    response = client.post(f"{INDEX}?unit={unit.pk}", {"scope": "all", "days": 14})
    assert response["Content-Type"] == "application/pdf"
    issued_for = set(ActivationLink.objects.values_list("user__worker__name", flat=True))
    assert issued_for == {"王小红", "张晓梅"}  # the unit's workers, not 未定岗
    pages, _text = pdf_text(response.content)
    assert pages == 1


def test_reissuing_revokes_the_earlier_sheet(client, county_staff, fresh):
    (first,) = services.issue_activation_links(by=county_staff, users=[fresh.user])
    client.force_login(county_staff)
    client.post(INDEX, {"worker": [fresh.pk], "scope": "selected", "days": 14})
    old = ActivationLink.objects.get(code_hash=rules.hash_code(first.code))
    assert old.revoked_at is not None


@pytest.mark.parametrize(
    "body, message",
    [
        ({"scope": "selected", "days": 14}, "请至少勾选一名工作者"),
        ({"scope": "selected", "days": 0}, None),  # the days field's own error
    ],
)
def test_errors_are_shown_and_nothing_is_issued(client, county_staff, fresh, body, message):
    client.force_login(county_staff)
    if body["days"]:
        response = client.post(INDEX, body)
    else:
        response = client.post(INDEX, {**body, "worker": [fresh.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    if message:
        assert message in response.content.decode()
    else:
        assert response.context["form"].errors["days"]
    assert not ActivationLink.objects.exists()


def test_an_account_error_is_shown_and_nothing_is_issued(client, county_staff, county, fresh):
    gone = fresh_worker(county, name="已离职")
    get_user_model().objects.filter(pk=gone.user_id).update(is_active=False)
    client.force_login(county_staff)
    response = client.post(INDEX, {"worker": [fresh.pk, gone.pk], "scope": "selected", "days": 14})
    assert response.status_code == 200
    assert "已停用，不能激活" in response.content.decode()
    assert not ActivationLink.objects.exists()


def test_another_countys_worker_is_a_404(client, outsider, county_staff, fresh, other_worker):
    client.force_login(outsider)
    response = client.post(INDEX, {"worker": [fresh.pk], "scope": "selected", "days": 14})
    assert response.status_code == 404
    client.force_login(county_staff)
    response = client.post(
        INDEX, {"worker": [fresh.pk, other_worker.pk], "scope": "selected", "days": 14}
    )
    assert response.status_code == 404
    assert not ActivationLink.objects.exists()


def test_workers_and_anonymous_are_kept_out(client, worker):
    assert client.get(INDEX).status_code == 302
    client.force_login(worker.user)
    response = client.get(INDEX)
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_screens_queries_do_not_grow_with_the_rows(
    client, county_staff, county, unit, rows, django_assert_max_num_queries
):
    workers = [fresh_worker(county, unit=unit) for _ in range(rows)]
    services.issue_activation_links(by=county_staff, users=[w.user for w in workers[::2]])
    client.force_login(county_staff)
    with django_assert_max_num_queries(18):
        response = client.get(INDEX, {"unit": unit.pk})
    assert len(response.context["entries"]) == rows


@pytest.mark.parametrize("rows", [1, 8])
def test_issuing_queries_do_not_grow_with_the_workers(
    client, county_staff, county, unit, rows, django_assert_max_num_queries
):
    workers = [fresh_worker(county, unit=unit) for _ in range(rows)]
    client.force_login(county_staff)
    # the service writes all links in one statement and all audit rows in another
    with django_assert_max_num_queries(26):
        response = client.post(
            INDEX, {"worker": [w.pk for w in workers], "scope": "selected", "days": 14}
        )
    assert response["Content-Type"] == "application/pdf"


# One worker, the roster import, the worker list ------------------------------------------------


def test_the_worker_pages_link_to_the_screen_filtered_to_the_worker(client, county_staff, fresh):
    client.force_login(county_staff)
    target = f"{INDEX}?worker={fresh.pk}"
    edit = client.get(reverse("workforce_workers:edit", args=[fresh.pk]))
    assert target in edit.content.decode()
    listing = client.get(reverse("workforce_workers:index"))
    assert target in listing.content.decode()


def test_the_worker_list_shows_the_account_state(
    client, county_staff, fresh, worker, django_assert_max_num_queries
):
    client.force_login(county_staff)
    response = client.get(reverse("workforce_workers:index"))
    rows = {w.name: w.activated for w in response.context["object_list"]}
    assert rows == {"王小红": False, "张晓梅": True}
    html = response.content.decode()
    assert "已激活" in html and "未激活" in html


def test_a_roster_import_links_to_todays_registrations(client, county_staff):
    from workforce.admin_links import import_links

    (link,) = import_links("workers")
    today = timezone.localdate().isoformat()
    assert link.url == f"{INDEX}?joined_from={today}&joined_to={today}"
    assert import_links("units") == []


# Staff accounts from the user admin --------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-pass-2026")


def test_new_users_get_no_typed_password_and_go_on_to_their_link(client, superuser):
    client.force_login(superuser)
    form = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="password1"' not in form
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newstaff",
            "email": "newstaff@example.com",
            "first_name": "新",
            "last_name": "同事",
            "is_active": "on",
        },
    )
    user = get_user_model().objects.get(username="newstaff")
    assert not user.has_usable_password()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_activation:user", args=[user.pk])


def test_the_user_admin_issues_a_link_shows_it_once_and_emails_it(
    client, superuser, django_capture_on_commit_callbacks
):
    staff = UserFactory(username="staff1", email="staff1@example.com")
    staff.set_unusable_password()
    staff.save()
    client.force_login(superuser)
    target = reverse("accounts_activation:user", args=[staff.pk])
    listing = client.get(reverse("wagtailusers_users:index"))
    assert target in listing.content.decode()
    page = client.get(target)
    assert page.status_code == 200 and "未激活" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(target, {"days": 5})
    link = ActivationLink.objects.get(user=staff)
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "data:image/svg+xml" in html
    (url,) = [u for u in html.split('"') if "/accounts/activate/" in u and u.startswith("http")]
    code = url.rstrip("/").rsplit("/", 1)[1]
    assert rules.hash_code(code) == link.code_hash
    (message,) = mail.outbox
    assert message.to == ["staff1@example.com"]
    assert url in message.body and "设置登录密码" in message.body


def test_the_user_admin_link_without_an_email_sends_nothing(
    client, superuser, django_capture_on_commit_callbacks
):
    staff = UserFactory(username="staff2", email="")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts_activation:user", args=[staff.pk]), {"days": 5})
    assert "请把链接或二维码当面交给本人" in response.content.decode()
    assert mail.outbox == []


def test_federation_staff_without_user_rights_get_a_404(client, city_staff):
    staff = UserFactory(username="staff3")
    client.force_login(city_staff)
    target = reverse("accounts_activation:user", args=[staff.pk])
    assert client.get(target).status_code == 404
    assert client.post(target, {"days": 5}).status_code == 404
    assert not ActivationLink.objects.exists()
    listing = client.get(reverse("wagtailusers_users:index"))
    assert listing.status_code in (302, 403) or target not in listing.content.decode()


def test_user_link_page_queries_are_bounded(client, superuser, django_assert_max_num_queries):
    staff = UserFactory(username="staff4")
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts_activation:user", args=[staff.pk]))
