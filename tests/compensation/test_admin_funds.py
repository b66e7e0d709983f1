"""The funds screens (compensation/funds_views.py): 经费来源 with the ledger and the exports, and
经费支出 (charge, void).

Each screen for ``county_staff``, ``city_staff`` and ``outsider`` (another county's source or
spending is a 404), the forms' happy paths and the services' refusals shown on the form, and
query-count bounds that do not grow with the rows.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from compensation import services
from compensation.choices import Source, Use
from compensation.models import FundSource, Spending
from tests.conftest import login
from tests.factories import WorkerFactory, confirmed_grade
from workforce.models import Worker

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def funds(view="index", *args, **query):
    target = reverse(f"compensation_funds:{view}", args=args)
    return f"{target}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else target


def spendings(view="index", *args):
    return reverse(f"compensation_spendings:{view}", args=args)


def html(response) -> str:
    return response.content.decode()


def charge(by, source, amount, *, use=Use.PAY, worker=None, note=""):
    return services.charge(
        by=by,
        source=source,
        use=use,
        amount=Decimal(amount),
        spent_on=dt.date(source.year, 3, 1),
        worker=worker,
        note=note,
    )


@pytest.fixture
def other_source(outsider, other_county):
    return services.save_fund_source(
        by=outsider,
        federation=other_county,
        year=2026,
        kind=Source.EMPLOYER,
        budget=Decimal("777"),
    )


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list(book[title].iter_rows(values_only=True))


# 经费来源 The list --------------------------------------------------------------------------


def test_index_shows_budget_spent_left_and_workers(
    client, county_staff, source, worker, other_source
):
    charge(county_staff, source, "1200.50", worker=worker)
    charge(county_staff, source, "300", use=Use.TRAINING)
    voided = charge(county_staff, source, "999")
    services.void_spending(by=county_staff, spending=voided, reason="重复登记")
    login(client, county_staff)
    page = html(client.get(funds()))
    assert "县级预算" in page
    assert "10,000.00" in page and "1,500.50" in page and "8,499.50" in page
    assert "777.00" not in page  # another county's source is not listed
    row = page[page.index("县级预算") :]
    assert "<td>1</td>" in row.replace(" ", "").replace("\n", "")  # one worker paid for


def test_index_filters_by_year_and_federation(client, city_staff, source, other_source, county):
    login(client, city_staff)
    assert "777.00" in html(client.get(funds()))
    page = html(client.get(funds(federation=county.pk)))
    assert "10,000.00" in page and "777.00" not in page
    assert "10,000.00" not in html(client.get(funds(year=2025)))


def test_outsider_and_worker_reach_no_source(client, outsider, worker, source):
    login(client, outsider)
    assert "10,000.00" not in html(client.get(funds()))
    for view in ("inspect", "edit", "history", "spendings_xlsx"):
        assert client.get(funds(view, source.pk)).status_code == 404, view
    login(client, worker.user)
    assert client.get(funds()).status_code in (302, 403)


# 经费来源 Add and change a budget --------------------------------------------------------------


def test_add_offers_only_the_users_county_level_federations(
    client, city_staff, county, park, other_county
):
    login(client, city_staff)
    form = client.get(funds("add")).context["form"]
    assert set(form.fields["federation"].queryset) == {county, other_county}


def test_add_a_budget(client, county_staff, county):
    login(client, county_staff)
    response = client.post(
        funds("add"),
        {"federation": county.pk, "year": 2026, "kind": Source.PUBLIC_WELFARE, "budget": "50000"},
    )
    source = FundSource.objects.get(federation=county, kind=Source.PUBLIC_WELFARE)
    assert response.status_code == 302
    assert response["Location"] == funds("inspect", source.pk)
    assert source.budget == Decimal("50000.00")
    assert ModelLogEntry.objects.filter(action="compensation.budget").exists()


def test_add_refuses_a_federation_not_offered_and_a_second_budget(
    client, county_staff, county, other_county, source
):
    login(client, county_staff)
    body = {"federation": other_county.pk, "year": 2026, "kind": Source.EMPLOYER, "budget": "1"}
    response = client.post(funds("add"), body)
    assert response.status_code == 200 and response.context["form"].errors["federation"]
    body = {"federation": county.pk, "year": 2026, "kind": Source.COUNTY_BUDGET, "budget": "1"}
    response = client.post(funds("add"), body)
    assert response.status_code == 200 and response.context["form"].errors
    source.refresh_from_db()
    assert source.budget == Decimal("10000.00")
    assert FundSource.objects.count() == 1


def test_edit_changes_the_budget_but_never_below_what_is_spent(client, county_staff, source):
    charge(county_staff, source, "4000")
    login(client, county_staff)
    response = client.post(funds("edit", source.pk), {"budget": "3999", "note": ""})
    assert response.status_code == 200
    assert "预算不能低于已支出金额" in html(response)
    source.refresh_from_db()
    assert source.budget == Decimal("10000.00")
    response = client.post(funds("edit", source.pk), {"budget": "12000", "note": "追加"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.budget, source.note) == (Decimal("12000.00"), "追加")


# 经费来源 A source's page --------------------------------------------------------------------


def test_source_page_lists_spending_with_voided_marks_and_workers_paid(
    client, county_staff, source, worker
):
    charge(county_staff, source, "2300", worker=worker, note="3月工资")
    wrong = charge(county_staff, source, "80", use=Use.TRAINING, note="误录")
    services.void_spending(by=county_staff, spending=wrong, reason="录错来源")
    login(client, county_staff)
    response = client.get(funds("inspect", source.pk))
    page = html(response)
    assert "3月工资" in page and "2,300.00" in page
    assert f'data-spending="{wrong.pk}" data-voided' in page and "录错来源" in page
    assert "7,700.00" in page  # left: the voided 80 no longer counts
    assert f'data-worker="{worker.pk}"' in page and worker.name in page
    assert spendings("void", wrong.pk) not in page  # nothing left to void


# 经费台账 The ledger ------------------------------------------------------------------------


@pytest.fixture
def funded_year(county_staff, city_staff, county, source, worker, scheme):
    """The county's 2026: two sources, spending by use, a public-welfare post worker and a
    part-time worker graded 优秀 with a 1,200-yuan subsidy."""
    welfare = services.save_fund_source(
        by=county_staff,
        federation=county,
        year=2026,
        kind=Source.PUBLIC_WELFARE,
        budget=Decimal("6000"),
    )
    charge(county_staff, source, "2300", worker=worker)
    charge(county_staff, source, "500", use=Use.INSURANCE, worker=worker)
    charge(county_staff, welfare, "1000", use=Use.TRAINING)
    WorkerFactory(
        federation=county, name="公益岗甲", employment_mode=Worker.EmploymentMode.PUBLIC_WELFARE
    )
    part_timer = WorkerFactory(
        federation=county, name="兼职乙", employment_mode=Worker.EmploymentMode.PART_TIME
    )
    confirmed_grade(part_timer, 2026, 30)
    services.set_subsidies(
        by=city_staff,
        scheme=scheme,
        effective_from=dt.date(2024, 1, 1),
        yearly={30: Decimal("1200"), 20: Decimal("800")},
    )
    return source, welfare


def test_ledger_shows_sources_by_use_with_totals_and_subsidies(
    client, county_staff, county, funded_year
):
    login(client, county_staff)
    response = client.get(funds("ledger", federation=county.pk, year=2026))
    page = html(response)
    assert response.context["federation"] == county
    assert "政府公益性岗位补助" in page and "县级预算" in page
    assert response.context["totals"] == [
        "16,000.00",  # budget
        "2,300.00",  # pay
        "500.00",  # insurance
        "0.00",  # subsidy
        "1,000.00",  # training
        "3,800.00",  # spent
        "12,200.00",  # left
    ]
    assert response.context["welfare"] == 1 and response.context["welfare_amount"] == "500.00"
    assert "兼职乙" in page and response.context["subsidy_total"] == "1,200.00"


def test_ledger_defaults_to_the_users_county_and_refuses_another(
    client, county_staff, county, other_county
):
    login(client, county_staff)
    response = client.get(funds("ledger"))
    assert response.context["federation"] == county
    assert response.context["year"] == TODAY.year
    assert client.get(funds("ledger", federation=other_county.pk)).status_code == 404
    assert client.get(funds("ledger_xlsx", federation=other_county.pk)).status_code == 404


def test_ledger_xlsx(client, county_staff, county, funded_year):
    login(client, county_staff)
    response = client.get(funds("ledger_xlsx", federation=county.pk, year=2026))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ledger = sheet_rows(response.content, "经费台账")
    assert ledger[0][:3] == ("经费来源", "预算（元）", "工资（元）")
    assert ledger[-1][0] == "合计"
    assert ledger[-1][1] == 16000 and ledger[-1][6] == 3800
    subsidies = sheet_rows(response.content, "补助测算")
    assert subsidies[1][1:] == (1, 500) and subsidies[2][1:] == (1, 1200)
    assert sheet_rows(response.content, "兼职工作补贴")[1] == ("兼职乙", "优秀", 1200)


def test_spending_list_xlsx_marks_voided_records(client, county_staff, source, worker):
    charge(county_staff, source, "2300", worker=worker, note="工资")
    wrong = charge(county_staff, source, "80", note="误录")
    services.void_spending(by=county_staff, spending=wrong, reason="录错")
    login(client, county_staff)
    rows = sheet_rows(client.get(funds("spendings_xlsx", source.pk)).content, "支出明细")
    assert rows[0][0] == "支出日期"
    assert [(row[2], row[3], row[6], row[7]) for row in rows[1:]] == [
        (2300, worker.name, "有效", None),
        (80, None, "已作废", "录错"),
    ]


# 经费支出 Charge and void -------------------------------------------------------------------


def charge_body(source, amount, **extra):
    return {
        "source": source.pk,
        "use": Use.PAY,
        "amount": amount,
        "spent_on": "2026-05-31",
        "worker": "",
        "note": "5月工资",
        **extra,
    }


def test_charge_form_offers_the_users_sources_and_the_sources_workers(
    client, city_staff, source, other_source, worker, other_worker
):
    login(client, city_staff)
    form = client.get(spendings("add")).context["form"]
    assert set(form.fields["source"].queryset) == {source, other_source}
    form = client.get(f"{spendings('add')}?source={source.pk}").context["form"]
    assert form.initial["source"] == str(source.pk)
    assert list(form.fields["worker"].queryset) == [worker]


def test_charge(client, county_staff, source, worker):
    login(client, county_staff)
    response = client.post(spendings("add"), charge_body(source, "2300", worker=worker.pk))
    assert response.status_code == 302
    assert response["Location"] == funds("inspect", source.pk)
    spending = Spending.objects.get()
    assert (spending.amount, spending.worker, spending.created_by) == (
        Decimal("2300.00"),
        worker,
        county_staff,
    )


def test_charge_past_what_is_left_is_refused_on_the_form(client, county_staff, source):
    charge(county_staff, source, "9000")
    login(client, county_staff)
    response = client.post(spendings("add"), charge_body(source, "1000.01"))
    assert response.status_code == 200
    assert "超出该经费来源的剩余预算" in html(response)
    assert Spending.objects.count() == 1


def test_charge_refuses_another_countys_source_and_worker(
    client, county_staff, source, other_source, other_worker
):
    login(client, county_staff)
    response = client.post(spendings("add"), charge_body(other_source, "10"))
    assert response.context["form"].errors["source"]
    response = client.post(spendings("add"), charge_body(source, "10", worker=other_worker.pk))
    assert response.context["form"].errors["worker"]
    assert not Spending.objects.exists()


def test_void_needs_a_reason_and_then_stops_counting(client, county_staff, source):
    spending = charge(county_staff, source, "500")
    login(client, county_staff)
    response = client.post(spendings("void", spending.pk), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(spendings("void", spending.pk), {"reason": "重复登记"})
    assert response["Location"] == funds("inspect", source.pk)
    spending.refresh_from_db()
    assert spending.voided_by == county_staff and spending.void_reason == "重复登记"
    response = client.post(spendings("void", spending.pk), {"reason": "再次"}, follow=True)
    assert "该支出已作废" in html(response)


def test_outsider_cannot_void_the_countys_spending(client, county_staff, outsider, source):
    spending = charge(county_staff, source, "500")
    login(client, outsider)
    assert client.get(spendings("void", spending.pk)).status_code == 404
    assert client.post(spendings("void", spending.pk), {"reason": "x"}).status_code == 404
    spending.refresh_from_db()
    assert spending.voided_at is None


def test_spending_index_lists_filters_and_offers_void(
    client, county_staff, outsider, source, other_source
):
    kept = charge(county_staff, source, "100", note="保留")
    voided = charge(county_staff, source, "200", note="作废的")
    services.void_spending(by=county_staff, spending=voided, reason="错")
    charge(outsider, other_source, "300", note="外县")
    login(client, county_staff)
    page = html(client.get(spendings()))
    assert "保留" in page and "作废的" in page and "外县" not in page
    assert spendings("void", kept.pk) in page and spendings("void", voided.pk) not in page
    page = html(client.get(f"{spendings()}?voided=false"))
    assert "保留" in page and "作废的" not in page
    page = html(client.get(f"{spendings()}?source={source.pk}&use=pay"))
    assert "保留" in page


# Query bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 15])
def test_pages_query_count_does_not_grow(
    count, client, county_staff, county, django_assert_max_num_queries
):
    sources = [
        services.save_fund_source(
            by=county_staff,
            federation=county,
            year=2026 - n // 4,
            kind=Source.values[n % 4],
            budget=Decimal("100000"),
        )
        for n in range(count)
    ]
    source = sources[0]
    for other in sources:
        worker = WorkerFactory(federation=county, employment_mode=Worker.EmploymentMode.PART_TIME)
        charge(county_staff, source, "10", worker=worker)
        charge(county_staff, other, "10", use=Use.TRAINING)
    login(client, county_staff)
    # The same bound with 1 row and with 15: sources, spending records, workers paid for.
    pages = [
        (funds(), 12),
        (funds("inspect", source.pk), 16),
        (funds("ledger", federation=county.pk, year=2026), 18),
        (funds("ledger_xlsx", federation=county.pk, year=2026), 15),
        (funds("spendings_xlsx", source.pk), 8),
        (spendings(), 13),
    ]
    for page, bound in pages:
        with django_assert_max_num_queries(bound):
            response = client.get(page)
        assert response.status_code == 200, page
