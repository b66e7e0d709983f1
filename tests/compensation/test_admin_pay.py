"""Staff screens of pay (compensation/viewsets.py): schemes with posts, pay tables and
subsidies, placements with the suggested level and the pay roster, and the annual step run
(with its management command).

Each screen for ``county_staff``, ``city_staff`` and ``outsider`` (another county's scheme,
worker or run is a 404; the city's scheme is read-only below the city), the forms' happy
paths and refusals, and query-count bounds that do not grow with the rows.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from compensation import services
from compensation.choices import PlacementReason, ProposalState
from compensation.models import PayScheme, PayTable, Placement, Post, StepProposal, SubsidyRate
from tests.compensation.conftest import rates
from tests.conftest import login
from tests.factories import WorkerFactory, make_federation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def pay_url(namespace, view="index", *args):
    return reverse(f"compensation_{namespace}:{view}", args=args)


def html(response) -> str:
    return response.content.decode()


def veteran(federation, name, *, level=1, post="其他", posts=None, by=None):
    """A bachelor hired 2015-01-01 and placed at ``level`` from then: the record gives more."""
    worker = WorkerFactory(federation=federation, name=name, hire_date=dt.date(2015, 1, 1))
    services.place_worker(
        by=by, worker=worker, post=posts[post], level=level, effective_from=worker.hire_date
    )
    return worker


# 薪酬体系 -------------------------------------------------------------------------------------


def scheme_body(**changes) -> dict:
    body = {
        "name": "涪城区薪酬体系",
        "years_per_step": 3,
        "bachelor_years": 3,
        "master_years": 5,
        "doctorate_years": 7,
        "excellent_run": 2,
        "max_early_steps": 2,
        "assistant_levels": 1,
        "social_worker_levels": 2,
        "senior_levels": 3,
    }
    return {**body, **changes}


def test_scheme_list_shows_the_city_scheme_below_it(client, scheme, county_staff, outsider):
    page = html(login(client, county_staff).get(pay_url("schemes")))
    assert "三岗十八级" in page and "绵阳市总工会" in page
    # No edit in the row's menu for a scheme the county only reads.
    assert pay_url("schemes", "edit", scheme.pk) not in page
    assert "三岗十八级" in html(login(client, outsider).get(pay_url("schemes")))


def test_create_a_county_scheme(client, county_staff, county, city, scheme):
    login(client, county_staff)
    form = html(client.get(pay_url("schemes", "add")))
    assert "涪城区总工会" in form and "绵阳市总工会" not in form  # only federations without one
    response = client.post(pay_url("schemes", "add"), {"federation": county.pk, **scheme_body()})
    created = PayScheme.objects.get(federation=county)
    assert response.status_code == 302
    assert response["Location"] == pay_url("schemes", "inspect", created.pk)
    assert created.name == "涪城区薪酬体系"


def test_outsider_cannot_create_a_scheme_for_the_county(client, outsider, county):
    response = login(client, outsider).post(
        pay_url("schemes", "add"), {"federation": county.pk, **scheme_body()}
    )
    assert response.status_code == 200
    assert not PayScheme.objects.exists()


def test_city_staff_edit_the_scheme(client, city_staff, scheme):
    response = login(client, city_staff).post(
        pay_url("schemes", "edit", scheme.pk),
        scheme_body(name="三岗十八级（2026）", senior_levels=4),
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.senior_levels) == ("三岗十八级（2026）", 4)


def test_county_staff_only_read_the_city_scheme(client, county_staff, scheme, posts, pay_table):
    login(client, county_staff)
    page = html(client.get(pay_url("schemes", "inspect", scheme.pk)))
    assert "data-view-only" in page and "2150.00" in page
    for view, pk in [
        ("edit", scheme.pk),
        ("post_add", scheme.pk),
        ("table_add", scheme.pk),
        ("subsidies", scheme.pk),
        ("post_edit", posts["正职"].pk),
        ("table_edit", pay_table.pk),
    ]:
        assert pay_url("schemes", view, pk) not in page
        response = client.get(pay_url("schemes", view, pk))  # the form: back to the scheme
        assert response["Location"] == pay_url("schemes", "inspect", scheme.pk)
    # A POST goes to the service, which refuses it.
    response = client.post(pay_url("schemes", "edit", scheme.pk), scheme_body(name="改名"))
    assert "您无权管理该总工会。" in html(response)
    response = client.post(
        pay_url("schemes", "post_add", scheme.pk),
        {"name": "临时", "lowest": 1, "highest": 3, "order": 5},
    )
    assert "您无权管理该总工会。" in html(response)
    scheme.refresh_from_db()
    assert scheme.name == "三岗十八级" and scheme.posts.count() == 3


def test_scheme_page_shows_numbers_posts_tables_and_subsidies(
    client, city_staff, scheme, posts, pay_table
):
    services.set_subsidies(
        by=city_staff,
        scheme=scheme,
        effective_from=dt.date(2026, 1, 1),
        yearly={30: Decimal("3000"), 20: Decimal("2400")},
    )
    page = html(login(client, city_staff).get(pay_url("schemes", "inspect", scheme.pk)))
    assert "data-view-only" not in page
    assert "7-18 级" in page and "正职、副职" in page  # level 7 is in both (and 其他)
    assert "2024-01-01 起" in page and "现行" in page
    assert "2000.00" not in page and "2150.00" in page and "4700.00" in page  # levels 1 and 18
    assert "持证津贴（社会工作师）200.00" in page
    assert "3000.00" in page and "2400.00" in page
    assert pay_url("schemes", "post_edit", posts["正职"].pk) in page
    assert pay_url("schemes", "table_edit", pay_table.pk) in page


def test_add_and_edit_a_post(client, city_staff, scheme, posts, placed_worker):
    login(client, city_staff)
    response = client.post(
        pay_url("schemes", "post_add", scheme.pk),
        {"name": "见习", "lowest": 1, "highest": 3, "order": 9},
    )
    assert response.status_code == 302
    assert scheme.posts.filter(name="见习", lowest=1, highest=3).exists()
    # 其他 is held at level 2: it cannot start at 3.
    other = posts["其他"]
    response = client.post(
        pay_url("schemes", "post_edit", other.pk),
        {"name": "其他", "lowest": 3, "highest": 12, "order": 2},
    )
    assert "不能缩小该岗位的等级范围" in html(response)
    assert client.get(pay_url("schemes", "post_edit", other.pk)).status_code == 200
    response = client.post(
        pay_url("schemes", "post_edit", other.pk),
        {"name": "其他岗位", "lowest": 1, "highest": 12, "order": 2},
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=other.pk).name == "其他岗位"


def table_body(levels=range(1, 19), base=2100, **changes) -> dict:
    body = {
        "effective_from": "2026-07-01",
        "note": "绵工发〔2026〕8号",
        "allowances-TOTAL_FORMS": 3,
        "allowances-INITIAL_FORMS": 0,
        "allowances-0-name": "持证津贴",
        "allowances-0-qualification": "social_worker",
        "allowances-0-monthly": "300",
        "allowances-1-name": "交通补贴",
        "allowances-1-qualification": "",
        "allowances-1-monthly": "100",
    }
    body.update({f"level_{level}": str(base + 150 * level) for level in levels})
    return {**body, **changes}


def test_add_a_pay_table(client, city_staff, scheme, posts, pay_table):
    login(client, city_staff)
    form = html(client.get(pay_url("schemes", "table_add", scheme.pk)))
    assert 'value="2150.00"' in form and 'value="持证津贴"' in form  # from the latest table
    response = client.post(pay_url("schemes", "table_add", scheme.pk), table_body())
    assert response.status_code == 302, html(response)
    table = PayTable.objects.get(effective_from=dt.date(2026, 7, 1))
    assert table.rates.get(level=18).monthly == Decimal("4800.00")
    assert sorted(table.allowances.values_list("name", "qualification", "monthly")) == [
        ("交通补贴", "", Decimal("100.00")),
        ("持证津贴", "social_worker", Decimal("300.00")),
    ]
    assert table.note == "绵工发〔2026〕8号"


def test_pay_table_refusals_are_shown(client, city_staff, scheme, posts, pay_table):
    login(client, city_staff)
    missing = table_body()
    del missing["level_18"]
    assert "必需字段" in html(client.post(pay_url("schemes", "table_add", scheme.pk), missing))
    taken = table_body(effective_from="2024-01-01")
    response = client.post(pay_url("schemes", "table_add", scheme.pk), taken)
    assert "2024-01-01 起已有一份薪酬标准。" in html(response)
    no_amount = table_body(**{"allowances-2-name": "餐补"})  # a name without an amount
    assert "必需字段" in html(client.post(pay_url("schemes", "table_add", scheme.pk), no_amount))
    assert PayTable.objects.count() == 1


def test_edit_a_pay_table_replaces_its_rows(client, city_staff, scheme, posts, pay_table):
    login(client, city_staff)
    form = html(client.get(pay_url("schemes", "table_edit", pay_table.pk)))
    assert 'value="2024-01-01"' in form
    body = table_body(
        effective_from="2024-01-01",
        **{"allowances-TOTAL_FORMS": 1, "allowances-1-name": "", "allowances-1-monthly": ""},
    )
    response = client.post(pay_url("schemes", "table_edit", pay_table.pk), body)
    assert response.status_code == 302, html(response)
    pay_table.refresh_from_db()
    assert pay_table.rates.get(level=1).monthly == Decimal("2250.00")
    assert list(pay_table.allowances.values_list("name", flat=True)) == ["持证津贴"]


def test_set_the_part_time_subsidy(client, city_staff, scheme):
    login(client, city_staff)
    assert client.get(pay_url("schemes", "subsidies", scheme.pk)).status_code == 200
    response = client.post(
        pay_url("schemes", "subsidies", scheme.pk),
        {"effective_from": "2026-01-01", "grade_30": "3000", "grade_20": "2400", "grade_10": ""},
    )
    assert response.status_code == 302
    assert dict(SubsidyRate.objects.values_list("grade", "yearly")) == {
        30: Decimal("3000.00"),
        20: Decimal("2400.00"),
    }
    form = html(client.get(pay_url("schemes", "subsidies", scheme.pk)))
    assert 'value="3000.00"' in form  # the latest amounts are offered again


def test_another_countys_scheme_is_not_found(client, outsider, county_staff, county):
    own = services.save_scheme(by=county_staff, federation=county, name="涪城区薪酬体系")
    login(client, outsider)
    for view in ("inspect", "edit", "post_add", "table_add", "subsidies"):
        assert client.get(pay_url("schemes", view, own.pk)).status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_scheme_pages_query_count(count, client, city, city_staff, django_assert_max_num_queries):
    for n in range(count):
        federation = make_federation(f"测试{n}区总工会", f"T{n}", parent=city)
        scheme = services.save_scheme(by=city_staff, federation=federation, name=f"体系{n}")
    for n in range(count):
        services.save_post(by=city_staff, scheme=scheme, name=f"岗位{n}", lowest=1, highest=n + 1)
    for n in range(count):
        services.save_pay_table(
            by=city_staff,
            scheme=scheme,
            effective_from=dt.date(2010 + n, 1, 1),
            rates=rates(1, count),
            allowances=[("津贴", "", Decimal("10"))],
        )
    login(client, city_staff)
    with django_assert_max_num_queries(12):
        assert client.get(pay_url("schemes")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(pay_url("schemes", "inspect", scheme.pk)).status_code == 200


# 岗位等级 -------------------------------------------------------------------------------------


def test_placement_list_shows_pay_and_the_unplaced(client, county_staff, placed_worker, county):
    WorkerFactory(federation=county, name="王未定")
    page = html(login(client, county_staff).get(pay_url("placements")))
    assert "张晓梅" in page and "2300.00" in page and "2024-03-01" in page
    assert "王未定" in page and "未定级" in page
    assert pay_url("placements", "worker", placed_worker.pk) in page


def test_placement_list_filters(client, county_staff, placed_worker, posts, county, park):
    WorkerFactory(federation=county, name="王未定")
    WorkerFactory(federation=park, name="园区人员")
    login(client, county_staff)
    page = html(client.get(pay_url("placements"), {"placed": "no"}))
    assert "王未定" in page and "张晓梅" not in page
    page = html(client.get(pay_url("placements"), {"post": posts["其他"].pk}))
    assert "张晓梅" in page and "王未定" not in page
    assert "张晓梅" not in html(client.get(pay_url("placements"), {"post": posts["正职"].pk}))
    page = html(client.get(pay_url("placements"), {"federation": park.pk}))
    assert "园区人员" in page and "张晓梅" not in page


def test_placement_list_is_scoped(client, outsider, placed_worker, other_worker):
    page = html(login(client, outsider).get(pay_url("placements")))
    assert "李强" in page and "张晓梅" not in page
    assert client.get(pay_url("placements", "worker", placed_worker.pk)).status_code == 404


def test_worker_page_suggests_a_level_with_reasons(client, county_staff, worker, posts, pay_table):
    login(client, county_staff)
    page = html(client.get(pay_url("placements", "worker", worker.pk)))
    # Hired 2024-03-01 with a bachelor's degree: 3 + 2 years, one step above 正职's 7.
    assert "还没有定级记录" in page
    assert "在正职岗位的建议等级为 <strong>8 级</strong>" in page
    assert "学历视同工作年限：3年" in page and "工作满2年" in page
    assert 'name="level" value="8"' in page
    page = html(
        client.get(
            pay_url("placements", "worker", worker.pk),
            {"post": posts["其他"].pk, "on": "2027-03-01"},
        )
    )
    assert "2027-03-01 在其他岗位的建议等级为 <strong>3 级</strong>" in page
    assert 'value="2027-03-01"' in page


def test_place_and_adjust_a_worker(client, county_staff, worker, posts, pay_table):
    login(client, county_staff)
    url = pay_url("placements", "worker", worker.pk)
    body = {"post": posts["其他"].pk, "level": 2, "effective_from": "2024-03-01", "note": "初定"}
    response = client.post(url, body)
    assert response.status_code == 302 and response["Location"] == url
    first = Placement.objects.get()
    assert (first.level, first.reason, first.created_by) == (
        2,
        PlacementReason.INITIAL,
        county_staff,
    )
    response = client.post(
        url, {**body, "level": 4, "effective_from": "2026-01-01", "note": "调整"}
    )
    assert response.status_code == 302
    assert Placement.objects.latest("effective_from").reason == PlacementReason.ADJUST
    page = html(client.get(url))
    assert "2024-03-01" in page and "2300.00" in page and "初定" in page
    assert "2600.00" in page and "调整" in page
    assert "其他 4 级（2026-01-01 起），月薪 2600.00 元" in page


def test_placement_refusals_are_shown(client, county_staff, worker, posts, pay_table):
    login(client, county_staff)
    url = pay_url("placements", "worker", worker.pk)
    body = {"post": posts["其他"].pk, "level": 13, "effective_from": "2024-03-01"}
    assert "其他的等级须在 1-12 级之间。" in html(client.post(url, body))
    body = {"post": posts["其他"].pk, "level": 2, "effective_from": "2020-01-01"}
    assert "执行日期不能早于聘用日期。" in html(client.post(url, body))
    assert not Placement.objects.exists()


def test_worker_without_a_scheme_cannot_be_placed(client, county_staff, worker):
    login(client, county_staff)
    page = html(client.get(pay_url("placements", "worker", worker.pk)))
    assert "data-no-scheme" in page and 'name="level"' not in page
    response = client.post(pay_url("placements", "worker", worker.pk), {"level": 1})
    assert response.status_code == 200 and not Placement.objects.exists()


def test_pay_roster_export(client, county_staff, placed_worker, county, posts):
    WorkerFactory(federation=county, name="王未定")
    response = login(client, county_staff).get(pay_url("placements", "export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("姓名", "所属总工会", "岗位", "等级", "月薪（元）", "执行日期")
    assert rows[1][:5] == ("张晓梅", "涪城区总工会", "其他", 2, 2300)
    assert rows[2][:4] == ("王未定", "涪城区总工会", "未定级", None)
    filtered = client.get(pay_url("placements", "export"), {"placed": "no"})
    assert len(list(load_workbook(io.BytesIO(filtered.content)).active.values)) == 2


@pytest.mark.parametrize("count", [1, 15])
def test_placement_pages_query_count(
    count, client, county_staff, county, posts, pay_table, django_assert_max_num_queries
):
    for n in range(count):
        veteran(county, f"工作者{n}", posts=posts, by=county_staff)
        WorkerFactory(federation=county, name=f"未定{n}")
    login(client, county_staff)
    with django_assert_max_num_queries(17):
        assert client.get(pay_url("placements")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(pay_url("placements", "export")).status_code == 200


# 年度晋档 -------------------------------------------------------------------------------------


@pytest.fixture
def veterans(county, county_staff, posts, pay_table):
    return [veteran(county, name, posts=posts, by=county_staff) for name in ("甲", "乙", "丙")]


def run_body(federation, **changes) -> dict:
    return {"federation": federation.pk, "year": 2026, "effective_from": "2026-01-01", **changes}


def test_start_a_step_run(client, county_staff, county, veterans):
    login(client, county_staff)
    assert client.get(pay_url("step_runs", "add")).status_code == 200
    response = client.post(pay_url("step_runs", "add"), run_body(county))
    run = county.step_runs.get()
    assert response["Location"] == pay_url("step_runs", "inspect", run.pk)
    assert run.proposals.count() == 3
    page = html(client.get(response["Location"]))
    # 2015-01-01 to 2026-01-01: 11 years + 3 for the degree, four steps above level 1.
    assert "1 级 → <strong>5 级</strong>" in page and "工作满11年" in page
    assert "全部确认（3 条待确认）" in page
    # Submitted again: the same run, refreshed.
    response = client.post(pay_url("step_runs", "add"), run_body(county))
    assert county.step_runs.count() == 1 and run.proposals.count() == 3


def test_step_run_refusal_is_shown(client, county_staff, county, veterans):
    response = login(client, county_staff).post(
        pay_url("step_runs", "add"), run_body(county, effective_from="2025-12-31")
    )
    assert "执行日期须在该年度内。" in html(response)
    assert not county.step_runs.exists()


def test_confirm_and_reject_proposals(client, county_staff, county, veterans):
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    first, second, third = run.proposals.order_by("worker__name")
    url = pay_url("step_runs", "inspect", run.pk)
    login(client, county_staff)
    assert client.post(url, {"action": "confirm"}).status_code == 302
    assert not run.proposals.exclude(state=ProposalState.PROPOSED).exists()  # nothing ticked
    client.post(url, {"action": "confirm", "proposals": [first.pk]})
    client.post(url, {"action": "reject", "proposals": [second.pk]})
    first.refresh_from_db()
    assert first.state == ProposalState.CONFIRMED and first.placement.level == 5
    assert first.placement.reason == PlacementReason.STEP
    assert StepProposal.objects.get(pk=second.pk).state == ProposalState.REJECTED
    page = html(client.get(url))
    assert "county_staff" in page and "2026-06-15" in page  # who decided, when
    assert "全部确认（1 条待确认）" in page
    # A decided proposal cannot be decided again.
    response = client.post(url, {"action": "reject", "proposals": [first.pk]}, follow=True)
    assert "已处理或不存在" in html(response)
    client.post(url, {"action": "confirm_all"})
    assert StepProposal.objects.get(pk=third.pk).state == ProposalState.CONFIRMED
    assert Placement.objects.filter(reason=PlacementReason.STEP).count() == 2


def test_refresh_keeps_decided_proposals(client, county_staff, county, veterans, posts):
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    first = run.proposals.order_by("worker__name").first()
    services.decide_proposals(by=county_staff, run=run, reject=[first.pk])
    veteran(county, "丁", posts=posts, by=county_staff)
    url = pay_url("step_runs", "inspect", run.pk)
    response = login(client, county_staff).post(url, {"action": "refresh"})
    assert response.status_code == 302
    assert run.proposals.filter(state=ProposalState.PROPOSED).count() == 3
    assert StepProposal.objects.get(pk=first.pk).state == ProposalState.REJECTED


def test_step_run_list_and_scope(client, county_staff, city_staff, outsider, county, veterans):
    run = services.propose_steps(
        by=county_staff, federation=county, year=2026, effective_from=dt.date(2026, 1, 1)
    )
    page = html(login(client, city_staff).get(pay_url("step_runs")))
    assert "涪城区总工会 2026年度晋档" in page
    login(client, outsider)
    assert "涪城区总工会" not in html(client.get(pay_url("step_runs")))
    assert client.get(pay_url("step_runs", "inspect", run.pk)).status_code == 404
    assert (
        client.post(pay_url("step_runs", "inspect", run.pk), {"action": "confirm_all"}).status_code
        == 404
    )
    assert not run.proposals.exclude(state=ProposalState.PROPOSED).exists()


@pytest.mark.parametrize("count", [1, 15])
def test_step_run_pages_query_count(
    count, client, county_staff, county, posts, pay_table, django_assert_max_num_queries
):
    for n in range(count):
        veteran(county, f"工作者{n}", posts=posts, by=county_staff)
    for year in range(2026 - count + 1, 2027):
        run = services.propose_steps(
            by=county_staff, federation=county, year=year, effective_from=dt.date(year, 1, 1)
        )
    services.decide_proposals(by=county_staff, run=run, reject=[run.proposals.first().pk])
    login(client, county_staff)
    with django_assert_max_num_queries(12):
        assert client.get(pay_url("step_runs")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(pay_url("step_runs", "inspect", run.pk)).status_code == 200


def test_propose_steps_command(county_staff, county, veterans):
    out = io.StringIO()
    call_command(
        "propose_steps", "--federation", "FC", "--year", "2026", "--by", "county_staff", stdout=out
    )
    run = county.step_runs.get()
    assert run.effective_from == dt.date(2026, 1, 1) and run.created_by == county_staff
    assert "FC 2026: 3 proposals waiting for confirmation" in out.getvalue()
    call_command(
        "propose_steps",
        "--federation",
        "FC",
        "--year",
        "2026",
        "--effective-from",
        "2026-03-01",
        "--by",
        "county_staff",
        stdout=out,
    )
    run.refresh_from_db()
    assert run.effective_from == dt.date(2026, 3, 1) and run.proposals.count() == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--federation", "XX"], "No federation with code XX."),
        (["--by", "nobody"], "No active user nobody."),
        (["--by", "outsider"], "您无权管理该总工会。"),
        (["--effective-from", "2025-01-01"], "执行日期须在该年度内。"),
        (["--effective-from", "soon"], "Not a date"),
    ],
)
def test_propose_steps_command_refusals(county, county_staff, outsider, args, message):
    options = {"--federation": "FC", "--year": "2026", "--by": "county_staff"}
    options.update(zip(args[::2], args[1::2], strict=True))
    with pytest.raises(CommandError, match=message):
        call_command("propose_steps", *[part for pair in options.items() for part in pair])
    assert not county.step_runs.exists()


def test_menu_lists_the_pay_screens(client, county_staff):
    page = html(login(client, county_staff).get(reverse("wagtailadmin_home")))
    for screen in ("schemes", "placements", "step_runs"):
        assert pay_url(screen) in page
