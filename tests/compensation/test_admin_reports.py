"""The self-inspection screens (compensation/report_views.py, printing.py): start a report, its
page with the figures in sections and the problems' links, remarks, submit, the review above
the county, the PDF and the city's overview.

The problems found link to the floor check and insurance screens of the FLOOR work; until those
URL names exist, the tests that follow such a link are skipped, and the other tests use a county
whose workers are placed above the floor and insured.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from compensation import services
from compensation.choices import ReportState, Source, Use
from compensation.models import SelfInspection
from compensation.report_views import problem_links
from tests.conftest import login
from tests.factories import PostingFactory, UnitFactory, WorkerFactory, make_federation
from workforce.models import Federation

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def reports(view="index", *args, **query):
    target = reverse(f"compensation_reports:{view}", args=args)
    return f"{target}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else target


def html(response) -> str:
    return response.content.decode()


def squeeze(text: str) -> str:
    return "".join(text.split())


def in_order(county_staff, worker, posts, pay_table, floor, level=2):
    """Place ``worker`` above the floor and record a full year of insurance."""
    services.place_worker(
        by=county_staff, worker=worker, post=posts["其他"], level=level, effective_from=TODAY
    )
    services.record_insurance(by=county_staff, worker=worker, year=2026, months=range(1, 13))
    return worker


@pytest.fixture
def orderly(county_staff, county, worker, posts, pay_table, floor, source):
    """The county with its worker placed above the floor and insured, and a funded year."""
    in_order(county_staff, worker, posts, pay_table, floor)
    services.charge(
        by=county_staff,
        source=source,
        use=Use.PAY,
        amount=Decimal("2300"),
        spent_on=dt.date(2026, 5, 31),
        worker=worker,
    )
    return county


@pytest.fixture
def report(county_staff, orderly):
    return services.start_report(by=county_staff, federation=orderly, year=2026)


def submitted(by, report, remarks="本年度按要求完成自查。"):
    services.save_report_text(
        by=by, report=report, remarks=remarks, corrective_actions="加强培训。"
    )
    return services.submit_report(by=by, report=report, today=TODAY)


# Start ----------------------------------------------------------------------------------------


def test_start_opens_the_years_report_once(client, county_staff, county):
    login(client, county_staff)
    response = client.post(reports("add"), {"federation": county.pk, "year": 2026})
    report = SelfInspection.objects.get()
    assert response["Location"] == reports("inspect", report.pk)
    assert report.state == ReportState.DRAFT
    response = client.post(reports("add"), {"federation": county.pk, "year": 2026})
    assert response["Location"] == reports("inspect", report.pk)
    assert SelfInspection.objects.count() == 1


def test_start_offers_only_county_level_federations(client, city_staff, county, park, other_county):
    login(client, city_staff)
    response = client.get(reports("add", federation=county.pk, year=2025))
    form = response.context["form"]
    assert set(form.fields["federation"].queryset) == {county, other_county}
    assert (form.initial["federation"], form.initial["year"]) == (str(county.pk), "2025")


# The report page -----------------------------------------------------------------------------


def test_page_shows_the_live_figures_in_labelled_sections(client, county_staff, county, report):
    UnitFactory(federation=county, name="无人工会", headcount=300)
    login(client, county_staff)
    response = client.get(reports("inspect", report.pk))
    page = html(response)
    assert 'data-figures="live"' in page
    for text in (
        "一、人员聘用情况",
        "总工会直接聘用",
        "公开招聘",
        "二、配备标准执行情况",
        "三、教育培训情况",
        "年度培训学时",
        "四、年度考核情况",
        "五、薪酬与最低工资",
        "高于最低工资标准",
        "六、社会保险",
        "七、经费使用情况",
        "县级预算",
        "2,300.00",
        "市总工会公益性岗位人员补助",
        "八、发现的问题",
    ):
        assert text in page, text
    sections = dict(response.context["sections"])
    problems = sections["八、"].tables[0].rows
    labels = [label for label, _count in problems]
    assert "基层工会未配备社会化工会工作者" in labels
    assert not {"月薪不高于当地最低工资标准", "单位未足额缴纳社会保险"} & set(labels)


def test_problems_link_to_the_screens_that_list_them(client, county_staff, county, report):
    UnitFactory(federation=county, name="无人工会", headcount=300)
    login(client, county_staff)
    response = client.get(reports("inspect", report.pk))
    links = {
        label: cell.url for label, cell in dict(response.context["sections"])["八、"].tables[0].rows
    }
    assert links["基层工会未配备社会化工会工作者"] == (
        f"{reverse('workforce_staffing_report')}?federation={county.pk}"
    )
    assert links["教育培训逾期未达标"] == reverse("courses_compliance")
    for target in links.values():
        assert f'href="{target.replace("&", "&amp;")}"' in html(response)
        assert client.get(target).status_code == 200, target


def test_the_other_problems_link_to_the_ledger_the_floor_check_and_insurance(county):
    figures = {"as_of": "2026-06-15", "year": 2026}
    link = problem_links(county, figures)
    assert link("overspent") == (
        f"{reverse('compensation_funds:ledger')}?federation={county.pk}&year=2026"
    )
    floor_check = reverse("compensation_floor_check:index")
    for code, status in (("below_floor", "below"), ("will_fall", "will_fall"),
                         ("unplaced", "unplaced"), ("no_floor", "no_floor")):  # fmt: skip
        assert link(code) == f"{floor_check}?status={status}&federation={county.pk}&on=2026-06-15"
    assert link("insurance") == (
        f"{reverse('compensation_insurance:index')}?year=2026&federation={county.pk}"
    )


def test_floor_and_insurance_problems_are_followed_to_their_screens(
    client, county_staff, county, worker
):
    report = services.start_report(by=county_staff, federation=county, year=2026)
    login(client, county_staff)
    response = client.get(reports("inspect", report.pk))
    rows = dict(response.context["sections"])["八、"].tables[0].rows
    links = {label: cell.url for label, cell in rows}
    assert "status=unplaced" in links["未定级或无对应月薪"]
    assert "year=2026" in links["单位未足额缴纳社会保险"]
    for target in links.values():
        assert client.get(target).status_code == 200, target


def test_remarks_are_saved_through_the_service(client, county_staff, report):
    login(client, county_staff)
    response = client.post(
        reports("edit", report.pk),
        {"remarks": "聘用规范。", "corrective_actions": "补录社保。"},
    )
    assert response["Location"] == reports("inspect", report.pk)
    report.refresh_from_db()
    assert (report.remarks, report.corrective_actions) == ("聘用规范。", "补录社保。")
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=report.pk).exists()


def test_submit_needs_the_remarks_then_freezes_the_figures(client, county_staff, county, report):
    login(client, county_staff)
    response = client.post(reports("submit", report.pk))
    assert "请先填写自查情况说明" in html(response)
    services.save_report_text(
        by=county_staff, report=report, remarks="已自查。", corrective_actions=""
    )
    response = client.post(reports("submit", report.pk))
    assert response["Location"] == reports("inspect", report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.figures["workers"]["total"] == 1
    WorkerFactory(federation=county, name="报送后聘用")
    page = html(client.get(reports("inspect", report.pk)))
    assert 'data-figures="frozen"' in page and "在职社会化工会工作者共1人" in page
    response = client.get(reports("edit", report.pk), follow=True)
    assert "自查报告已报送，不能修改" in html(response)


def test_the_county_cannot_review_its_own_report(client, county_staff, report):
    submitted(county_staff, report)
    login(client, county_staff)
    page = html(client.get(reports("inspect", report.pk)))
    assert reports("review", report.pk) not in page and reports("submit", report.pk) not in page
    assert client.get(reports("review", report.pk)).status_code == 404
    assert client.post(reports("review", report.pk), {"accept": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_the_city_returns_with_comments_and_acknowledges(client, city_staff, county_staff, report):
    submitted(county_staff, report)
    login(client, city_staff)
    assert reports("review", report.pk) in html(client.get(reports("inspect", report.pk)))
    response = client.post(reports("review", report.pk), {"accept": "return", "comment": ""})
    assert "退回时请填写意见" in html(response)
    response = client.post(
        reports("review", report.pk), {"accept": "return", "comment": "请补充整改时限。"}
    )
    assert response["Location"] == reports("inspect", report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    page = html(client.get(reports("inspect", report.pk)))
    assert "data-returned" in page and "请补充整改时限。" in page
    assert 'data-figures="live"' in page
    submitted(county_staff, report)
    client.post(reports("review", report.pk), {"accept": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.state == ReportState.ACKNOWLEDGED and report.reviewed_by == city_staff


def test_outsider_reaches_no_report(client, outsider, report):
    login(client, outsider)
    assert "涪城区总工会" not in html(client.get(reports()))
    for view in ("inspect", "edit", "submit", "review", "pdf", "history"):
        assert client.get(reports(view, report.pk)).status_code == 404, view
    assert client.post(reports("submit", report.pk)).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_index_lists_the_users_reports(client, city_staff, county_staff, report, other_county):
    services.start_report(by=city_staff, federation=other_county, year=2026)
    login(client, county_staff)
    page = html(client.get(reports()))
    assert "涪城区总工会" in page and "游仙区总工会" not in page
    login(client, city_staff)
    page = html(client.get(reports(state=ReportState.DRAFT)))
    assert "涪城区总工会" in page and "游仙区总工会" in page


# The PDF ----------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return squeeze("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def test_pdf_reads_like_an_official_report(client, county_staff, report):
    submitted(county_staff, report, remarks="全年聘用、管理和经费使用规范。")
    login(client, county_staff)
    response = client.get(reports("pdf", report.pk))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "涪城区总工会2026年度社会化工会工作者自查报告",
        "绵阳市总工会：",
        "一、人员聘用情况",
        "七、经费使用情况",
        "八、发现的问题",
        "九、自查情况说明",
        "全年聘用、管理和经费使用规范。",
        "十、整改措施",
        "加强培训。",
        "报送人：county_staff",
        "二〇二六年六月十五日",
    ):
        assert expected in text, expected


# The city's overview ----------------------------------------------------------------------


def test_overview_shows_each_countys_state_with_counts(
    client, city_staff, county_staff, report, other_county
):
    third = make_federation(
        "安州区总工会", "AZ", parent=other_county.get_parent(), level=Federation.Level.DISTRICT
    )
    submitted(county_staff, report)
    services.start_report(by=city_staff, federation=other_county, year=2026)
    login(client, city_staff)
    response = client.get(reports("overview", year=2026))
    rows = {federation.name: state for federation, _r, state, *_rest in response.context["rows"]}
    assert rows == {"涪城区总工会": "已报送", "游仙区总工会": "草稿", "安州区总工会": "未开始"}
    counts = {label: count for label, count, *_rest in response.context["counts"]}
    assert (counts["未开始"], counts["草稿"], counts["已报送"], counts["已确认收到"]) == (
        1,
        1,
        1,
        0,
    )
    page = html(response)
    assert reports("inspect", report.pk) in page
    assert reports("add", federation=third.pk, year=2026).replace("&", "&amp;") in page
    response = client.get(reports("overview", year=2025))
    assert {state for _f, _r, state, *_rest in response.context["rows"]} == {"未开始"}


def test_overview_of_a_county_is_its_own_row(client, county_staff, report):
    login(client, county_staff)
    response = client.get(reports("overview", year=2026))
    assert [federation.name for federation, *_rest in response.context["rows"]] == ["涪城区总工会"]


# Query bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 15])
def test_pages_query_count_does_not_grow(
    count, client, city, county_staff, city_staff, county, unit, posts, pay_table, floor,
    django_assert_max_num_queries,
):  # fmt: skip
    for n in range(count):
        worker = WorkerFactory(federation=county)
        PostingFactory(worker=worker, unit=unit)
        in_order(county_staff, worker, posts, pay_table, floor)
        source = services.save_fund_source(
            by=county_staff,
            federation=county,
            year=2026 - n // 4,
            kind=Source.values[n % 4],
            budget=Decimal("100000"),
        )
        services.charge(
            by=county_staff,
            source=source,
            use=Use.PAY,
            amount=Decimal("10"),
            spent_on=dt.date(source.year, 1, 31),
            worker=worker,
        )
        federation = make_federation(f"县{n}", f"X{n}", parent=city, level="district")
        services.start_report(by=city_staff, federation=federation, year=2026)
        services.start_report(by=county_staff, federation=county, year=2026 - n)
    report = SelfInspection.objects.get(federation=county, year=2026)
    login(client, city_staff)
    # The same bound with 1 row and with 15: reports, counties, workers, sources, spending.
    pages = [
        (reports(), 12),
        (reports("overview", year=2026), 11),
        (reports("inspect", report.pk), 40),
        (reports("pdf", report.pk), 38),
    ]
    for page, bound in pages:
        with django_assert_max_num_queries(bound):
            response = client.get(page)
        assert response.status_code == 200, page
