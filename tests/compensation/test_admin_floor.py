"""The floor screens (compensation/floor_views.py): minimum wages kept by the city, tiers set
from above, the floor check per county with its list and XLSX, and insurance months."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from compensation import services
from compensation.models import InsuranceYear, MinimumWage, TierAssignment
from tests.factories import WorkerFactory, make_federation

from .conftest import TODAY

pytestmark = pytest.mark.django_db

WAGES = "compensation_wages"
TIERS = "compensation_tiers"
CHECK = "compensation_floor_check"
INSURANCE = "compensation_insurance"
ANNOUNCED = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _today():
    """The screens read today from the clock: 2026-06-15."""
    noon = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10, 0)))
    with time_machine.travel(noon, tick=False):
        yield


def place(by, worker, posts, level):
    services.place_worker(
        by=by, worker=worker, post=posts["其他"], level=level, effective_from=worker.hire_date
    )
    return worker


# 最低工资标准 ------------------------------------------------------------------------------------


def test_wage_list_marks_the_amount_in_force_and_the_one_announced(client, city_staff, floor):
    for monthly, since in [("1900", dt.date(2020, 1, 1)), ("2200", ANNOUNCED)]:
        services.save_minimum_wage(by=city_staff, tier=1, monthly=D(monthly), effective_from=since)
    client.force_login(city_staff)
    response = client.get(reverse(f"{WAGES}:index"))
    page = response.content.decode()
    assert "与四川省人民政府现行的最低工资标准通知核对" in page
    listing = page[page.index('class="listing') :]
    rows = listing[listing.index("<tbody") :].split("<tr")[1:]
    assert ["2200.00" in rows[0], "2100.00" in rows[1], "1900.00" in rows[2]] == [True] * 3
    assert "已公布，待执行" in rows[0] and "现行" in rows[1] and "已停止执行" in rows[2]
    assert reverse(f"{WAGES}:add") in page
    assert reverse(f"{WAGES}:edit", args=[floor.pk]) in page


def test_other_staff_see_the_wages_without_buttons(client, county_staff, floor):
    client.force_login(county_staff)
    page = client.get(reverse(f"{WAGES}:index")).content.decode()
    assert "2100.00" in page
    assert reverse(f"{WAGES}:add") not in page
    assert reverse(f"{WAGES}:edit", args=[floor.pk]) not in page


def _wage_body(monthly="2300", since="2027-01-01", tier=1):
    return {"tier": tier, "monthly": monthly, "effective_from": since, "note": "川府规〔2026〕1号"}


def test_the_city_adds_and_corrects_a_wage(client, city_staff):
    client.force_login(city_staff)
    response = client.post(reverse(f"{WAGES}:add"), _wage_body())
    assert response.status_code == 302
    wage = MinimumWage.objects.get()
    assert (wage.tier, wage.monthly, wage.effective_from) == (1, D("2300"), dt.date(2027, 1, 1))
    response = client.post(reverse(f"{WAGES}:edit", args=[wage.pk]), _wage_body(monthly="2350"))
    assert response.status_code == 302
    wage.refresh_from_db()
    assert wage.monthly == D("2350")
    actions = ModelLogEntry.objects.filter(object_id=str(wage.pk)).values_list("action", flat=True)
    assert list(actions) == ["compensation.wage", "compensation.wage"]


def test_a_countys_wage_post_is_refused_by_the_service(client, county_staff, floor):
    client.force_login(county_staff)
    response = client.post(reverse(f"{WAGES}:add"), _wage_body())
    assert response.status_code == 200
    assert "只有市总工会可以维护最低工资标准。" in response.content.decode()
    response = client.post(reverse(f"{WAGES}:edit", args=[floor.pk]), _wage_body(monthly="1"))
    assert "只有市总工会可以维护最低工资标准。" in response.content.decode()
    assert list(MinimumWage.objects.values_list("monthly", flat=True)) == [D("2100")]


def test_a_second_wage_on_the_same_date_is_refused(client, city_staff, floor):
    client.force_login(city_staff)
    response = client.post(reverse(f"{WAGES}:add"), _wage_body(since="2022-10-01"))
    assert response.status_code == 200
    assert MinimumWage.objects.count() == 1


@pytest.mark.parametrize("count", [1, 15])
def test_wage_list_queries_do_not_grow(count, client, city_staff, django_assert_max_num_queries):
    for n in range(count):
        services.save_minimum_wage(
            by=city_staff,
            tier=n % 3 + 1,
            monthly=D(2000 + n),
            effective_from=dt.date(2010 + n, 1, 1),
        )
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(f"{WAGES}:index"))
    assert response.status_code == 200


# 最低工资档次 ------------------------------------------------------------------------------------


def test_tiers_are_listed_within_the_users_subtree(
    client, city_staff, county_staff, outsider, county, other_county
):
    for federation, tier in [(county, 1), (other_county, 2)]:
        services.assign_tier(
            by=city_staff, federation=federation, tier=tier, effective_from=dt.date(2022, 10, 1)
        )
    for user, shown, hidden in [
        (city_staff, ["涪城区总工会", "游仙区总工会"], []),
        (county_staff, ["涪城区总工会"], ["游仙区总工会"]),
        (outsider, ["游仙区总工会"], ["涪城区总工会"]),
    ]:
        client.force_login(user)
        page = client.get(reverse(f"{TIERS}:index")).content.decode()
        assert all(name in page for name in shown)
        assert not any(name in page for name in hidden)


def test_tier_choices_are_the_federations_below(
    client, city_staff, county_staff, city, county, park, other_county
):
    client.force_login(county_staff)
    choices = client.get(reverse(f"{TIERS}:add")).context["form"].fields["federation"].queryset
    assert list(choices) == [park]
    client.force_login(city_staff)
    choices = client.get(reverse(f"{TIERS}:add")).context["form"].fields["federation"].queryset
    # The city sets its own tier too (the default below it): nobody is above it.
    assert list(choices) == [city, county, park, other_county]


def test_the_city_sets_and_corrects_a_countys_tier(client, city_staff, county):
    client.force_login(city_staff)
    body = {"federation": county.pk, "tier": 2, "effective_from": "2026-07-01"}
    assert client.post(reverse(f"{TIERS}:add"), body).status_code == 302
    # The same date again replaces that date's tier (services.assign_tier).
    assert client.post(reverse(f"{TIERS}:add"), {**body, "tier": 3}).status_code == 302
    assert list(TierAssignment.objects.values_list("federation", "tier")) == [(county.pk, 3)]


def test_a_county_cannot_set_its_own_tier(client, county_staff, county):
    client.force_login(county_staff)
    body = {"federation": county.pk, "tier": 2, "effective_from": "2026-07-01"}
    response = client.post(reverse(f"{TIERS}:add"), body)
    assert response.status_code == 200 and response.context["form"].errors["federation"]
    assert not TierAssignment.objects.exists()


@pytest.mark.parametrize("count", [1, 15])
def test_tier_list_queries_do_not_grow(
    count, client, city_staff, county, django_assert_max_num_queries
):
    for n in range(count):
        services.assign_tier(
            by=city_staff, federation=county, tier=n % 3 + 1, effective_from=dt.date(2010 + n, 1, 1)
        )
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(f"{TIERS}:index"))
    assert response.status_code == 200


# 最低工资核查 ------------------------------------------------------------------------------------


@pytest.fixture
def check(city, county, park, other_county, city_staff, posts, floor, placed_worker, other_worker):
    """Every status once on 2026-06-15: tier 1 (涪城区) pays 2,100 and announces 2,200 from
    2026-10-01; 游仙区 is tier 2 at 2,300; 安州区 has no tier. Level 1 pays 2,150, level 2
    2,300."""
    services.save_minimum_wage(by=city_staff, tier=1, monthly=D("2200"), effective_from=ANNOUNCED)
    services.save_minimum_wage(
        by=city_staff, tier=2, monthly=D("2300"), effective_from=dt.date(2022, 10, 1)
    )
    services.assign_tier(
        by=city_staff, federation=other_county, tier=2, effective_from=dt.date(2022, 10, 1)
    )
    third = make_federation("安州区总工会", "AZ", parent=city)
    return {
        "above": placed_worker,  # 2,300 > 2,200 too
        "will_fall": place(city_staff, WorkerFactory(federation=county, name="将低于"), posts, 1),
        "unplaced": WorkerFactory(federation=park, name="未定级"),
        "below": place(city_staff, other_worker, posts, 2),  # 2,300, equal to the floor
        "no_floor": place(city_staff, WorkerFactory(federation=third, name="无档次"), posts, 2),
        "third": third,
    }


def _counts(response) -> dict[str, list[int]]:
    """Return {row name: [checked, above, below, will fall, unplaced, no floor]}."""
    rows = {
        name: [checked, *(count for count, _url in cells)]
        for name, checked, cells in response.context["table"]
    }
    checked, cells = response.context["totals"]
    rows["合计"] = [checked, *(count for count, _url in cells)]
    return rows


def test_floor_check_counts_each_county(client, city_staff, check):
    client.force_login(city_staff)
    response = client.get(reverse(f"{CHECK}:index"))
    assert _counts(response) == {
        "涪城区总工会": [3, 1, 0, 1, 1, 0],
        "游仙区总工会": [1, 0, 1, 0, 0, 0],
        "安州区总工会": [1, 0, 0, 0, 0, 1],
        "合计": [5, 1, 1, 1, 1, 1],
    }
    listed = {entry["row"].name: entry["status"] for entry in response.context["entries"]}
    assert listed == {
        "将低于": "将不高于新标准",
        "未定级": "未定级",
        "李强": "不高于最低工资",
        "无档次": "无适用最低工资标准",
    }
    page = response.content.decode()
    assert "2200.00 元（2026-10-01 起）" in page
    assert reverse("compensation_placements:worker", args=[check["below"].pk]) in page
    # Each count links to its workers, with the date and the county.
    assert f"?on=2026-06-15&amp;status=below&amp;federation={check['below'].federation_id}" in page


def test_floor_check_takes_date_status_and_federation(client, city_staff, county, check):
    client.force_login(city_staff)
    response = client.get(
        reverse(f"{CHECK}:index"), {"on": "2026-10-01", "status": "below", "federation": county.pk}
    )
    assert _counts(response) == {"涪城区总工会": [3, 1, 1, 0, 1, 0], "合计": [3, 1, 1, 0, 1, 0]}
    assert [entry["row"].name for entry in response.context["entries"]] == ["将低于"]


def test_a_bad_date_shows_an_error_and_checks_today(client, city_staff, check):
    client.force_login(city_staff)
    response = client.get(reverse(f"{CHECK}:index"), {"on": "2026-13-01"})
    assert response.context["on"] == TODAY and response.context["form"].errors["on"]


def test_county_staff_check_their_county_only(client, county_staff, other_county, check):
    client.force_login(county_staff)
    response = client.get(reverse(f"{CHECK}:index"))
    assert list(_counts(response)) == ["涪城区总工会", "合计"]
    for url in (reverse(f"{CHECK}:index"), reverse(f"{CHECK}:export")):
        assert client.get(url, {"federation": other_county.pk}).status_code == 404


def test_floor_check_export_has_every_worker(client, city_staff, check):
    client.force_login(city_staff)
    response = client.get(reverse(f"{CHECK}:export"), {"on": "2026-06-15"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:5] == ["姓名", "所属总工会", "岗位", "级", "月薪（元）"]
    by_name = {row[0]: row for row in rows}
    assert len(rows) == 5
    assert by_name["将低于"][1:] == [
        "涪城区总工会", "其他", 1, 2150, 1, 2100, "将不高于新标准", 2200, dt.datetime(2026, 10, 1),
    ]  # fmt: skip
    assert by_name["未定级"][2:8] == [None, None, None, 1, 2100, "未定级"]
    assert by_name["李强"][7] == "不高于最低工资"


def test_floor_check_lists_page_by_page(client, monkeypatch, city_staff, county, floor):
    monkeypatch.setattr("compensation.floor_views.PER_PAGE", 2)
    for name in ("甲", "乙", "丙"):
        WorkerFactory(federation=county, name=name)  # unplaced
    client.force_login(city_staff)
    response = client.get(reverse(f"{CHECK}:index"), {"status": "unplaced", "p": "2"})
    assert [entry["row"].name for entry in response.context["entries"]] == ["甲"]
    assert "status=unplaced&amp;p=1" in response.content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_floor_check_queries_do_not_grow(
    count, client, city_staff, county, posts, pay_table, floor, django_assert_max_num_queries
):
    for n in range(count):
        place(city_staff, WorkerFactory(federation=county), posts, n % 3 + 1)
        WorkerFactory(federation=county)  # unplaced: listed
    client.force_login(city_staff)
    for url in (reverse(f"{CHECK}:index"), reverse(f"{CHECK}:export")):
        with django_assert_max_num_queries(20):
            response = client.get(url, {"federation": county.pk})
        assert response.status_code == 200


# 社会保险 ---------------------------------------------------------------------------------------


def test_insurance_lists_missing_months_with_a_record_link(client, county_staff, worker):
    services.record_insurance(by=county_staff, worker=worker, year=2026, months=[2, 5])
    client.force_login(county_staff)
    response = client.get(reverse(f"{INSURANCE}:index"))
    assert response.context["year"] == 2026
    [(gap, months, url)] = response.context["entries"]
    assert (gap.name, months) == (worker.name, "1、3-4月")
    assert url == reverse(f"{INSURANCE}:record", args=[worker.pk, 2026])
    response = client.get(reverse(f"{INSURANCE}:index"), {"year": "2025"})
    [(gap, months, _url)] = response.context["entries"]
    assert months == "1-12月"


def test_insurance_form_records_the_months(client, county_staff, worker):
    services.record_insurance(by=county_staff, worker=worker, year=2026, months=[1, 2])
    client.force_login(county_staff)
    url = reverse(f"{INSURANCE}:record", args=[worker.pk, 2026])
    assert client.get(url).context["form"].initial == {"months": [1, 2]}
    response = client.post(url, {"months": ["1", "2", "3", "4", "5"]})
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{INSURANCE}:index") + "?year=2026"
    assert InsuranceYear.objects.get(worker=worker, year=2026).paid() == [1, 2, 3, 4, 5]
    assert client.get(response["Location"]).context["entries"] == []


def test_another_countys_worker_is_not_found(client, outsider, county, worker):
    client.force_login(outsider)
    url = reverse(f"{INSURANCE}:record", args=[worker.pk, 2026])
    assert client.get(url).status_code == 404
    assert client.post(url, {"months": ["1"]}).status_code == 404
    assert not InsuranceYear.objects.exists()
    response = client.get(reverse(f"{INSURANCE}:index"), {"federation": county.pk})
    assert response.status_code == 404


def test_a_year_out_of_range_is_not_found(client, county_staff, worker):
    client.force_login(county_staff)
    url = reverse(f"{INSURANCE}:record", args=[worker.pk, 1999])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_insurance_list_queries_do_not_grow(
    count, client, county_staff, county, django_assert_max_num_queries
):
    for _n in range(count):
        WorkerFactory(federation=county)
    client.force_login(county_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(f"{INSURANCE}:index"), {"year": "2026"})
    assert len(response.context["entries"]) == count
