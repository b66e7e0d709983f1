"""Admin screens for the staffing report (配备报表): the table, a chart, XLSX and CSV exports.

Registered in ``workforce/wagtail_hooks.py``. Only federation staff see it, each for their own
subtree; anyone else gets a 404 (Wagtail sends anonymous users to its login).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.charts import bar_chart
from lms.spreadsheets import add_sheet, csv_bytes, download_response, new_workbook, save

from . import selectors
from .models import Federation
from .permissions import federations_for, get_federation_or_404, managed_paths
from .staffing import StaffingReport, StaffingTotals, UnitLine

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


# The chart's bars of each federation, in the colours the report has always used for them.
CHART_BARS = (
    ("required", gettext_lazy("须配备"), "#9aa5b1"),
    ("posted", gettext_lazy("已定岗"), "#2f6fb3"),
    ("allowed", gettext_lazy("可配备上限"), "#3c9d5d"),
)


def staffing_chart(report: StaffingReport) -> str:
    """Return the bars (required, posted, allowed) of each row as an SVG chart ("" if no rows)."""
    if not report.rows:
        return ""
    return bar_chart(
        _("各总工会须配备、已定岗与可配备上限人数"),
        [row.name for row in report.rows],
        {
            label: [getattr(row.totals, name) for row in report.rows]
            for name, label, _colour in CHART_BARS
        },
        colours=[colour for _name, _label, colour in CHART_BARS],
    )


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
            "chart": staffing_chart(report),
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
    book = new_workbook()
    for title, (header, *rows) in (
        (_("配备情况"), report_table(report)),
        (_("未配备单位"), unit_table(report.unstaffed)),
        (_("超配单位"), unit_table(report.over_norm)),
    ):
        add_sheet(book, title, header, rows, widths={"A": 30})
    return save(book)


def staffing_csv(report: StaffingReport) -> bytes:
    """Return the totals table as CSV (UTF-8 with a BOM, so Excel shows the Chinese)."""
    header, *rows = report_table(report)
    return csv_bytes(header, rows)


def staffing_report_xlsx(request):
    """Download the staffing report as XLSX."""
    report = selectors.staffing_report(_scope(request).paths)
    return download_response(staffing_workbook(report), "xlsx", _("配备报表.xlsx"))


def staffing_report_csv(request):
    """Download the staffing report's totals as CSV."""
    report = selectors.staffing_report(_scope(request).paths)
    return download_response(staffing_csv(report), "csv", _("配备报表.csv"))
