"""Write tables as XLSX or CSV files and send them as downloads.

Every export and import template of the admin goes through here, so all of them open the same
way in Excel: a bold, frozen header row, and CSV in UTF-8 with a byte-order mark (without it Excel
reads the Chinese as GBK and shows mojibake).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
SHEET_TITLE_LENGTH = 31  # Excel refuses longer sheet names


def check_format(fmt: str) -> None:
    """Raise ``Http404`` unless ``fmt`` is a format this module writes."""
    if fmt not in CONTENT_TYPES:
        raise Http404


def new_workbook() -> Workbook:
    """Return a workbook without sheets, to fill with ``add_sheet``."""
    book = Workbook()
    book.remove(book.active)
    return book


def add_sheet(
    book: Workbook,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    widths: Mapping[str, float] | None = None,
) -> Worksheet:
    """Add a sheet holding the table under a bold, frozen header; ``widths`` by column letter."""
    sheet = book.create_sheet(str(title)[:SHEET_TITLE_LENGTH])
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    return sheet


def save(book: Workbook) -> bytes:
    """Return the workbook as the bytes of an XLSX file."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    widths: Mapping[str, float] | None = None,
) -> bytes:
    """Return an XLSX file of one sheet: the bold, frozen header, then the rows."""
    book = new_workbook()
    add_sheet(book, title, header, rows, widths=widths)
    return save(book)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """Return the table as CSV in UTF-8 with a BOM; ``None`` is empty and dates are ISO."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([str(cell) for cell in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def table_file(fmt: str, title: str, header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """Return the table as an XLSX (one sheet named ``title``) or CSV file."""
    check_format(fmt)
    if fmt == "csv":
        return csv_bytes(header, rows)
    return workbook(title, header, rows)


def download_response(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """Return ``content`` as an attachment; a Chinese ``filename`` is sent as RFC 6266
    ``filename*=utf-8''…``, which every current browser saves under its real name."""
    check_format(fmt)
    return HttpResponse(
        content,
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition_header(True, str(filename))},
    )
