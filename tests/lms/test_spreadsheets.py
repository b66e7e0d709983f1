import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.http import Http404

from lms import spreadsheets

HEADER = ["姓名", "聘用日期", "学时"]
ROWS = [["王芳", dt.date(2024, 3, 1), 12.5], ["李强", None, 0]]


def test_workbook_has_a_bold_frozen_header_and_the_rows():
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.workbook("培训达标统计", HEADER, ROWS)))
    sheet = book.active
    assert sheet.title == "培训达标统计"
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "王芳"
    assert sheet["B2"].value.date() == dt.date(2024, 3, 1)
    assert sheet["C2"].value == 12.5


def test_sheet_titles_are_cut_to_what_excel_accepts():
    content = spreadsheets.workbook("长" * 40, HEADER, [])
    assert openpyxl.load_workbook(io.BytesIO(content)).active.title == "长" * 31


def test_several_sheets_keep_their_order_and_widths():
    book = spreadsheets.new_workbook()
    spreadsheets.add_sheet(book, "配备情况", HEADER, ROWS, widths={"A": 30})
    spreadsheets.add_sheet(book, "超配单位", HEADER, [])
    loaded = openpyxl.load_workbook(io.BytesIO(spreadsheets.save(book)))
    assert loaded.sheetnames == ["配备情况", "超配单位"]
    assert loaded["配备情况"].column_dimensions["A"].width == 30


def test_csv_has_a_bom_iso_dates_and_empty_cells_for_none():
    content = spreadsheets.csv_bytes(HEADER, ROWS)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [HEADER, ["王芳", "2024-03-01", "12.5"], ["李强", "", "0"]]


def test_table_file_writes_the_format_asked_for():
    assert spreadsheets.table_file("csv", "表", HEADER, ROWS).startswith(b"\xef\xbb\xbf")
    assert spreadsheets.table_file("xlsx", "表", HEADER, ROWS).startswith(b"PK")
    with pytest.raises(Http404):
        spreadsheets.table_file("pdf", "表", HEADER, ROWS)


def test_download_names_a_chinese_file_the_rfc_6266_way():
    response = spreadsheets.download_response(b"x", "csv", "配备报表.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%85%8D%E5%A4%87%E6%8A%A5%E8%A1%A8.csv"
    )
    ascii_name = spreadsheets.download_response(b"x", "xlsx", "report.xlsx")
    assert ascii_name["Content-Disposition"] == 'attachment; filename="report.xlsx"'
    assert ascii_name["Content-Type"] == spreadsheets.CONTENT_TYPES["xlsx"]
