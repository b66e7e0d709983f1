"""带教统计: the mentoring dashboard per county-level federation, its chart and its exports.

Scoped to the federations the user manages (like ``courses/compliance_views.py``); the numbers
come from ``selectors.mentoring_report`` in a fixed number of grouped queries.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.charts import Point, bar_chart
from lms.spreadsheets import FORMATS, check_format, download_response, table_file
from workforce.permissions import staff_paths_or_404

from . import selectors
from .models import Pairing
from .selectors import MentoringCounts, MentoringReport, MentoringRow

# The columns of the table and the export: (field, heading), in order.
COLUMNS = (
    ("mentors", gettext_lazy("导师")),
    ("at_capacity", gettext_lazy("满额导师")),
    ("active", gettext_lazy("进行中结对")),
    ("checkin_overdue", gettext_lazy("见面逾期")),
    ("past_end", gettext_lazy("超过结束日期")),
    ("completed", gettext_lazy("本年完成")),
    ("hours", gettext_lazy("本年认定学时")),
)
# The bars of the chart, with their colours.
CHART_SERIES = (
    ("active", gettext_lazy("进行中结对"), "#1565c0"),
    ("checkin_overdue", gettext_lazy("见面逾期"), "#c62828"),
    ("completed", gettext_lazy("本年完成"), "#2e7d32"),
    ("at_capacity", gettext_lazy("满额导师"), "#f9a825"),
)
PAIRINGS_INDEX = "mentorship_pairings:index"


def _value(counts: MentoringCounts, name: str):
    value = getattr(counts, name)
    return float(value) if name == "hours" else value


def _list_url(row: MentoringRow, name: str) -> str:
    """Return the pairing list filtered to a dashboard cell, where a filter says the same."""
    filters = {
        "active": f"status={Pairing.Status.ACTIVE}",
        "checkin_overdue": "overdue=checkin",
        "past_end": "overdue=past_end",
    }.get(name)
    if filters is None:
        return ""
    return f"{reverse(PAIRINGS_INDEX)}?federation={row.federation_id}&{filters}"


def mentoring_chart(report: MentoringReport) -> str:
    """Return grouped bars per federation row: active, overdue, completed, mentors at capacity."""
    if not report.rows:
        return ""
    series = {
        str(label): [
            Point(
                getattr(row.counts, name),
                title=f"{row.name} · {label}：{getattr(row.counts, name)}",
                url=_list_url(row, name),
            )
            for row in report.rows
        ]
        for name, label, _colour in CHART_SERIES
    }
    return bar_chart(
        _("各总工会导师带徒情况条形图"),
        [row.name for row in report.rows],
        series,
        colours=[colour for _name, _label, colour in CHART_SERIES],
    )


class DashboardView(WagtailAdminTemplateMixin, View):
    """Mentors, pairings and credited hours per county-level federation."""

    template_name = "mentorship/admin/dashboard.html"
    header_icon = "table"
    page_title = gettext_lazy("带教统计")

    def dispatch(self, request, *args, **kwargs):
        self.paths = staff_paths_or_404(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request):
        report = selectors.mentoring_report(self.paths, today=timezone.localdate())
        table = [
            (row, [(name, _value(row.counts, name), _list_url(row, name)) for name, _l in COLUMNS])
            for row in report.rows
        ]
        context = self.get_context_data(
            report=report,
            columns=[label for _name, label in COLUMNS],
            table=table,
            totals=[_value(report.total, name) for name, _label in COLUMNS],
            chart=mentoring_chart(report),
            formats=FORMATS,
        )
        return self.render_to_response(context)


def dashboard_export(request, fmt: str):
    """Download the dashboard's numbers as XLSX or CSV: one line per federation."""
    check_format(fmt)
    paths = staff_paths_or_404(request)
    today = timezone.localdate()
    report = selectors.mentoring_report(paths, today=today)
    header = [_("总工会"), *(label for _name, label in COLUMNS)]
    total = MentoringRow("", 0, _("合计"), report.total)
    rows = [
        [row.name, *(_value(row.counts, name) for name, _label in COLUMNS)]
        for row in [*report.rows, total]
    ]
    title = _("导师带徒统计")
    content = table_file(fmt, title, header, rows)
    return download_response(content, fmt, f"{title}-{today:%Y%m%d}.{fmt}")
