"""Pages of training compliance (§四.三).

- ``me/training/``: the signed-in worker's "my training" (enrolments, hours this year against
  the requirement, rotation and onboarding, calendar subscription).
- ``/admin/compliance/``: the federation dashboard (registered in ``courses/wagtail_hooks.py``):
  per county-level federation the workers met / in progress / due soon / overdue for each rule,
  a drill-down to the workers of one cell, and XLSX/CSV exports. Scoped to the federations the
  user manages; another county's federation is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.charts import Point, bar_chart
from lms.spreadsheets import FORMATS, check_format, download_response, table_file
from workforce.models import Worker
from workforce.permissions import (
    get_federation_or_404,
    staff_paths_or_404,
)

from . import feeds, selectors, services
from .compliance import Rule, Status, format_hours
from .models import TrainingIndexPage

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
            # Hours credited from elsewhere (courses.credits: 高师带徒 meetings), shown apart.
            "credited": [item for item in annual.evidence if item.label],
            "hours_percent": min(100, int(annual.hours * 100 / required)) if required else 100,
            "classes": {r.rule.value: STATUS_CLASSES[r.status] for r in page.compliance},
            "catalog_url": _catalog_url(request),
            "feed_url": feeds.feed_url(request, feed),
            "webcal_url": feeds.webcal_url(request, feed),
        },
    )


# -- the federation dashboard (admin) ------------------------------------------------------------


def compliance_chart(report: selectors.ComplianceReport) -> str:
    """Return three stacked bars (one per rule) for each federation row, as an SVG chart.

    Each bar splits the row's workers by status as shares of the row, so that federations of
    different sizes compare by share; each segment shows its count and links to its workers.
    """
    rows = report.rows
    if not rows:
        return ""
    series = {}
    for status in Status:
        points = []
        for row in rows:
            for rule in Rule:
                count = row.counts.get(rule, status)
                points.append(
                    Point(
                        100 * count / row.counts.workers,
                        title=f"{row.name} · {rule.label} · {status.label}：{count}",
                        url=reverse(
                            "courses_compliance_workers", args=[row.federation_id, rule, status]
                        ),
                        text=str(count),
                    )
                    if count  # a row without workers has no count either
                    else None
                )
        series[status.label] = points
    return bar_chart(
        _("各总工会培训达标情况条形图"),
        [f"{row.name} · {rule.label}" for row in rows for rule in Rule],
        series,
        colours=[STATUS_COLOURS[status] for status in Status],
        stacked=True,
        max_value=100,
    )


class DashboardMixin(WagtailAdminTemplateMixin):
    """Admin page furniture of the dashboard; only federation staff get in (others a 404)."""

    header_icon = "clipboard-list"
    page_title = gettext_lazy("培训达标")

    def dispatch(self, request, *args, **kwargs):
        self.paths = staff_paths_or_404(request)
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
            chart=compliance_chart(report),
            formats=FORMATS,
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
            formats=FORMATS,
            export_args=[federation_id, rule, status],
        )
        return self.render_to_response(context)

    def get_page_subtitle(self):
        return f"{self.federation.name} · {self.rule.label} · {self.status.label}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_subtitle()}]


# -- exports -------------------------------------------------------------------------------------


def compliance_export(request, fmt: str):
    """Download the dashboard's counts as XLSX or CSV: one line per federation."""
    check_format(fmt)
    paths = staff_paths_or_404(request)
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
    content = table_file(fmt, title, header, rows)
    return download_response(content, fmt, f"{title}-{today:%Y%m%d}.{fmt}")


def compliance_workers_export(request, federation_id: int, rule: str, status: str, fmt: str):
    """Download the workers of one dashboard cell as XLSX or CSV."""
    check_format(fmt)
    staff_paths_or_404(request)
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
    title = f"{federation.name}-{rule_.label}-{status_.label}"
    filename = f"{title}-{today:%Y%m%d}.{fmt}"
    return download_response(table_file(fmt, title, header, rows), fmt, filename)
