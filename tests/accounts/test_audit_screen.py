"""认证日志: the superuser's screen of authentication events."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import services
from accounts.choices import EventKind
from accounts.models import AuthEvent
from tests.factories import UserFactory

URL = "/admin/accounts/events/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def event(kind, *, user=None, identifier="", ip="10.0.0.1", days_ago=0, actor=None):
    item = services.record(kind, user=user, identifier=identifier, actor=actor)
    AuthEvent.objects.filter(pk=item.pk).update(
        ip=ip, at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return item


def rows(response) -> str:
    """The table's rows (the filters above name every kind of event)."""
    page = response.content.decode()
    start = page.find('<table class="listing')
    return page[start : page.index("</table>", start)] if start >= 0 else ""


def test_lists_events_newest_first_with_their_columns(client, superuser, worker, county_staff):
    event(EventKind.SIGN_IN_FAILED, user=worker.user, identifier="13800001111", days_ago=2)
    event(EventKind.UNLOCKED, user=worker.user, actor=county_staff, ip="10.0.0.7")
    client.force_login(superuser)
    response = client.get(URL)
    assert "认证日志" in response.content.decode()
    page = rows(response)
    assert page.index("解除锁定") < page.index("登录失败")  # newest first
    for text in ("13800001111", "10.0.0.7", "county_staff", "worker"):
        assert text in page


def test_filters_and_search(client, superuser, worker, county_staff):
    event(EventKind.SIGN_IN_FAILED, identifier="typed-by-someone", ip="10.0.0.2", days_ago=10)
    event(EventKind.SIGNED_IN, user=county_staff, ip="10.0.0.3")
    client.force_login(superuser)
    by_kind = rows(client.get(URL, {"kind": EventKind.SIGNED_IN}))
    assert "county_staff" in by_kind and "typed-by-someone" not in by_kind
    by_ip = rows(client.get(URL, {"ip": "10.0.0.2"}))
    assert "typed-by-someone" in by_ip and "county_staff" not in by_ip
    recent = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    by_date = rows(client.get(URL, {"at_from": recent}))
    assert "county_staff" in by_date and "typed-by-someone" not in by_date
    searched = rows(client.get(URL, {"q": "typed-by"}))
    assert "typed-by-someone" in searched and "county_staff" not in searched
    by_account = rows(client.get(URL, {"q": "county_st"}))
    assert "county_staff" in by_account and "typed-by-someone" not in by_account
    assert client.get(URL + "results/", {"q": "typed"}).status_code == 200


@pytest.mark.parametrize("persona", ["city_staff", "county_staff"])
def test_staff_are_refused(db, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"  # Wagtail's permission denial


def test_workers_are_refused(client, worker):
    client.force_login(worker.user)
    assert client.get(URL).status_code == 302
    assert "login" in client.get(URL)["Location"]


def test_a_bounded_number_of_queries(client, superuser, worker, django_assert_max_num_queries):
    client.force_login(superuser)
    event(EventKind.SIGNED_IN, user=worker.user, actor=superuser)
    client.get(URL)
    with django_assert_max_num_queries(12) as one:
        client.get(URL)
    for _ in range(30):
        event(EventKind.SIGNED_IN, user=UserFactory(), actor=UserFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(URL)
    assert page.status_code == 200


def test_prune_command(capsys, db):
    from django.core.management import call_command

    event(EventKind.SIGNED_IN, identifier="old", days_ago=400)
    event(EventKind.SIGNED_IN, identifier="new", days_ago=1)
    call_command("prune_auth_events")
    assert "1" in capsys.readouterr().out
    assert list(AuthEvent.objects.values_list("identifier", flat=True)) == ["new"]
