"""Recording attendance in the admin: the one-meeting screen for the whole roster, and the
XLSX/CSV import with all-or-nothing checks (service rules are in ``test_attendance.py``)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Attendance, Enrolment
from tests.conftest import login
from tests.factories import EnrolmentFactory, WorkerFactory

P, L, E, A = (
    Attendance.Status.PRESENT,
    Attendance.Status.LATE,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
)


def url(name, *args):
    return reverse(f"courses_sessions:{name}", args=args)


def enrol_someone(session, status=Enrolment.Status.CONFIRMED, **worker_fields):
    worker = WorkerFactory(federation=session.organizer, **worker_fields)
    return EnrolmentFactory(session=session, worker=worker, status=status)


@pytest.fixture
def roster(session):
    """Three confirmed workers of the county session (meetings 2030-03-04..08, 3 h each)."""
    return [enrol_someone(session, name=name) for name in ("王芳", "李娜", "张伟")]


# The attendance screen -----------------------------------------------------------------------


def test_screen_lists_the_whole_confirmed_roster(client, session, roster, county_staff):
    enrol_someone(session, status=Enrolment.Status.WAITLISTED, name="候补者")
    enrol_someone(session, status=Enrolment.Status.CANCELLED, name="已取消者")
    meeting = session.meetings.first()
    Attendance.objects.create(meeting=meeting, enrolment=roster[1], status=L, hours=3)
    response = login(client, county_staff).get(url("attendance", meeting.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for enrolment in roster:
        assert enrolment.worker.name in html
    assert "候补者" not in html and "已取消者" not in html
    form = response.context["form"]
    assert form[f"mark_{roster[0].pk}"].value() == P  # unrecorded: present by default
    assert form[f"mark_{roster[1].pk}"].value() == L  # recorded: as recorded
    assert "2 人尚未登记" in html
    assert html.count('type="radio"') == 3 * 4


def test_one_post_saves_every_mark(client, session, roster, county_staff):
    meeting = session.meetings.first()
    data = {
        f"mark_{roster[0].pk}": P,
        f"mark_{roster[1].pk}": L,
        f"mark_{roster[2].pk}": E,
    }
    response = login(client, county_staff).post(url("attendance", meeting.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url("meetings", session.pk)
    marks = dict(meeting.attendances.values_list("enrolment_id", "status"))
    assert marks == {roster[0].pk: P, roster[1].pk: L, roster[2].pk: E}
    hours = dict(Enrolment.objects.values_list("pk", "credited_hours"))
    assert hours[roster[0].pk] == Decimal(3)
    assert hours[roster[1].pk] == Decimal(3)
    assert hours[roster[2].pk] == Decimal(0)
    # Changing one mark and saving again replaces it.
    data[f"mark_{roster[1].pk}"] = A
    client.post(url("attendance", meeting.pk), data)
    assert meeting.attendances.get(enrolment=roster[1]).status == A
    assert Enrolment.objects.get(pk=roster[1].pk).credited_hours == Decimal(0)


def test_a_missing_or_bad_mark_saves_nothing(client, session, roster, county_staff):
    meeting = session.meetings.first()
    data = {f"mark_{roster[0].pk}": P, f"mark_{roster[1].pk}": 42}
    response = login(client, county_staff).post(url("attendance", meeting.pk), data)
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_a_cancelled_meeting_takes_no_attendance(client, session, roster, county_staff):
    meeting = session.meetings.first()
    meeting.cancelled = True
    meeting.save()
    data = {f"mark_{e.pk}": P for e in roster}
    response = login(client, county_staff).post(url("attendance", meeting.pk), data)
    assert "课次已取消" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_screen_query_count_does_not_grow(
    client, session, roster, county_staff, django_assert_max_num_queries
):
    meeting = session.meetings.first()
    target = url("attendance", meeting.pk)
    login(client, county_staff)
    client.get(target)
    with django_assert_max_num_queries(12):
        assert client.get(target).status_code == 200
    for _i in range(30):
        enrolment = enrol_someone(session)
        Attendance.objects.create(meeting=meeting, enrolment=enrolment, status=A, hours=0)
    with django_assert_max_num_queries(12):
        html = client.get(target).content.decode()
    assert html.count('type="radio"') == 33 * 4


# Import --------------------------------------------------------------------------------------


def upload(client, session, content: bytes, name: str):
    file = SimpleUploadedFile(name, content)
    return client.post(url("attendance_import", session.pk), {"file": file})


def csv_bytes(rows, header=("姓名", "身份证号码", "日期", "出勤情况")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def errors_of(response) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in response.context["errors"]]


def test_import_a_good_csv(client, session, roster, county_staff):
    a, b, c = roster
    rows = [
        (a.worker.name, a.worker.id_number, "2030-03-04", "出勤"),
        (b.worker.name, b.worker.id_number, "2030-03-04", "迟到"),
        ("", c.worker.id_number, "2030/3/4", "缺勤"),
        (a.worker.name, a.worker.id_number, "2030-03-05", "请假"),
    ]
    response = upload(login(client, county_staff), session, csv_bytes(rows), "考勤.csv")
    assert response.status_code == 302
    recorded = set(Attendance.objects.values_list("meeting__date", "enrolment_id", "status"))
    assert recorded == {
        (dt.date(2030, 3, 4), a.pk, P),
        (dt.date(2030, 3, 4), b.pk, L),
        (dt.date(2030, 3, 4), c.pk, A),
        (dt.date(2030, 3, 5), a.pk, E),
    }
    assert Enrolment.objects.get(pk=a.pk).credited_hours == Decimal(3)
    follow = client.get(response["Location"])
    assert "已导入 4 条考勤，涉及 2 次课" in follow.content.decode()


def test_import_a_good_xlsx_with_date_cells(client, session, roster, county_staff):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["身份证号码", "日期", "出勤情况"])  # no name column
    for enrolment in roster:
        sheet.append([enrolment.worker.id_number, dt.datetime(2030, 3, 6), "出勤"])
    out = io.BytesIO()
    workbook.save(out)
    response = upload(login(client, county_staff), session, out.getvalue(), "考勤.xlsx")
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting__date=dt.date(2030, 3, 6), status=P).count() == 3


def test_import_reports_every_bad_row_and_records_nothing(client, session, roster, county_staff):
    a, b, c = roster
    waitlisted = enrol_someone(session, status=Enrolment.Status.WAITLISTED)
    session.meetings.filter(date=dt.date(2030, 3, 7)).update(cancelled=True)
    rows = [
        (a.worker.name, a.worker.id_number, "2030-03-04", "出勤"),  # line 2: fine
        ("", b.worker.id_number, "2030-03-04", "到了"),  # 3: unknown status
        ("", waitlisted.worker.id_number, "2030-03-04", "出勤"),  # 4: not confirmed
        ("", c.worker.id_number, "2030-03-09", "出勤"),  # 5: no meeting that day
        ("", c.worker.id_number, "2030-03-07", "出勤"),  # 6: cancelled meeting
        ("李四", c.worker.id_number, "2030-03-05", "出勤"),  # 7: wrong name
        ("", a.worker.id_number, "2030-03-04", "缺勤"),  # 8: same person, same day as 2
        ("", "123", "2030-03-04", "出勤"),  # 9: not an ID number
        ("", c.worker.id_number, "下周一", "出勤"),  # 10: not a date
    ]
    response = upload(login(client, county_staff), session, csv_bytes(rows), "考勤.csv")
    assert response.status_code == 200
    errors = errors_of(response)
    assert [line for line, _message in errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = dict(errors)
    assert "“到了”不是可选值" in messages[3]
    assert "不在本班次的确认名单中" in messages[4]
    assert "没有课次" in messages[5]
    assert "已取消" in messages[6]
    assert "不符" in messages[7]
    assert "与第 2 行是同一人同一天" in messages[8]
    assert "日期应写成 YYYY-MM-DD" in messages[10]
    html = response.content.decode()
    assert "发现 8 处错误，没有导入任何考勤" in html
    assert not Attendance.objects.exists()


def test_import_refuses_wrong_columns(client, session, roster, county_staff):
    content = csv_bytes([("王芳", "出勤")], header=("姓名", "考勤"))
    response = upload(login(client, county_staff), session, content, "考勤.csv")
    message = " ".join(response.context["form"].errors["file"])
    assert "缺少列：身份证号码、日期、出勤情况" in message
    assert "无法识别的列：考勤" in message
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "不是 XLSX 或 CSV 表格"),
        (b"PK\x03\x04not really a workbook", "考勤.xlsx", "无法读取该 Excel 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "考勤.xlsx", "旧版 Excel"),
        (b"hello", "notes.txt", "请上传 .xlsx 或 .csv 文件"),
        ("身份证号码,日期,出勤情况\n".encode(), "考勤.csv", "没有数据行"),
    ],
)
def test_import_refuses_what_is_not_a_usable_sheet(
    client, session, county_staff, content, name, expected
):
    response = upload(login(client, county_staff), session, content, name)
    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["file"])


def test_template_lists_the_roster_for_each_meeting_day(client, session, roster, county_staff):
    login(client, county_staff)
    response = client.get(url("attendance_template", session.pk, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "身份证号码", "日期", "出勤情况")
    assert len(rows) == 1 + 3 * 5  # all five days are still ahead: all of them
    assert {row[1] for row in rows[1:]} == {e.worker.id_number for e in roster}
    csv_response = client.get(url("attendance_template", session.pk, "csv"))
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "姓名,身份证号码,日期,出勤情况"
    assert "2030-03-04" in text
    assert client.get(url("attendance_template", session.pk, "pdf")).status_code == 404


def test_a_filled_template_imports(client, session, roster, county_staff):
    login(client, county_staff)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(url("attendance_template", session.pk, "xlsx")).content)
    ).active
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.value = "出勤"
    out = io.BytesIO()
    sheet.parent.save(out)
    response = upload(client, session, out.getvalue(), "考勤.xlsx")
    assert response.status_code == 302
    assert Attendance.objects.count() == 15
    assert set(Enrolment.objects.values_list("credited_hours", flat=True)) == {Decimal(15)}


def test_outsider_cannot_import(client, session, roster, outsider):
    rows = [("", roster[0].worker.id_number, "2030-03-04", "出勤")]
    response = upload(login(client, outsider), session, csv_bytes(rows), "考勤.csv")
    assert response.status_code == 404
    assert not Attendance.objects.exists()
