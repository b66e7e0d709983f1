"""登录锁定: the locks django-axes holds now, for staff to lift."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.choices import EventKind
from accounts.models import AuthEvent
from tests.factories import UserFactory, WorkerFactory

URL = "/admin/accounts/lockouts/"


def locked(username, *, ip="10.0.0.1", failures=10, minutes_ago=0, agent=""):
    attempt = AccessAttempt.objects.create(
        username=username, ip_address=ip, user_agent=agent, http_accept="", path_info="/",
        get_data="", post_data="", failures_since_start=failures,
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return attempt


def unlock_url(attempt) -> str:
    return f"{URL}{attempt.pk}/unlock/"


def listing(response) -> str:
    page = response.content.decode()
    start = page.find('<table class="listing')
    return page[start : page.index("</table>", start)] if start >= 0 else ""


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_staff_see_the_current_locks_of_their_accounts(client, county_staff, worker, other_worker):
    locked("worker", ip="10.0.0.5")
    locked(other_worker.user.username)  # another county's
    locked("worker", ip="10.0.0.6", minutes_ago=31)  # the lock has ended
    locked("worker", ip="10.0.0.7", failures=3)  # not locked
    locked("nobody-typed-this")  # no account: superusers only
    client.force_login(county_staff)
    response = client.get(URL)
    assert response.status_code == 200
    rows = listing(response)
    assert "张晓梅" in rows and "10.0.0.5" in rows
    for absent in ("10.0.0.6", "10.0.0.7", other_worker.name, "nobody-typed-this"):
        assert absent not in rows
    assert "解除锁定" in rows


def test_superusers_see_every_lock(client, superuser, worker, other_worker):
    locked("worker")
    locked(other_worker.user.username)
    locked("nobody-typed-this")
    client.force_login(superuser)
    rows = listing(client.get(URL))
    assert "张晓梅" in rows and other_worker.name in rows and "nobody-typed-this" in rows


def test_unlock(client, county_staff, worker):
    attempt = locked("worker", ip="10.0.0.5")
    locked("worker", ip="10.0.0.6")
    client.force_login(county_staff)
    page = client.get(unlock_url(attempt))
    assert page.status_code == 200
    assert "张晓梅" in page.content.decode()
    response = client.post(unlock_url(attempt))
    assert response["Location"] == URL
    assert not AccessAttempt.objects.filter(username="worker").exists()  # every address
    event = AuthEvent.objects.get(kind=EventKind.UNLOCKED)
    assert (event.user, event.actor) == (worker.user, county_staff)


def test_another_countys_lock_is_a_404(client, outsider, worker):
    attempt = locked("worker")
    client.force_login(outsider)
    assert client.get(unlock_url(attempt)).status_code == 404
    assert client.post(unlock_url(attempt)).status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert "张晓梅" not in listing(client.get(URL))


def test_workers_are_refused(client, worker):
    attempt = locked("worker")
    client.force_login(worker.user)
    for response in (client.get(URL), client.post(unlock_url(attempt))):
        assert response.status_code == 302 and "login" in response["Location"]
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_bounded_number_of_queries(client, county_staff, county, django_assert_max_num_queries):
    locked(WorkerFactory(federation=county).user.username)
    client.force_login(county_staff)
    client.get(URL)
    with django_assert_max_num_queries(15) as one:
        client.get(URL)
    for n in range(30):
        locked(WorkerFactory(federation=county).user.username, ip=f"10.0.1.{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = listing(client.get(URL))
    assert rows.count("解除锁定") == 31
