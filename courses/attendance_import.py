"""Attendance import: read a session's attendance sheet (XLSX or CSV) and check every row.

Nothing here writes. ``check_file`` turns an upload into marks per meeting (meeting id →
enrolment id → ``Attendance.Status``) plus every problem found, each with the line number the
user sees in the spreadsheet (the header is line 1). The screen then records the marks with
``services.record_attendance``, all of them or none. Files are read with the roster import's
helpers (``workforce/roster_import.py``), so both imports accept the same files.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from lms import spreadsheets
from workforce.roster_import import (
    IdNumberField,
    LabelChoiceField,
    RowError,
    SpreadsheetDateField,
    SpreadsheetError,
    Table,
    choice_labels,
    header_problems,
    read_table,
)

from .models import Attendance, Enrolment, Meeting, Session

# Fixed Chinese headers: part of the file format, not of the interface language.
NAME, ID_NUMBER, DATE, STATUS = "姓名", "身份证号码", "日期", "出勤情况"
REQUIRED = (ID_NUMBER, DATE, STATUS)
COLUMNS = (NAME, *REQUIRED)


class AttendanceRowForm(forms.Form):
    name = forms.CharField(max_length=50, required=False)
    id_number = IdNumberField()
    date = SpreadsheetDateField()
    status = LabelChoiceField(Attendance.Status)


FIELD_HEADERS = {"name": NAME, "id_number": ID_NUMBER, "date": DATE, "status": STATUS}


@dataclass
class CheckedAttendance:
    """The marks of every valid row, by meeting, and the problems of the others."""

    marks: dict[int, dict[int, int]] = field(default_factory=dict)
    meetings: dict[int, Meeting] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def _check_headers(headers: list[str]) -> None:
    problems = header_problems(headers, required=REQUIRED, known=COLUMNS)
    if problems:
        problems.append(
            _("应有的列：%(columns)s（姓名可省略）。") % {"columns": "、".join(COLUMNS)}
        )
        raise SpreadsheetError(" ".join(problems))


def check_table(session: Session, table: Table) -> CheckedAttendance:
    """Check every row against the session's confirmed roster and meetings (2 queries)."""
    _check_headers(table.headers)
    if not table.rows:
        raise SpreadsheetError(_("文件中只有列名，没有数据行。"))
    positions = {
        name: table.headers.index(header)
        for name, header in FIELD_HEADERS.items()
        if header in table.headers
    }
    roster = {
        e.worker.id_number: e
        for e in Enrolment.objects.filter(
            session=session, status=Enrolment.Status.CONFIRMED
        ).select_related("worker")
    }
    meetings = {m.date: m for m in Meeting.objects.filter(session=session)}
    checked = CheckedAttendance()
    first_line: dict[tuple[int, int], int] = {}
    for line, values in table.rows:
        checked.rows += 1
        form = AttendanceRowForm({name: values[i] for name, i in positions.items()})
        if not form.is_valid():
            checked.errors.extend(RowError.of_form(line, form, FIELD_HEADERS))
            continue
        data = form.cleaned_data
        enrolment = roster.get(data["id_number"])
        meeting = meetings.get(data["date"])
        problems = []
        if enrolment is None:
            problems.append(
                (
                    ID_NUMBER,
                    _("身份证号码 %(number)s 的工作者不在本班次的确认名单中。")
                    % {"number": data["id_number"]},
                )
            )
        elif data["name"] and data["name"] != enrolment.worker.name:
            problems.append(
                (
                    NAME,
                    _("姓名“%(written)s”与该身份证号码登记的姓名“%(name)s”不符。")
                    % {"written": data["name"], "name": enrolment.worker.name},
                )
            )
        if meeting is None:
            problems.append(
                (DATE, _("本班次在 %(date)s 没有课次。") % {"date": data["date"].isoformat()})
            )
        elif meeting.cancelled:
            problems.append(
                (DATE, _("%(date)s 的课次已取消。") % {"date": data["date"].isoformat()})
            )
        if problems:
            checked.errors.extend(RowError(line, column, message) for column, message in problems)
            continue
        key = (meeting.pk, enrolment.pk)
        if key in first_line:
            checked.errors.append(
                RowError(
                    line, "", _("与第 %(line)d 行是同一人同一天。") % {"line": first_line[key]}
                )
            )
            continue
        first_line[key] = line
        checked.meetings[meeting.pk] = meeting
        checked.marks.setdefault(meeting.pk, {})[enrolment.pk] = data["status"]
    return checked


def check_file(*, session: Session, data: bytes, filename: str) -> CheckedAttendance:
    """Read and check an upload; raise ``SpreadsheetError`` if it is not a usable table."""
    return check_table(session, read_table(data, filename))


# Templates -----------------------------------------------------------------------------------


def template_rows(session: Session, *, today: dt.date) -> list[list]:
    """Return one row per confirmed worker per held meeting up to ``today`` (all if none yet)."""
    roster = list(
        Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED)
        .select_related("worker")
        .order_by("worker__name", "pk")
    )
    held = list(Meeting.objects.filter(session=session, cancelled=False).order_by("date"))
    dates = [m.date for m in held if m.date <= today] or [m.date for m in held]
    return [[e.worker.name, e.worker.id_number, day, ""] for day in dates for e in roster]


def template_xlsx(session: Session, *, today: dt.date) -> bytes:
    """Return an XLSX sheet to fill in: the roster per meeting day, a drop-down for the status."""
    book = spreadsheets.new_workbook()
    rows = template_rows(session, today=today)
    sheet = spreadsheets.add_sheet(
        book, _("考勤"), COLUMNS, rows, widths={"A": 12, "B": 22, "C": 14, "D": 12}
    )
    for (cell,) in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=2, max_col=2):
        cell.number_format = "@"  # keep all 18 digits
    for (cell,) in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=3, max_col=3):
        cell.number_format = "yyyy-mm-dd"
    labels = ",".join(choice_labels(Attendance.Status))
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False)
    sheet.add_data_validation(validation)
    validation.add(f"D2:D{max(len(rows), 1) + 200}")
    return spreadsheets.save(book)


def template_csv(session: Session, *, today: dt.date) -> bytes:
    """Return the same sheet as CSV (UTF-8 with BOM, so Excel shows the Chinese)."""
    return spreadsheets.csv_bytes(COLUMNS, template_rows(session, today=today))
