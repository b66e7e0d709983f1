"""Staff screens of the annual self-inspection (年度自查报告, §五.四) (``VIEWSETS`` join the
薪酬与经费 menu group in viewsets.py).

A county opens its report for a year, reads the figures gathered from the records (live while
it is a draft or returned, frozen once submitted), writes its remarks and corrective actions,
and submits it; the staff above the county acknowledge it or return it with comments. Each
problem found links to the screen that lists it. The report prints as an A4 PDF
(``printing.py``), and the city's overview shows which counties have submitted for a year.

Every screen reads through ``compensation.permissions`` (another county's report is a 404);
every change goes through ``compensation.services``.
"""

from collections import Counter
from collections.abc import Callable

import django_filters
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.widgets.button import Button, HeaderButton

from lms.admin.views import ScopedCreateView, ScopedEditView, ScopedIndexView, ScopedInspectView
from lms.admin.viewsets import ScopedModelViewSet
from workforce import permissions as workforce_permissions
from workforce.models import Federation
from workforce.viewsets import federation_filter

from . import inspection, printing, services
from .choices import REPORT_EDITABLE, ReportState
from .funds_views import FUNDS, ActionView, StaffPage, url
from .models import SelfInspection
from .permissions import manages, manages_above, reports_for
from .report_forms import ReportTextForm, ReviewForm, StartReportForm, county_federations

REPORTS = "compensation_reports"
# The overview's column for a county that has not opened its report for the year.
NOT_STARTED = gettext_lazy("未开始")
# The overview counts in this order: from not started to acknowledged.
OVERVIEW_STATES = (
    ReportState.DRAFT,
    ReportState.RETURNED,
    ReportState.SUBMITTED,
    ReportState.ACKNOWLEDGED,
)

PERMISSION_POLICIES = {
    SelfInspection: workforce_permissions.staff_policy(SelfInspection, {"add", "change", "view"}),
}

scoped_reports = workforce_permissions.staff_only(reports_for)


def _datetime(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def figures_of(report: SelfInspection) -> dict:
    """Return the figures a report shows: gathered now while the county may still change it,
    frozen as submitted once it is with the federation above."""
    if report.state in REPORT_EDITABLE or report.figures is None:
        return inspection.gather(report.federation, year=report.year, today=timezone.localdate())
    return report.figures


def screen_url(name: str, **query) -> str:
    """Return the URL of an admin screen with its query, reversed when the page is shown."""
    target = reverse(name)
    return f"{target}?{urlencode(query)}" if query else target


def problem_links(federation: Federation, figures: dict) -> Callable[[str], str]:
    """Return ``link(code)``: the screen that lists the records behind a problem found."""
    on, year, pk = figures["as_of"], figures["year"], federation.pk
    floor_statuses = {
        "below_floor": "below",
        "will_fall": "will_fall",
        "unplaced": "unplaced",
        "no_floor": "no_floor",
    }

    def link(code: str) -> str:
        if code in floor_statuses:
            return screen_url(
                "compensation_floor_check:index",
                status=floor_statuses[code],
                federation=pk,
                on=on,
            )
        if code == "insurance":
            return screen_url("compensation_insurance:index", year=year, federation=pk)
        if code in ("unstaffed", "over_norm"):
            return screen_url("workforce_staffing_report", federation=pk)
        if code == "training_overdue":
            return screen_url("courses_compliance")
        if code == "overspent":
            return url(FUNDS, "ledger", federation=pk, year=year)
        raise ValueError(f"No screen for the problem {code!r}")

    return link


def report_actions(report: SelfInspection, user) -> list[Button]:
    """The buttons of a report: the county's while it is open, the review above it."""
    items = []
    if report.state in REPORT_EDITABLE and manages(user, report.federation):
        items.append(
            Button(
                _("填写说明和整改措施"),
                url=url(REPORTS, "edit", report),
                icon_name="edit",
                priority=10,
            )
        )
        items.append(
            Button(_("报送"), url=url(REPORTS, "submit", report), icon_name="upload", priority=20)
        )
    if report.state == ReportState.SUBMITTED and manages_above(user, report.federation):
        items.append(
            Button(_("审阅"), url=url(REPORTS, "review", report), icon_name="success", priority=30)
        )
    items.append(
        Button(_("下载 PDF"), url=url(REPORTS, "pdf", report), icon_name="download", priority=40)
    )
    return items


# 年度自查报告 The list and the report page -----------------------------------------------------


class ReportFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))
    federation = federation_filter(gettext_lazy("总工会"), "federation__")

    class Meta:
        model = SelfInspection
        fields = ["year", "state", "federation"]


class ReportIndexView(ScopedIndexView):
    add_item_label = gettext_lazy("开始自查")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("federation")

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "federation",
                label=_("总工会"),
                accessor="federation.name",
                get_url=lambda report: url(REPORTS, "inspect", report),
                sort_key="federation__path",
            ),
            Column("year", label=_("年度"), sort_key="year"),
            StatusTagColumn(
                "state",
                label=_("状态"),
                accessor="get_state_display",
                primary=lambda report: report.state >= ReportState.SUBMITTED,
                sort_key="state",
            ),
            Column(
                "submitted_at",
                label=_("报送时间"),
                accessor=lambda r: _datetime(r.submitted_at),
                sort_key="submitted_at",
            ),
            Column("reviewed_at", label=_("审阅时间"), accessor=lambda r: _datetime(r.reviewed_at)),
        ]

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("各县报送情况"), url=url(REPORTS, "overview"), icon_name="table"),
        ]


class StartReportView(ScopedCreateView):
    """开始自查: open a county's report for a year (the existing one is opened again)."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("federation", "year"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = self.request.GET[name]
        initial.setdefault("year", timezone.localdate().year)
        return initial

    def get_success_buttons(self):
        return []

    def save_instance(self):
        return services.start_report(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已打开 %(report)s。") % {"report": instance}

    def get_success_url(self):
        return url(REPORTS, "inspect", self.object)


class ReportInspectView(ScopedInspectView):
    """The report: its state, the figures in numbered sections with the problems found and
    their links, the county's remarks and corrective actions, and the review."""

    template_name = "compensation/admin/report_inspect.html"

    def get_object(self, queryset=None):
        reports = self.get_queryset().select_related("federation", "submitted_by", "reviewed_by")
        return get_object_or_404(reports, pk=self.pk)

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return report_actions(self.object, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        figures = figures_of(report)
        context.update(
            report=report,
            live=report.state in REPORT_EDITABLE,
            submitted=report.state >= ReportState.SUBMITTED,
            returned=report.state == ReportState.RETURNED,
            figures=figures,
            sections=printing.numbered(
                printing.report_sections(figures, link=problem_links(report.federation, figures))
            ),
            submitted_at=_datetime(report.submitted_at),
            reviewed_at=_datetime(report.reviewed_at),
            actions=self.header_more_buttons,
            history_url=url(REPORTS, "history", report),
        )
        return context


class ReportEditView(ScopedEditView):
    """填写说明和整改措施: only while the report is a draft or returned."""

    def dispatch(self, request, *args, **kwargs):
        report = self.get_object()  # another county's: a 404
        if report.state not in REPORT_EDITABLE:
            messages.error(request, _("自查报告已报送，不能修改。"))
            return redirect(url(REPORTS, "inspect", report))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().select_related("federation")

    def save_instance(self):
        return services.save_report_text(
            by=self.request.user,
            report=self.object,
            remarks=self.form.cleaned_data["remarks"],
            corrective_actions=self.form.cleaned_data["corrective_actions"],
        )

    def get_success_message(self, instance=None):
        return _("已保存自查情况说明和整改措施。")

    def get_success_url(self):
        return url(REPORTS, "inspect", self.object)


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the decision."""


class ReportActionView(ActionView):
    model = SelfInspection
    permission_policy = PERMISSION_POLICIES[SelfInspection]

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("federation")

    def get_success_url(self):
        return url(REPORTS, "inspect", self.object)


class SubmitView(ReportActionView):
    """报送: the figures are frozen as they stand and the federation above is told."""

    form_class = ConfirmForm
    page_title = gettext_lazy("报送自查报告")
    submit_button_label = gettext_lazy("确认报送")
    help_text = gettext_lazy(
        "报送后，报告中的数据按报送时的记录固定，说明和整改措施不能再修改；上级总工会退回后可修改再报送。"
    )

    def save(self, form) -> str:
        services.submit_report(by=self.request.user, report=self.object, today=timezone.localdate())
        return _("已报送 %(report)s。") % {"report": self.object}


class ReviewView(ReportActionView):
    """审阅: the staff above the county acknowledge the report or return it with comments."""

    form_class = ReviewForm
    page_title = gettext_lazy("审阅自查报告")
    submit_button_label = gettext_lazy("提交审阅结果")

    def get_object(self):
        report = super().get_object()
        if not manages_above(self.request.user, report.federation):
            raise Http404  # the county's own staff do not review their report
        return report

    def get_help_text(self) -> str:
        report = self.object
        return _(
            "状态：%(state)s；报送时间：%(at)s。退回后，县级总工会可修改说明和整改措施后重新报送。"
        ) % {
            "state": report.get_state_display(),
            "at": _datetime(report.submitted_at),
        }

    def save(self, form) -> str:
        report = services.review_report(
            by=self.request.user,
            report=self.object,
            accept=form.cleaned_data["accept"],
            comment=form.cleaned_data["comment"],
        )
        return _("%(report)s：%(state)s。") % {
            "report": report,
            "state": report.get_state_display(),
        }


def report_pdf(request, pk):
    """Download the report as a PDF (A4, Chinese), with the figures it shows."""
    workforce_permissions.staff_paths_or_404(request)
    report = get_object_or_404(
        scoped_reports(request.user).select_related("federation", "submitted_by"), pk=pk
    )
    content = printing.report_pdf(report, figures_of(report), today=timezone.localdate())
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, f"{report}.pdf")},
    )


# 各县报送情况 The city's overview -------------------------------------------------------------


class OverviewView(StaffPage):
    """Every county-level federation the user manages, with its report's state for a year."""

    template_name = "compensation/admin/report_overview.html"
    page_title = gettext_lazy("各县报送情况")
    header_icon = "table"
    parent_crumb = (f"{REPORTS}:index", gettext_lazy("年度自查报告"))

    def get(self, request):
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
        counties = list(county_federations(request.user).order_by("path"))
        reports = {
            report.federation_id: report
            for report in scoped_reports(request.user).filter(year=year)
        }
        rows = []
        for federation in counties:
            report = reports.get(federation.pk)
            if report is None:
                link = url(REPORTS, "add", federation=federation.pk, year=year)
                rows.append((federation, None, str(NOT_STARTED), False, "—", link))
            else:
                rows.append(
                    (
                        federation,
                        report,
                        report.get_state_display(),
                        report.state >= ReportState.SUBMITTED,
                        _datetime(report.submitted_at),
                        url(REPORTS, "inspect", report),
                    )
                )
        counts = Counter(report.state for report in reports.values())
        context = self.get_context_data(
            year=year,
            rows=rows,
            counts=[
                (str(NOT_STARTED), len(counties) - sum(counts.values()), "none", False),
                *(
                    (state.label, counts.get(state, 0), state.value, state >= ReportState.SUBMITTED)
                    for state in OVERVIEW_STATES
                ),
            ],
            counties=len(counties),
        )
        return self.render_to_response(context)


class ReportViewSet(ScopedModelViewSet):
    model = SelfInspection
    name = REPORTS
    url_prefix = "compensation/reports"
    icon = "doc-full"
    menu_label = gettext_lazy("年度自查报告")
    menu_order = 620
    permission_policy = PERMISSION_POLICIES[SelfInspection]
    index_view_class = ReportIndexView
    add_view_class = StartReportView
    edit_view_class = ReportEditView
    inspect_view_class = ReportInspectView
    inspect_view_enabled = True
    filterset_class = ReportFilterSet
    list_per_page = 50
    create_handler = ObjectList(
        [FieldRowPanel([FieldPanel("federation"), FieldPanel("year")])],
        base_form_class=StartReportForm,
    )
    edit_handler = ObjectList(
        [FieldPanel("remarks"), FieldPanel("corrective_actions")], base_form_class=ReportTextForm
    )

    def scope(self, user):
        return scoped_reports(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept] + [
            path("overview/", OverviewView.as_view(), name="overview"),
            path("submit/<int:pk>/", self.construct_view(SubmitView), name="submit"),
            path("review/<int:pk>/", self.construct_view(ReviewView), name="review"),
            path("pdf/<int:pk>/", report_pdf, name="pdf"),
        ]


VIEWSETS: tuple = (ReportViewSet,)
