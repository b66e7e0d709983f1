"""The worker's "我的薪酬" (me/pay/): their own post, level and monthly pay, every change before
it, and the link on the worker's page (lms/nav.py)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from compensation import services
from compensation.choices import PlacementReason
from tests.conftest import login
from tests.factories import UserFactory, WorkerFactory

URL = "/me/pay/"
NOON = dt.datetime(2026, 6, 15, 12)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


def step(by, worker, post, level: int, on: dt.date, note: str = ""):
    return services.place_worker(
        by=by, worker=worker, post=post, level=level, effective_from=on, note=note,
        reason=PlacementReason.STEP,
    )  # fmt: skip


def test_url():
    assert reverse("compensation:my_pay") == URL


def test_a_worker_sees_post_level_pay_and_history(client, placed_worker, county_staff, posts):
    step(county_staff, placed_worker, posts["其他"], 4, dt.date(2026, 1, 1), "工作满3年\n晋1级")
    step(county_staff, placed_worker, posts["其他"], 5, dt.date(2026, 9, 1))  # not yet in force
    response = login(client, placed_worker.user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    current = page.split('id="current"')[1].split("</section>")[0]
    assert "其他" in current and "4 级" in current
    assert "<strong>2600.00</strong> 元" in current and "2026-01-01" in current
    history = page.split('id="history"')[1]
    rows = [
        ("2026-09-01", "其他 5 级", "2750.00", "年度晋档"),
        ("2026-01-01", "其他 4 级", "2600.00", "年度晋档：依据"),
        ("2024-03-01", "其他 2 级", "2300.00", "初次定级"),
    ]
    positions = [history.index(f">{day}</td>") for day, *_rest in rows]
    assert positions == sorted(positions)  # latest first
    for day, post_level, monthly, reason in rows:
        record = history.split(f">{day}</td>")[1].split("</tr>\n")[:2]
        assert post_level in record[0] and monthly in record[0] and reason in record[1]
    assert "工作满3年<br>晋1级" in history
    assert placed_worker.id_number not in page


def test_a_qualification_allowance_is_in_the_pay(client, placed_worker):
    placed_worker.qualification = "social_worker"
    placed_worker.save(update_fields=["qualification"])
    page = login(client, placed_worker.user).get(URL).content.decode()
    assert "<strong>2500.00</strong> 元" in page  # 2,300 + the 200 持证津贴


def test_a_worker_never_sees_another_workers_pay(
    client, placed_worker, other_worker, outsider, posts
):
    services.place_worker(
        by=outsider, worker=other_worker, post=posts["正职"], level=11,
        effective_from=dt.date(2025, 5, 1), note="另一人的定级依据",
    )  # fmt: skip
    page = login(client, placed_worker.user).get(URL).content.decode()
    assert "正职" not in page and "另一人的定级依据" not in page and "2025-05-01" not in page
    assert other_worker.name not in page


def test_a_worker_never_placed_sees_the_empty_text(client, worker, pay_table):
    page = login(client, worker.user).get(URL).content.decode()
    assert "尚未定级" in page and 'id="history"' not in page


def test_someone_without_a_worker_record_sees_no_record(client, county_staff, placed_worker):
    response = login(client, county_staff).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "没有社会化工会工作者档案" in page and "2300.00" not in page


def test_sign_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_is_refused(client, placed_worker):
    assert login(client, placed_worker.user).post(URL).status_code == 405


@pytest.mark.parametrize("changes", [1, 12])
def test_queries_do_not_grow_with_placements(
    client, placed_worker, county_staff, posts, changes, django_assert_max_num_queries
):
    for number in range(1, changes):
        step(
            county_staff,
            placed_worker,
            posts["其他"],
            2 + number % 10,
            dt.date(2024, 3, 1 + number),
        )
    other = WorkerFactory(federation=placed_worker.federation, user=UserFactory())
    services.place_worker(
        by=county_staff, worker=other, post=posts["其他"], level=3,
        effective_from=dt.date(2024, 5, 1),
    )  # fmt: skip
    login(client, placed_worker.user)
    # Session, user, the worker; placements with their posts, pay tables, rates, allowances;
    # the mentoring links and the two permission lookups for the header's admin link.
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    history = response.content.decode().split('id="history"')[1]
    assert history.count(">2024-03-") == changes


# The link ---------------------------------------------------------------------------------------


def test_a_worker_has_the_link_in_the_header_and_on_my_page(client, worker):
    page = login(client, worker.user).get(reverse("workforce:my_page")).content.decode()
    assert page.count(f'href="{URL}"') == 2  # the header, the card
    assert 'id="my-compensation-links"' in page


def test_people_without_a_worker_record_have_no_link(client, county_staff):
    verify = reverse("certificates:verify_search")  # a page with the site header
    assert URL not in login(client, county_staff).get(verify).content.decode()
    client.logout()
    assert URL not in client.get(verify).content.decode()
