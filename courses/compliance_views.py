"""Pages of training compliance (§四.三).

- ``me/training/``: the signed-in worker's "my training" (enrolments, hours this year against
  the requirement, rotation and onboarding, calendar subscription).
- ``/admin/compliance/``: the federation dashboard (registered in ``courses/wagtail_hooks.py``):
  per county-level federation the workers met / in progress / due soon / overdue for each rule,
  a drill-down to the workers of one cell, and XLSX/CSV exports. Scoped to the federations the
  user manages; another county's federation is a 404.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from openpyxl.styles import Font
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from workforce.models import Worker
from workforce.permissions import get_federation_or_404, is_federation_staff, managed_paths

from . import feeds, selectors, services
from .compliance import Rule, Status, format_hours
from .models import TrainingIndexPage

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
STATUS_CLASSES = {
    Status.MET: "ok",
    Status.IN_PROGRESS: "",
    Status.DUE_SOON: "warn",
    Status.OVERDUE: "bad",
}
# Bar colours of the chart, by status (met green ... overdue red).
STATUS_COLOURS = {
    Status.MET: "#2e7d32",
    Status.IN_PROGRESS: "#90a4ae",
    Status.DUE_SOON: "#f9a825",
    Status.OVERDUE: "#c62828",
}


# -- my training ---------------------------------------------------------------------------------


def _catalog_url(request) -> str | None:
    index = TrainingIndexPage.objects.live().first()
    return index.get_url(request) if index is not None else None


@login_required
def my_training(request):
    """Show the signed-in worker's training: enrolments, requirements and calendar links."""
    worker = Worker.objects.select_related("federation").filter(user=request.user).first()
    if worker is None:
        raise Http404
    today = timezone.localdate()
    page = selectors.my_training(worker, today=today)
    annual = page.compliance.annual
    required = annual.required_hours or 0
    feed = services.feed_for(request.user)
    return render(
        request,
        "courses/my_training.html",
        {
            "worker": worker,
            "today": today,
            "page": page,
            "annual": annual,
            "rotation": page.compliance.rotation,
            "onboarding": page.compliance.onboarding,
            "hours": format_hours(annual.hours),
            "hours_percent": min(100, int(annual.hours * 100 / required)) if required else 100,
            "classes": {r.rule.value: STATUS_CLASSES[r.status] for r in page.compliance},
            "catalog_url": _catalog_url(request),
            "feed_url": feeds.feed_url(request, feed),
            "webcal_url": feeds.webcal_url(request, feed),
        },
    )


# -- the federation dashboard (admin) ------------------------------------------------------------


def _require_staff(request) -> list[str]:
    """Return the user's managed paths; anyone who manages no federation gets a 404."""
    if not is_federation_staff(request.user):
        raise Http404
    return managed_paths(request.user)


@dataclass(frozen=True)
class Bar:
    """One stacked segment of the SVG chart, linking to its workers."""

    x: float
    width: float
    colour: str
    count: int
    title: str
    url: str


@dataclass(frozen=True)
class ChartBar:
    label: str
    y: int
    segments: tuple[Bar, ...]


@dataclass(frozen=True)
class ChartRow:
    name: str
    y: int
    bars: tuple[ChartBar, ...]


CHART_LEFT = 220
CHART_WIDTH = 480
BAR_HEIGHT = 14
ROW_GAP = 12


def _chart(report: selectors.ComplianceReport) -> tuple[list[ChartRow], int]:
    """Lay out three stacked bars (one per rule) for each federation row of the dashboard.

    Each bar splits the row's workers by status, scaled to the row's size, so that
    federations of different sizes compare by share.
    """
    rows, y = [], 8
    for row in report.rows:
        bars = []
        for index, rule in enumerate(Rule):
            x, segments = float(CHART_LEFT), []
            for status in Status:
                count = row.counts.get(rule, status)
                if not count:
                    continue
                width = CHART_WIDTH * count / row.counts.workers
                title = f"{row.name} · {rule.label} · {status.label}：{count}"
                url = reverse("courses_compliance_workers", args=[row.federation_id, rule, status])
                segments.append(
                    Bar(round(x, 1), round(width, 1), STATUS_COLOURS[status], count, title, url)
                )
                x += width
            bars.append(ChartBar(rule.label, y + index * BAR_HEIGHT, tuple(segments)))
        rows.append(ChartRow(row.name, y, tuple(bars)))
        y += len(Rule) * BAR_HEIGHT + ROW_GAP
    return rows, y


class DashboardMixin(WagtailAdminTemplateMixin):
    """Admin page furniture of the dashboard; only federation staff get in (others a 404)."""

    header_icon = "clipboard-list"
    page_title = gettext_lazy("培训达标")

    def dispatch(self, request, *args, **kwargs):
        self.paths = _require_staff(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("courses_compliance"), "label": gettext_lazy("培训达标")},
        ]


class ComplianceDashboardView(DashboardMixin, View):
    """Met / in progress / due soon / overdue per county-level federation and rule."""

    template_name = "courses/admin/compliance_dashboard.html"

    def get(self, request):
        report = selectors.compliance_report(self.paths, today=timezone.localdate())
        chart_rows, chart_height = _chart(report)
        statuses = list(Status)
        table = [
            (row, [(rule, s, row.counts.get(rule, s)) for rule in Rule for s in statuses])
            for row in report.rows
        ]
        totals = [report.total.get(rule, s) for rule in Rule for s in statuses]
        context = self.get_context_data(
            report=report,
            rules=list(Rule),
            statuses=statuses,
            table=table,
            totals=totals,
            chart_rows=chart_rows,
            chart_height=chart_height,
            chart_left=CHART_LEFT,
            chart_width=CHART_WIDTH,
            bar_height=BAR_HEIGHT - 2,
            legend=[(s, STATUS_COLOURS[s]) for s in statuses],
            formats=list(CONTENT_TYPES),
        )
        return self.render_to_response(context)


def _rule_and_status(rule: str, status: str) -> tuple[Rule, Status]:
    try:
        return Rule(rule), Status(status)
    except ValueError:
        raise Http404 from None


class ComplianceWorkersView(DashboardMixin, View):
    """The workers of one dashboard cell: a federation's row, a rule and a status."""

    template_name = "courses/admin/compliance_workers.html"

    def get(self, request, federation_id: int, rule: str, status: str):
        self.rule, self.status = _rule_and_status(rule, status)
        self.federation = get_federation_or_404(request.user, pk=federation_id)
        entries = selectors.compliance_workers(
            self.federation, rule=self.rule, status=self.status, today=timezone.localdate()
        )
        context = self.get_context_data(
            federation=self.federation,
            rule=self.rule,
            status=self.status,
            entries=[(entry, entry.compliance.result(self.rule)) for entry in entries],
            formats=list(CONTENT_TYPES),
            export_args=[federation_id, rule, status],
        )
        return self.render_to_response(context)

    def get_page_subtitle(self):
        return f"{self.federation.name} · {self.rule.label} · {self.status.label}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_subtitle()}]


# -- exports -------------------------------------------------------------------------------------


def _spreadsheet(fmt: str, title: str, header: list[str], rows: list[list]) -> bytes:
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the Chinese
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _download(fmt: str, filename: str, content: bytes) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise Http404


def compliance_export(request, fmt: str):
    """Download the dashboard's counts as XLSX or CSV: one line per federation."""
    _check_format(fmt)
    paths = _require_staff(request)
    today = timezone.localdate()
    report = selectors.compliance_report(paths, today=today)
    header = [_("总工会"), _("在职人数")] + [
        f"{rule.label}·{status.label}" for rule in Rule for status in Status
    ]
    rows = [
        [row.name, row.counts.workers]
        + [row.counts.get(rule, status) for rule in Rule for status in Status]
        for row in [*report.rows, selectors.ComplianceRow("", 0, _("合计"), report.total)]
    ]
    title = _("培训达标统计")
    return _download(fmt, f"{title}-{today:%Y%m%d}.{fmt}", _spreadsheet(fmt, title, header, rows))


def compliance_workers_export(request, federation_id: int, rule: str, status: str, fmt: str):
    """Download the workers of one dashboard cell as XLSX or CSV."""
    _check_format(fmt)
    _require_staff(request)
    rule_, status_ = _rule_and_status(rule, status)
    federation = get_federation_or_404(request.user, pk=federation_id)
    today = timezone.localdate()
    entries = selectors.compliance_workers(federation, rule=rule_, status=status_, today=today)
    header = [_("姓名"), _("聘用单位"), _("定岗单位"), _("聘用日期"), _("状态"), _("截止日期")]
    header += [_("剩余天数"), _("本年认定学时"), _("依据")]
    rows = []
    for entry in entries:
        result = entry.compliance.result(rule_)
        rows.append(
            [
                entry.name,
                entry.federation,
                entry.unit,
                entry.hire_date,
                result.status.label,
                result.due_date,
                result.days_left,
                float(entry.compliance.annual.hours or 0),
                "；".join(e.title for e in result.evidence),
            ]
        )
    if fmt == "csv":
        rows = [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in rows]
    title = f"{federation.name}-{rule_.label}-{status_.label}"
    filename = f"{title}-{today:%Y%m%d}.{fmt}"
    return _download(fmt, filename, _spreadsheet(fmt, title, header, rows))
