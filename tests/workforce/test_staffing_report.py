"""Staffing report (配备报表): the roll-up, its scoping, the admin screen, exports, scale data."""

import csv
import datetime as dt
import io
from dataclasses import astuple

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from wagtail.admin.menu import admin_menu

from tests.conftest import login
from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory
from workforce import idnumber
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation, PolicyParameters, Posting, Unit, Worker
from workforce.selectors import outermost_paths, staffing_report
from workforce.staffing import (
    FederationNorm,
    ReportGroup,
    StaffingTotals,
    add_unit,
    roll_up,
)

PAGE = "/admin/staffing-report/"
XLSX = "/admin/staffing-report/export.xlsx"
CSV = "/admin/staffing-report/export.csv"


def post(unit, count, *, federation):
    for _ in range(count):
        PostingFactory(unit=unit, worker=WorkerFactory(federation=federation))


@pytest.fixture
def tree(city, county, park, other_county):
    """Units whose numbers are worked out by hand below.

    The city sets staffing_step 2000 for everyone; 游仙 (other_county) sets its own
    staffing_base 1000 and inherits the city's step.
    """
    PolicyParameters.objects.create(federation=city, staffing_step=2000)
    PolicyParameters.objects.create(federation=other_county, staffing_base=1000)
    units = {
        # 涪城 (county): base 2000, step 2000
        "within": UnitFactory(
            federation=county, name="城北街道工会", kind="township", headcount=1500
        ),
        "unstaffed": UnitFactory(federation=county, name="长虹工会", headcount=5000),  # allowed 2
        "over": UnitFactory(federation=county, name="九洲工会", headcount=800),  # allowed 1
        "park": UnitFactory(federation=park, name="园区一号工会", kind="park", headcount=6000),
        # 游仙: base 1000, step 2000 -> 3000 employees allow 2 (the defaults would allow 1)
        "own_norm": UnitFactory(federation=other_county, name="游仙工业园工会", headcount=3000),
        "empty": UnitFactory(federation=other_county, name="无职工工会", headcount=0),
        # directly under the city
        "city": UnitFactory(federation=city, name="市直机关工会", headcount=100),
    }
    post(units["within"], 1, federation=county)
    post(units["over"], 2, federation=county)
    post(units["park"], 2, federation=park)
    post(units["own_norm"], 2, federation=other_county)
    # A closed posting (an exchange away from the unit) does not count.
    PostingFactory(
        unit=units["unstaffed"],
        worker=WorkerFactory(federation=county),
        start=dt.date(2023, 1, 1),
        end=dt.date(2024, 1, 1),
    )
    return units


COUNTY = StaffingTotals(
    units=4, employees=13300, required=4, allowed=7, posted=5, unstaffed=1, over_norm=1
)
OTHER = StaffingTotals(
    units=2, employees=3000, required=1, allowed=2, posted=2, unstaffed=0, over_norm=0
)
CITY_OWN = StaffingTotals(
    units=1, employees=100, required=1, allowed=1, posted=0, unstaffed=1, over_norm=0
)
TOTAL = StaffingTotals(
    units=7, employees=16400, required=6, allowed=10, posted=7, unstaffed=2, over_norm=1
)


# -- the roll-up -----------------------------------------------------------------------------------


def test_city_report_has_a_row_per_county_and_the_citys_own_units(tree, city, county, other_county):
    report = staffing_report([city.path])

    assert [(row.key, row.name, row.totals) for row in report.rows] == [
        (city.path, "绵阳市总工会（本级）", CITY_OWN),
        (county.path, "涪城区总工会", COUNTY),
        (other_county.path, "游仙区总工会", OTHER),
    ]
    assert report.total == TOTAL
    assert [
        (u.name, u.kind, u.federation, u.headcount, u.posted, u.allowed) for u in report.unstaffed
    ] == [
        ("市直机关工会", "企业工会", "绵阳市总工会", 100, 0, 1),
        ("长虹工会", "企业工会", "涪城区总工会", 5000, 0, 2),
    ]
    assert [(u.name, u.federation, u.headcount, u.posted, u.allowed) for u in report.over_norm] == [
        ("九洲工会", "涪城区总工会", 800, 2, 1)
    ]


def test_a_county_without_units_still_gets_a_row(city, county, other_county):
    UnitFactory(federation=county, headcount=100)

    report = staffing_report([city.path])

    assert [row.name for row in report.rows] == ["涪城区总工会", "游仙区总工会"]
    assert report.rows[1].totals == StaffingTotals()


def test_county_staff_paths_give_just_their_subtree(tree, county):
    report = staffing_report([county.path])

    assert [(row.name, row.totals) for row in report.rows] == [("涪城区总工会", COUNTY)]
    assert report.total == COUNTY
    assert {u.name for u in report.unstaffed + report.over_norm} == {"长虹工会", "九洲工会"}


def test_a_park_staffer_sees_the_park_alone(tree, park):
    report = staffing_report([park.path])

    assert [(row.name, row.totals.units, row.totals.allowed) for row in report.rows] == [
        ("涪城园区总工会", 1, 3)
    ]


def test_no_paths_give_an_empty_report(db):
    report = staffing_report([])

    assert report.rows == () and report.total == StaffingTotals()


def test_nested_paths_are_not_counted_twice(tree, county, park):
    assert outermost_paths([park.path, county.path, county.path]) == [county.path]
    assert staffing_report([county.path, park.path]).total == COUNTY


def test_selector_queries_do_not_grow_with_units(city, county, django_assert_num_queries):
    for number in range(30):
        post(UnitFactory(federation=county, headcount=100 * number), number % 3, federation=county)
    with django_assert_num_queries(2):
        staffing_report([city.path])


# -- the pure roll-up agrees with add_unit ---------------------------------------------------------


UNITS = [
    # (id, name, kind, headcount, federation id, posted)
    (1, "一", "enterprise", 0, 10, 0),
    (2, "二", "enterprise", 0, 10, 1),
    (3, "三", "enterprise", 1999, 10, 0),
    (4, "四", "enterprise", 2000, 11, 1),
    (5, "五", "enterprise", 5000, 11, 3),
    (6, "六", "enterprise", 8000, 11, 3),
    (7, "七", "enterprise", 4999, 12, 2),
    (8, "八", "enterprise", 30000, 12, 12),
]
NORMS = {
    10: FederationNorm("a", "甲", 2000, 3000),
    11: FederationNorm("a", "甲园区", 1000, 1000),
    12: FederationNorm("b", "乙", 2000, 3000),
}
GROUPS = [ReportGroup("a", "甲"), ReportGroup("b", "乙")]


def test_roll_up_agrees_with_adding_units_one_by_one():
    report = roll_up(GROUPS, NORMS, UNITS)

    expected = {"a": StaffingTotals(), "b": StaffingTotals()}
    for _id, _name, _kind, headcount, federation_id, posted in UNITS:
        norm = NORMS[federation_id]
        expected[norm.group] = add_unit(
            expected[norm.group], headcount, posted, base=norm.base, step=norm.step
        )
    assert [row.totals for row in report.rows] == [expected["a"], expected["b"]]
    assert astuple(report.total) == tuple(
        map(sum, zip(*map(astuple, expected.values()), strict=True))
    )
    # A unit without employees needs no worker (1) but may not have one either (2). Under
    # 甲园区's own norm 5000 employees allow 5 workers (the default norm would allow 2).
    assert [(line.unit_id, line.allowed) for line in report.unstaffed] == [(3, 1)]
    assert [(line.unit_id, line.allowed) for line in report.over_norm] == [(2, 0), (7, 1), (8, 10)]


def test_listed_units_sort_by_row_then_federation_then_name_with_kind_labels():
    units = [
        (1, "乙一", "enterprise", 100, 12, 0),
        (2, "甲园一", "park", 100, 11, 0),
        (3, "甲二", "township", 100, 10, 0),
        (4, "甲一", "township", 100, 10, 0),
    ]

    report = roll_up(GROUPS, NORMS, units, {"enterprise": "企业工会", "park": "园区工会"})

    assert [(u.name, u.kind, u.federation) for u in report.unstaffed] == [
        ("甲一", "township", "甲"),
        ("甲二", "township", "甲"),
        ("甲园一", "园区工会", "甲园区"),
        ("乙一", "企业工会", "乙"),
    ]


def test_a_unit_outside_the_groups_is_an_error():
    with pytest.raises(KeyError):
        roll_up([ReportGroup("b", "乙")], NORMS, UNITS)


# -- the admin screen -----------------------------------------------------------------------------


def test_city_staff_see_every_county_with_totals(client, tree, city_staff):
    response = login(client, city_staff).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("涪城区总工会", "游仙区总工会", "长虹工会", "九洲工会", "市直机关工会"):
        assert name in html
    # The chart's bar for a county's posted workers, named and counted in its hover title.
    assert "<title>涪城区总工会 · 已定岗：5</title>" in html
    assert response.context["total"] == [7, 16400, 6, 10, 7, 2, 1]


def test_county_staff_do_not_see_the_other_county(client, tree, county_staff, other_county):
    response = login(client, county_staff).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "涪城区总工会" in html
    assert "游仙" not in html and "市直机关工会" not in html
    assert response.context["total"] == [4, 13300, 4, 7, 5, 1, 1]
    assert login(client, county_staff).get(PAGE, {"federation": other_county.pk}).status_code == 404
    assert login(client, county_staff).get(XLSX, {"federation": other_county.pk}).status_code == 404


def test_city_staff_can_narrow_the_report_to_one_county(client, tree, city_staff, other_county):
    response = login(client, city_staff).get(PAGE, {"federation": other_county.pk})

    assert response.status_code == 200
    assert [name for name, _values in response.context["rows"]] == ["游仙区总工会"]
    assert response.context["total"] == [2, 3000, 1, 2, 2, 0, 0]
    assert f"federation={other_county.pk}" in response.context["xlsx_url"]


@pytest.mark.parametrize("url", [PAGE, XLSX, CSV])
def test_only_federation_staff_get_the_report(client, tree, worker, url):
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert "/login/" in client.get(url)["Location"]
    # A worker has no admin access: Wagtail sends them away before our view runs.
    assert login(client, worker.user).get(url).status_code == 302
    # An admin user who is not federation staff gets a 404.
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert login(client, editor).get(url).status_code == 404
    assert login(client, editor).get(PAGE, {"federation": "x"}).status_code == 404


def test_the_menu_item_shows_for_staff_only(rf, county_staff):
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))

    def labels(user):
        request = rf.get("/admin/")
        request.user = user
        return [str(item.label) for item in admin_menu.menu_items_for_request(request)]

    assert "配备报表" in labels(county_staff)
    assert "配备报表" not in labels(editor)


# -- exports --------------------------------------------------------------------------------------


def test_xlsx_export_parses_back_with_the_same_numbers(client, tree, city_staff):
    response = login(client, city_staff).get(XLSX)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["配备情况", "未配备单位", "超配单位"]
    rows = list(workbook["配备情况"].iter_rows(values_only=True))
    assert rows[0] == (
        "总工会",
        "基层工会数",
        "职工人数",
        "须配备人数",
        "可配备上限",
        "已定岗人数",
        "未配备单位数",
        "超配单位数",
    )
    assert rows[1:] == [
        ("绵阳市总工会（本级）", *astuple(CITY_OWN)),
        ("涪城区总工会", *astuple(COUNTY)),
        ("游仙区总工会", *astuple(OTHER)),
        ("合计", *astuple(TOTAL)),
    ]
    unstaffed = list(workbook["未配备单位"].iter_rows(values_only=True))
    assert unstaffed == [
        ("基层工会", "类型", "所属总工会", "职工人数", "已定岗人数", "可配备上限"),
        ("市直机关工会", "企业工会", "绵阳市总工会", 100, 0, 1),
        ("长虹工会", "企业工会", "涪城区总工会", 5000, 0, 2),
    ]
    over = list(workbook["超配单位"].iter_rows(values_only=True))
    assert over[1:] == [("九洲工会", "企业工会", "涪城区总工会", 800, 2, 1)]


def test_csv_export_has_a_bom_and_the_same_numbers(client, tree, county_staff):
    response = login(client, county_staff).get(CSV)

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "总工会" and rows[0][-1] == "超配单位数"
    assert rows[1:] == [
        ["涪城区总工会", *map(str, astuple(COUNTY))],
        ["合计", *map(str, astuple(COUNTY))],
    ]


# -- query counts ---------------------------------------------------------------------------------


def make_units(federations, count):
    for number in range(count):
        federation = federations[number % len(federations)]
        unit = UnitFactory(federation=federation, headcount=(number * 1700) % 12000)
        post(unit, number % 4, federation=federation)


@pytest.mark.parametrize("url", [PAGE, XLSX, CSV])
def test_queries_do_not_grow_with_units(
    client, city, county, park, other_county, city_staff, url, django_assert_max_num_queries
):
    PolicyParameters.objects.create(federation=other_county, staffing_base=1000)
    federations = [city, county, park, other_county]
    login(client, city_staff)
    make_units(federations, 5)
    with django_assert_max_num_queries(QUERY_BOUND[url]):
        assert client.get(url).status_code == 200
    make_units(federations, 45)
    with django_assert_max_num_queries(QUERY_BOUND[url]):
        response = client.get(url)
    assert response.status_code == 200


# session, user, permissions (Wagtail and guardian), the selector's 2, the scope choices and
# the admin's own; the exports skip the admin furniture.
QUERY_BOUND = {PAGE: 13, XLSX: 8, CSV: 8}


# -- scale data -----------------------------------------------------------------------------------


def test_generate_scale_data_builds_a_tiny_city(db):
    call_command(
        "generate_scale_data", size="S", counties=2, units=30, workers=200, stdout=io.StringIO()
    )

    root = Federation.objects.get(name=ROOT_NAME)
    assert Federation.objects.filter(path__startswith=root.path).count() == 3
    units = Unit.objects.filter(federation__path__startswith=root.path)
    workers = Worker.objects.filter(federation__path__startswith=root.path)
    assert units.count() == 30
    assert workers.count() == 200
    assert all(idnumber.is_valid(number) for number in workers.values_list("id_number", flat=True))
    assert not any(w.user.has_usable_password() for w in workers.select_related("user")[:20])
    open_postings = Posting.objects.open().filter(worker__in=workers).count()
    assert 0.8 * 200 <= open_postings <= 0.9 * 200
    assert Posting.objects.filter(worker__in=workers, end__isnull=False).exists()
    report = staffing_report([root.path])
    assert report.total.units == 30 and report.total.posted == open_postings
    assert report.unstaffed and report.over_norm
    assert units.filter(headcount__gt=5000).exists()


def test_generate_scale_data_refuses_to_overwrite_unless_asked(db):
    options = {"size": "S", "counties": 1, "units": 5, "workers": 20, "stdout": io.StringIO()}
    call_command("generate_scale_data", **options)

    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_scale_data", **options)

    call_command("generate_scale_data", replace=True, **options)
    root = Federation.objects.get(name=ROOT_NAME)
    assert Unit.objects.filter(federation__path__startswith=root.path).count() == 5
    assert Worker.objects.filter(federation__path__startswith=root.path).count() == 20
