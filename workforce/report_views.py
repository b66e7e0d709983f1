"""Admin screens for the staffing report (配备报表): the table, a chart, XLSX and CSV exports.

Registered in ``workforce/wagtail_hooks.py``. Only federation staff see it, each for their own
subtree; anyone else gets a 404 (Wagtail sends anonymous users to its login).
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from . import selectors
from .models import Federation
from .permissions import federations_for, get_federation_or_404, managed_paths
from .staffing import StaffingReport, StaffingTotals, UnitLine

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The report's columns, in the order of the table and of both exports.
TOTAL_COLUMNS = (
    ("units", gettext_lazy("基层工会数")),
    ("employees", gettext_lazy("职工人数")),
    ("required", gettext_lazy("须配备人数")),
    ("allowed", gettext_lazy("可配备上限")),
    ("posted", gettext_lazy("已定岗人数")),
    ("unstaffed", gettext_lazy("未配备单位数")),
    ("over_norm", gettext_lazy("超配单位数")),
)
UNIT_COLUMNS = (
    ("name", gettext_lazy("基层工会")),
    ("kind", gettext_lazy("类型")),
    ("federation", gettext_lazy("所属总工会")),
    ("headcount", gettext_lazy("职工人数")),
    ("posted", gettext_lazy("已定岗人数")),
    ("allowed", gettext_lazy("可配备上限")),
)


@dataclass(frozen=True)
class Scope:
    """Which part of the tree the report covers, as the user chose it."""

    paths: list[str]
    federation: Federation | None  # the federation picked in the form, if any


def _scope(request) -> Scope:
    """Return the report's scope: the user's subtree, or one federation of it (404 otherwise)."""
    paths = managed_paths(request.user)
    if not paths:
        raise Http404
    chosen = request.GET.get("federation")
    if not chosen:
        return Scope(paths, None)
    if not chosen.isdigit():
        raise Http404
    federation = get_federation_or_404(request.user, pk=chosen)
    return Scope([federation.path], federation)


def _query(scope: Scope) -> str:
    return "?" + urlencode({"federation": scope.federation.pk}) if scope.federation else ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int
    css: str


@dataclass(frozen=True)
class ChartGroup:
    name: str
    y: int
    bars: tuple[Bar, ...]


CHART_LABEL_WIDTH = 190
CHART_BAR_SPACE = 380
CHART_BAR_HEIGHT = 12
CHART_GROUP_HEIGHT = 3 * CHART_BAR_HEIGHT + 14


def chart_groups(report: StaffingReport) -> list[ChartGroup]:
    """Return the bars (required, posted, allowed) of each row, scaled to the largest value."""
    largest = max(
        (max(r.totals.required, r.totals.posted, r.totals.allowed) for r in report.rows),
        default=0,
    )
    groups = []
    for index, row in enumerate(report.rows):
        top = index * CHART_GROUP_HEIGHT
        bars = tuple(
            Bar(
                label=str(label),
                value=value,
                width=round(CHART_BAR_SPACE * value / largest, 1) if largest else 0,
                y=top + position * CHART_BAR_HEIGHT,
                css=css,
            )
            for position, (label, value, css) in enumerate(
                (
                    (_("须配备"), row.totals.required, "required"),
                    (_("已定岗"), row.totals.posted, "posted"),
                    (_("可配备上限"), row.totals.allowed, "allowed"),
                )
            )
        )
        groups.append(ChartGroup(name=row.name, y=top + CHART_BAR_HEIGHT * 2, bars=bars))
    return groups


def staffing_report_view(request):
    """Show the staffing report per county-level federation, with chart, lists and exports."""
    scope = _scope(request)
    report = selectors.staffing_report(scope.paths)
    paths = managed_paths(request.user)
    choices = list(
        federations_for(request.user)
        .filter(Q(depth__lte=2) | Q(path__in=paths))
        .values_list("pk", "name", "depth")
    )
    groups = chart_groups(report)
    query = _query(scope)
    return TemplateResponse(
        request,
        "workforce/staffing_report.html",
        {
            "report": report,
            "columns": TOTAL_COLUMNS,
            "unit_columns": UNIT_COLUMNS,
            "rows": [(row.name, _values(row.totals)) for row in report.rows],
            "total": _values(report.total),
            "unit_lists": [
                (_("未配备单位"), report.unstaffed, "unstaffed"),
                (_("超配单位"), report.over_norm, "over"),
            ],
            "chart": groups,
            "chart_height": max(len(groups), 1) * CHART_GROUP_HEIGHT,
            "chart_label_width": CHART_LABEL_WIDTH,
            "chart_width": CHART_LABEL_WIDTH + CHART_BAR_SPACE + 60,
            "choices": choices if len(choices) > 1 else [],
            "chosen": scope.federation.pk if scope.federation else None,
            "xlsx_url": reverse("workforce_staffing_report_xlsx") + query,
            "csv_url": reverse("workforce_staffing_report_csv") + query,
        },
    )


def _values(totals: StaffingTotals) -> list[int]:
    return [getattr(totals, name) for name, _label in TOTAL_COLUMNS]


def _unit_values(line: UnitLine) -> list:
    return [getattr(line, name) for name, _label in UNIT_COLUMNS]


def report_table(report: StaffingReport) -> list[list]:
    """Return the report as rows of cells: header, one row per federation, then the total."""
    header = [_("总工会"), *(str(label) for _name, label in TOTAL_COLUMNS)]
    rows = [[row.name, *_values(row.totals)] for row in report.rows]
    return [header, *rows, [_("合计"), *_values(report.total)]]


def unit_table(lines: tuple[UnitLine, ...]) -> list[list]:
    return [[str(label) for _name, label in UNIT_COLUMNS], *(_unit_values(u) for u in lines)]


def staffing_workbook(report: StaffingReport) -> bytes:
    """Return the report as an XLSX file: the totals, then the unstaffed and over-norm units."""
    workbook = Workbook()
    sheets = (
        (workbook.active, _("配备情况"), report_table(report)),
        (workbook.create_sheet(), _("未配备单位"), unit_table(report.unstaffed)),
        (workbook.create_sheet(), _("超配单位"), unit_table(report.over_norm)),
    )
    for sheet, title, table in sheets:
        sheet.title = title
        for cells in table:
            sheet.append(cells)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 30
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def staffing_csv(report: StaffingReport) -> bytes:
    """Return the totals table as CSV in UTF-8 with a BOM, so Excel shows the Chinese."""
    out = io.StringIO()
    csv.writer(out).writerows(report_table(report))
    return out.getvalue().encode("utf-8-sig")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def staffing_report_xlsx(request):
    """Download the staffing report as XLSX."""
    report = selectors.staffing_report(_scope(request).paths)
    return _download(staffing_workbook(report), XLSX_TYPE, _("配备报表.xlsx"))


def staffing_report_csv(request):
    """Download the staffing report's totals as CSV."""
    report = selectors.staffing_report(_scope(request).paths)
    return _download(staffing_csv(report), "text/csv; charset=utf-8", _("配备报表.csv"))
