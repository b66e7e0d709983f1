"""Roster import: reading XLSX/CSV, checking every row, all-or-nothing writes, the admin screen."""

import csv
import datetime as dt
import io
import os
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import ModelLogEntry

from tests.conftest import login
from tests.factories import (
    PostingFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
    make_federation,
    make_id_number,
)
from workforce import idnumber, services
from workforce.import_views import run_import
from workforce.models import Federation, Posting, Unit, Worker
from workforce.roster_import import (
    EXAMPLE_ID_NUMBER,
    UNIT_COLUMNS,
    WORKER_COLUMNS,
    Kind,
    SpreadsheetError,
    check_file,
    read_table,
)

UNIT_HEADERS = [c.header for c in UNIT_COLUMNS]
WORKER_HEADERS = [c.header for c in WORKER_COLUMNS]
URL = "/admin/roster-import/"


def unit_line(federation, name, **overrides):
    line = {
        "所属总工会": federation.name,
        "单位名称": name,
        "类型": "企业工会",
        "职工人数": 1200,
        "地址": "涪城区 1 号",
    }
    line.update(overrides)
    return [line[h] for h in UNIT_HEADERS]


def worker_line(federation, unit=None, **overrides):
    line = {
        "姓名": "王芳",
        "性别": "女",
        "身份证号码": make_id_number(),
        "手机号码": "13800000001",
        "学历": "本科",
        "社会工作职业资格": "助理社会工作师",
        "用工方式": "总工会直接聘用",
        "承接机构": "",
        "聘用单位": federation.name,
        "聘用日期": "2024-03-01",
        "定岗单位": unit.name if unit else "",
        "定岗日期": "2024-03-15" if unit else "",
    }
    line.update(overrides)
    return [line[h] for h in WORKER_HEADERS]


def xlsx_bytes(headers, lines) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(headers, lines, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(lines)
    return out.getvalue().encode(encoding)


def do_import(user, kind, data, filename="roster.xlsx"):
    return run_import(kind=kind, data=data, filename=filename, by=user)


def audit_count():
    return ModelLogEntry.objects.count()


# Good files ------------------------------------------------------------------------------------


def test_good_xlsx_of_units_creates_them_with_audit(county_staff, county, park):
    data = xlsx_bytes(
        UNIT_HEADERS,
        [
            unit_line(county, "城北街道工会", 类型="乡镇（街道）工会", 职工人数=5000),
            unit_line(park, "科技城工会", 类型="开发区（产业园区）工会", 地址=None),
        ],
    )
    outcome = do_import(county_staff, Kind.UNITS, data)
    assert outcome.errors == []
    assert (outcome.result.created, outcome.result.updated, outcome.result.unchanged) == (2, 0, 0)
    north = Unit.objects.get(federation=county, name="城北街道工会")
    assert (north.kind, north.headcount, north.address) == ("township", 5000, "涪城区 1 号")
    assert Unit.objects.get(federation=park, name="科技城工会").address == ""
    assert ModelLogEntry.objects.filter(action="wagtail.create").count() == 2


def test_good_xlsx_of_workers_registers_and_posts_them(county_staff, county, unit):
    id_number = make_id_number()
    data = xlsx_bytes(
        WORKER_HEADERS,
        [
            worker_line(
                county,
                unit,
                身份证号码=id_number,
                聘用日期=dt.datetime(2024, 3, 1),  # an Excel date cell
                定岗日期=dt.date(2024, 3, 15),
            ),
            worker_line(
                county,
                None,
                姓名="赵磊",
                性别="男",
                用工方式="购买社会化服务",
                承接机构="涪城社工中心",
                社会工作职业资格=None,
            ),
        ],
    )
    outcome = do_import(county_staff, Kind.WORKERS, data)
    assert outcome.errors == []
    assert outcome.result.created == 2
    fang = Worker.objects.get(id_number=id_number)
    assert (fang.name, fang.gender, fang.education, fang.qualification) == (
        "王芳",
        "F",
        "bachelor",
        "assistant",
    )
    assert fang.hire_date == dt.date(2024, 3, 1) and fang.federation == county
    posting = fang.postings.get()
    assert (posting.unit, posting.start, posting.kind) == (unit, dt.date(2024, 3, 15), "initial")
    lei = Worker.objects.get(name="赵磊")
    assert (lei.employment_mode, lei.contractor, lei.qualification) == (
        "purchased",
        "涪城社工中心",
        "none",
    )
    assert not lei.postings.exists()
    assert fang.user.username == id_number and not fang.user.has_usable_password()
    assert ModelLogEntry.objects.filter(action="workforce.post").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_good_csv_in_each_encoding(county_staff, county, unit, encoding):
    line = worker_line(county, unit, 聘用日期="2024/3/1", 定岗日期="2024年3月15日")
    outcome = do_import(
        county_staff, Kind.WORKERS, csv_bytes(WORKER_HEADERS, [line], encoding), "名册.csv"
    )
    assert outcome.errors == []
    worker = Worker.objects.get(id_number=line[2])
    assert worker.hire_date == dt.date(2024, 3, 1)
    assert worker.postings.get().start == dt.date(2024, 3, 15)


def test_excel_date_serials_and_text_numbers_are_read(county_staff, county):
    line = worker_line(county, 聘用日期=45352, 手机号码=13800000009)  # 45352 = 2024-03-01
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, [line]))
    assert outcome.errors == []
    worker = Worker.objects.get(id_number=line[2])
    assert worker.hire_date == dt.date(2024, 3, 1) and worker.mobile == "13800000009"


def test_columns_may_come_in_any_order(county_staff, county):
    headers = list(reversed(UNIT_HEADERS))
    line = list(reversed(unit_line(county, "倒序工会")))
    outcome = do_import(county_staff, Kind.UNITS, csv_bytes(headers, [line]), "u.csv")
    assert outcome.result.created == 1
    assert Unit.objects.get(name="倒序工会").headcount == 1200


# All or nothing --------------------------------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_names_its_line(county_staff, county, unit):
    lines = [worker_line(county, unit, 姓名=f"工作者{i}") for i in range(20)]
    lines[12][4] = "小学"  # 学历 of the 13th data row: spreadsheet line 14
    before = audit_count()
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    assert outcome.result is None
    assert [(e.line, e.column) for e in outcome.errors] == [(14, "学历")]
    assert "小学" in outcome.errors[0].message and "本科" in outcome.errors[0].message
    assert not Worker.objects.filter(name__startswith="工作者").exists()
    assert Posting.objects.count() == 0
    assert audit_count() == before


def test_blank_lines_are_skipped_but_line_numbers_stay_true(county_staff, county):
    lines = [unit_line(county, "甲工会"), [None] * 5, unit_line(county, "乙工会", 职工人数="很多")]
    outcome = do_import(county_staff, Kind.UNITS, xlsx_bytes(UNIT_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(4, "职工人数")]
    assert not Unit.objects.filter(name="甲工会").exists()


def test_every_bad_row_is_reported_with_column_and_reason(county_staff, county, unit):
    bad_id = make_id_number()[:17] + "0"
    if idnumber.is_valid(bad_id):
        bad_id = bad_id[:17] + "1"
    lines = [
        worker_line(county, unit, 身份证号码=bad_id),
        worker_line(county, unit, 用工方式="购买社会化服务", 承接机构=""),
        worker_line(county, unit, 定岗日期=""),
        worker_line(county, unit, 聘用日期="2024-13-01"),
        worker_line(county, None, 定岗日期="2024-03-15"),
        worker_line(county, unit, 性别=""),
    ]
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    found = {(e.line, e.column) for e in outcome.errors}
    assert found == {
        (2, "身份证号码"),
        (3, "承接机构"),
        (4, "定岗日期"),
        (5, "聘用日期"),
        (6, "定岗单位"),
        (7, "性别"),
    }
    messages = {e.line: e.message for e in outcome.errors}
    assert "校验位" in messages[2]
    assert "承接机构" in messages[3]
    assert not Worker.objects.exists()


def test_duplicate_id_numbers_within_the_file_are_refused(county_staff, county):
    id_number = make_id_number()
    lines = [
        worker_line(county, 身份证号码=id_number),
        worker_line(county),
        worker_line(county, 身份证号码=id_number.lower() if "X" in id_number else id_number),
    ]
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(4, "身份证号码")]
    assert "第 2 行" in outcome.errors[0].message
    assert not Worker.objects.exists()


def test_duplicate_units_within_the_file_are_refused(county_staff, county, park):
    lines = [unit_line(county, "甲"), unit_line(park, "甲"), unit_line(county, "甲")]
    outcome = do_import(county_staff, Kind.UNITS, xlsx_bytes(UNIT_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(4, "单位名称")]


def test_id_number_typed_as_a_number_in_excel_gets_a_hint(county_staff, county):
    line = worker_line(county, 身份证号码=510703199001011234)
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, [line]))
    assert [e.column for e in outcome.errors] == ["身份证号码"]
    assert "文本格式" in outcome.errors[0].message
    line = worker_line(county, 身份证号码="5.10703E+17")
    outcome = do_import(county_staff, Kind.WORKERS, csv_bytes(WORKER_HEADERS, [line]), "w.csv")
    assert "文本格式" in outcome.errors[0].message


def test_errors_found_only_when_writing_are_listed_with_check_errors(
    county_staff, county, worker, unit
):
    target = UnitFactory(federation=county, name="工业园区工会")
    lines = [
        # The worker's posting started 2024-03-01: an exchange must be later.
        worker_line(county, target, 身份证号码=worker.id_number, 定岗日期="2024-01-01"),
        worker_line(county, unit, 学历="未知"),
    ]
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(2, "定岗单位"), (3, "学历")]
    assert "交流日期" in outcome.errors[0].message
    assert worker.postings.get().unit == unit


# Re-import -------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(county_staff, county, unit):
    units = xlsx_bytes(UNIT_HEADERS, [unit_line(county, f"单位{i}") for i in range(5)])
    workers = csv_bytes(WORKER_HEADERS, [worker_line(county, unit) for _ in range(5)])
    assert do_import(county_staff, Kind.UNITS, units).result.created == 5
    assert do_import(county_staff, Kind.WORKERS, workers, "w.csv").result.created == 5
    counts = (Unit.objects.count(), Worker.objects.count(), Posting.objects.count())
    entries = audit_count()

    again_units = do_import(county_staff, Kind.UNITS, units).result
    again_workers = do_import(county_staff, Kind.WORKERS, workers, "w.csv").result
    assert (again_units.created, again_units.updated, again_units.unchanged) == (0, 0, 5)
    assert (again_workers.created, again_workers.updated, again_workers.unchanged) == (0, 0, 5)
    assert str(again_workers) == "新增 0 条，更新 0 条，未变 5 条。"
    assert (Unit.objects.count(), Worker.objects.count(), Posting.objects.count()) == counts
    assert audit_count() == entries


def test_changed_rows_update_and_a_new_unit_is_an_exchange(county_staff, county, worker, unit):
    target = UnitFactory(federation=county, name="工业园区工会")
    untouched = WorkerFactory(federation=county, name="不变")
    PostingFactory(worker=untouched, unit=unit)
    lines = [
        worker_line(
            county,
            target,
            姓名=worker.name,
            身份证号码=worker.id_number,
            学历="硕士研究生",
            社会工作职业资格="",
            聘用日期=worker.hire_date.isoformat(),
            定岗日期="2025-06-01",
        ),
        worker_line(
            county,
            unit,
            姓名="不变",
            身份证号码=untouched.id_number,
            手机号码="",
            社会工作职业资格="无",
            聘用日期="2024-03-01",
            定岗日期="2099-01-01",  # same unit: the date is not used, nothing changes
        ),
        unit_line(county, unit.name),
    ]
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines[:2]))
    assert (outcome.result.created, outcome.result.updated, outcome.result.unchanged) == (0, 1, 1)
    worker.refresh_from_db()
    assert worker.education == "master"
    postings = list(worker.postings.order_by("start"))
    assert [(p.unit, p.end, p.kind) for p in postings] == [
        (unit, dt.date(2025, 5, 31), "initial"),
        (target, None, "exchange"),
    ]
    assert untouched.postings.get().unit == unit
    assert not ModelLogEntry.objects.filter(
        object_id=str(untouched.pk), action="wagtail.edit"
    ).exists()

    unit_outcome = do_import(county_staff, Kind.UNITS, xlsx_bytes(UNIT_HEADERS, [lines[2]]))
    assert unit_outcome.result.updated == 1
    unit.refresh_from_db()
    assert (unit.kind, unit.headcount) == ("enterprise", 1200)


def test_worker_without_an_open_posting_gets_an_initial_posting(county_staff, county, unit):
    idle = WorkerFactory(federation=county, name="待岗")
    line = worker_line(
        county,
        unit,
        姓名="待岗",
        身份证号码=idle.id_number,
        手机号码="",
        社会工作职业资格="",
        定岗日期="2024-05-01",
    )
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, [line]))
    assert outcome.result.updated == 1
    posting = idle.postings.get()
    assert (posting.unit, posting.start, posting.kind) == (unit, dt.date(2024, 5, 1), "initial")


# The user's subtree ----------------------------------------------------------------------------


def test_county_staff_cannot_import_into_another_county(
    county_staff, county, other_county, unit, other_unit
):
    lines = [
        unit_line(county, "本县工会"),
        unit_line(other_county, "外县工会"),
        unit_line(county, "x", 所属总工会="不存在总工会"),
    ]
    outcome = do_import(county_staff, Kind.UNITS, xlsx_bytes(UNIT_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(3, "所属总工会"), (4, "所属总工会")]
    # Someone else's federation reads exactly like one that does not exist.
    assert outcome.errors[0].message.replace(other_county.name, "X") == outcome.errors[
        1
    ].message.replace("不存在总工会", "X")
    assert not Unit.objects.filter(name="本县工会").exists()

    workers = [
        worker_line(other_county, None),
        worker_line(county, other_unit),
        worker_line(county, None, 定岗单位="没有这个单位", 定岗日期="2024-03-15"),
    ]
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, workers))
    assert [(e.line, e.column) for e in outcome.errors] == [
        (2, "聘用单位"),
        (3, "定岗单位"),
        (4, "定岗单位"),
    ]
    assert outcome.errors[1].message.replace(other_unit.name, "X") == outcome.errors[
        2
    ].message.replace("没有这个单位", "X")
    assert not Worker.objects.exists()


def test_a_worker_registered_elsewhere_is_not_touched(county_staff, county, other_worker):
    line = worker_line(county, None, 身份证号码=other_worker.id_number, 姓名="冒名")
    outcome = do_import(county_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, [line]))
    assert [(e.line, e.column) for e in outcome.errors] == [(2, "身份证号码")]
    other_worker.refresh_from_db()
    assert other_worker.name == "李强" and other_worker.federation != county


def test_service_refuses_rows_outside_the_subtree(county_staff, other_county):
    """The service checks the subtree again, whatever rows it is handed."""
    row_lines = xlsx_bytes(UNIT_HEADERS, [unit_line(other_county, "外县工会")])
    city_staff = UserFactory(username="boss", is_superuser=True)
    rows = check_file(kind=Kind.UNITS, data=row_lines, filename="u.xlsx", user=city_staff).rows
    with pytest.raises(services.ImportRejected, match="1 处错误") as caught:
        services.import_units(by=county_staff, rows=rows)
    assert [e.line for e in caught.value.errors] == [2]
    assert not Unit.objects.filter(name="外县工会").exists()


def test_unit_names_resolve_inside_the_hiring_federation_first(
    city_staff, city, county, other_county
):
    mine = UnitFactory(federation=county, name="同名工会")
    UnitFactory(federation=other_county, name="同名工会")
    lines = [
        worker_line(county, mine),  # one of the two is under the hiring county
        worker_line(city, mine),  # both are under the hiring city: ambiguous
        worker_line(city, None, 定岗单位=f"{other_county.name}/同名工会", 定岗日期="2024-04-01"),
    ]
    outcome = do_import(city_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    assert [(e.line, e.column) for e in outcome.errors] == [(3, "定岗单位")]
    assert "所属总工会/单位名称" in outcome.errors[0].message
    del lines[1]
    outcome = do_import(city_staff, Kind.WORKERS, xlsx_bytes(WORKER_HEADERS, lines))
    assert outcome.errors == []
    units = {w.federation.code: w.postings.get().unit.federation for w in Worker.objects.all()}
    assert units == {"FC": county, "MY": other_county}


# Not a usable table ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "a.xlsx", "空"),
        (os.urandom(4096), "a.csv", "不是 XLSX 或 CSV"),
        (os.urandom(4096), "a.xlsx", ".xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(200), "a.csv", "不是 XLSX 或 CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(200), "a.png", "不是 XLSX 或 CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "a.xls", ".xls"),
        (b"PK\x03\x04" + os.urandom(300), "a.xlsx", "无法读取该 Excel"),
        (b"\xff\xfe\x80\xdc\x00", "a.csv", "不是 XLSX 或 CSV"),
    ],
)
def test_not_a_spreadsheet_is_a_clear_error(data, filename, words):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, filename)
    assert words in str(caught.value)


def test_a_zip_that_is_not_a_workbook_is_a_clear_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SpreadsheetError, match="无法读取该 Excel"):
        read_table(out.getvalue(), "a.xlsx")


def test_wrong_columns_name_the_missing_ones(county_staff, county):
    headers = [h for h in UNIT_HEADERS if h != "职工人数"] + ["备注"]
    data = xlsx_bytes(headers, [["x"] * len(headers)])
    with pytest.raises(SpreadsheetError) as caught:
        check_file(kind=Kind.UNITS, data=data, filename="u.xlsx", user=county_staff)
    assert "缺少列：职工人数" in str(caught.value) and "无法识别的列：备注" in str(caught.value)


def test_a_units_file_uploaded_as_workers_says_so(county_staff, county):
    data = xlsx_bytes(UNIT_HEADERS, [unit_line(county, "甲")])
    with pytest.raises(SpreadsheetError) as caught:
        check_file(kind=Kind.WORKERS, data=data, filename="u.xlsx", user=county_staff)
    assert "缺少列：姓名、性别、身份证号码" in str(caught.value)
    assert "基层工会" in str(caught.value)


def test_header_only_and_blank_sheets_are_refused(county_staff):
    with pytest.raises(SpreadsheetError, match="没有数据行"):
        check_file(
            kind=Kind.UNITS, data=xlsx_bytes(UNIT_HEADERS, []), filename="u", user=county_staff
        )
    with pytest.raises(SpreadsheetError, match="空"):
        check_file(kind=Kind.UNITS, data=xlsx_bytes([], []), filename="u", user=county_staff)


# Templates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.UNITS, Kind.WORKERS])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_download_and_parse_back(client, county_staff, county, unit, kind, fmt):
    login(client, county_staff)
    response = client.get(reverse("workforce_roster_template", args=[kind, fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(f".{fmt}")
    checked = check_file(kind=kind, data=response.content, filename=f"t.{fmt}", user=county_staff)
    assert checked.errors == []
    assert len(checked.rows) == 1
    row = checked.rows[0]
    if kind == Kind.WORKERS:
        assert (row.id_number, row.unit, row.federation) == (EXAMPLE_ID_NUMBER, unit, county)
        assert row.hire_date == dt.date(2024, 3, 1)
    else:
        assert row.federation == county


def test_template_of_an_unknown_kind_is_404(client, county_staff):
    login(client, county_staff)
    assert client.get("/admin/roster-import/template/courses.xlsx").status_code == 404
    assert client.get("/admin/roster-import/template/units.pdf").status_code == 404


# Screens ---------------------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_only_federation_staff_see_the_import(client, worker, db):
    login(client, worker.user)
    assert client.get(URL).status_code != 200  # no admin access at all: Wagtail turns them away
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    login(client, editor)
    assert client.get(URL).status_code == 404
    assert (
        client.get(reverse("workforce_roster_template", args=["units", "csv"])).status_code == 404
    )
    assert client.post(URL, {"kind": "units"}).status_code == 404


def test_menu_item_is_shown_to_staff_only(rf, county_staff, db):
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))

    def labels(user):
        request = rf.get("/admin/")
        request.user = user
        return [str(item.label) for item in admin_menu.menu_items_for_request(request)]

    assert "名册导入" in labels(county_staff)
    assert "名册导入" not in labels(editor)


def test_import_page_queries_do_not_grow(
    client, county_staff, county, park, django_assert_max_num_queries
):
    login(client, county_staff)
    client.get(URL)  # warm per-process caches (site root, menu) before counting
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    assert county.name in response.content.decode()
    for i in range(10):
        make_federation(f"新园区{i}", f"NP{i}", parent=county, level=Federation.Level.PARK)
        WorkerFactory(federation=county)
        UnitFactory(federation=park)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert "新园区9" in response.content.decode()


def test_upload_shows_the_result_summary(client, county_staff, county):
    login(client, county_staff)
    data = xlsx_bytes(UNIT_HEADERS, [unit_line(county, "甲"), unit_line(county, "乙")])
    response = client.post(URL, {"kind": "units", "file": upload("单位.xlsx", data)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "新增 2 条，更新 0 条，未变 0 条" in html
    assert Unit.objects.filter(federation=county).count() == 2
    response = client.post(URL, {"kind": "units", "file": upload("单位.xlsx", data)})
    assert "新增 0 条，更新 0 条，未变 2 条" in response.content.decode()


def test_upload_shows_the_error_table(client, county_staff, county):
    login(client, county_staff)
    lines = [unit_line(county, f"单位{i}") for i in range(6)]
    lines[3][3] = -5
    response = client.post(
        URL, {"kind": "units", "file": upload("单位.csv", csv_bytes(UNIT_HEADERS, lines))}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-import-errors" in html and "data-import-result" not in html
    assert "<td>5</td>" in html and "<td>职工人数</td>" in html
    assert not Unit.objects.filter(name__startswith="单位").exists()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n\x00\x00", "请上传 .xlsx 或 .csv 文件"),
        ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "不是 XLSX 或 CSV"),
        ("a.xlsx", os.urandom(1000), "不是有效的 .xlsx"),
        ("a.csv", b"\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d,x\n1,2\n", "缺少列"),
    ],
)
def test_unreadable_uploads_are_form_errors_not_500s(client, county_staff, name, data, words):
    login(client, county_staff)
    response = client.post(URL, {"kind": "workers", "file": upload(name, data)})
    assert response.status_code == 200
    assert words in response.content.decode()


def test_too_large_uploads_are_refused(client, county_staff):
    login(client, county_staff)
    data = b"a" * (5 * 1024 * 1024 + 1)
    response = client.post(URL, {"kind": "units", "file": upload("big.csv", data)})
    assert response.status_code == 200
    assert "不能超过 5 MB" in response.content.decode()
