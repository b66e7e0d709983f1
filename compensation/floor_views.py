"""Staff screens of the minimum-wage floor and employer insurance in the 薪酬与经费 menu (their
``VIEWSETS`` join the group in viewsets.py):

- ``compensation_wages`` (最低工资标准): the province's table by tier and date, kept by the city;
- ``compensation_tiers`` (最低工资档次): which tier each federation is in, set from above;
- ``compensation_floor_check`` (最低工资核查): every full-time worker's pay against the floor on
  a date, counted per county-level federation, the workers needing attention, and an XLSX of
  the whole check;
- ``compensation_insurance`` (社会保险): the workers with unpaid months in a year, and a form
  recording one worker's paid months.

Every screen reads through ``compensation.permissions`` and ``workforce.permissions`` (another
county's federation or worker is a 404); every change goes through ``compensation.services``.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSet

from lms.admin.views import ActionFormView, ScopedCreateView, ScopedEditView, ScopedIndexView
from lms.admin.viewsets import ScopedModelViewSet
from lms.spreadsheets import add_sheet, download_response, new_workbook, save
from workforce.models import Federation, subtree_q
from workforce.permissions import (
    federations_for,
    get_federation_or_404,
    is_federation_staff,
    managed_paths,
    staff_policy,
    workers_for,
)
from workforce.selectors import outermost_paths
from workforce.viewsets import StaffMenuItem

from . import rules, selectors, services
from .floor_forms import (
    FIRST_YEAR,
    LAST_YEAR,
    PROBLEM_LABELS,
    STATUS_LABELS,
    FloorCheckFilter,
    InsuranceFilter,
    InsuranceForm,
    MinimumWageForm,
    TierForm,
)
from .funds_views import StaffPage
from .models import MinimumWage, TierAssignment
from .permissions import insurance_for, keeps_wages, tiers_for
from .selectors import FloorReport

WAGES = "compensation_wages"
TIERS = "compensation_tiers"
FLOOR_CHECK = "compensation_floor_check"
INSURANCE = "compensation_insurance"
PER_PAGE = 100  # workers listed per page on the floor check and insurance screens

PERMISSION_POLICIES = {
    MinimumWage: staff_policy(MinimumWage, {"add", "change", "view"}),
    TierAssignment: staff_policy(TierAssignment, {"add", "view"}),
}


WAGE_STATES = {
    "current": gettext_lazy("现行"),
    "announced": gettext_lazy("已公布，待执行"),
    "past": gettext_lazy("已停止执行"),
}


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _tier(tier: int | None) -> str:
    return _("第%(tier)s档") % {"tier": tier} if tier is not None else "—"


# 最低工资标准 Minimum wages ----------------------------------------------------------------------


class WageIndexView(ScopedIndexView):
    """The table by tier and date, marking each tier's amount in force today and those
    announced for later. Only the city's staff get the buttons to add and edit."""

    template_name = "compensation/admin/wage_index.html"
    default_ordering = ("tier", "-effective_from")

    def user_has_permission(self, permission):
        if permission in ("add", "change") and not keeps_wages(self.request.user):
            return False
        return super().user_has_permission(permission)

    @cached_property
    def in_force(self) -> dict[int, dt.date | None]:
        """Return {tier: the date of the amount in force today} (one query)."""
        dates: dict[int, list] = {}
        for tier, since in MinimumWage.objects.values_list("tier", "effective_from"):
            dates.setdefault(tier, []).append((since, since))
        today = timezone.localdate()
        return {tier: rules.in_force(rows, today) for tier, rows in dates.items()}

    def state(self, wage: MinimumWage) -> str:
        if wage.effective_from > timezone.localdate():
            return "announced"
        return "current" if self.in_force.get(wage.tier) == wage.effective_from else "past"

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "tier",
                label=_("档次"),
                accessor=lambda w: _tier(w.tier),
                get_url=self.get_edit_url,  # None for those who do not keep the table
                sort_key="tier",
            ),
            Column("monthly", label=_("月最低工资（元）"), sort_key="monthly"),
            Column(
                "effective_from",
                label=_("执行日期"),
                accessor=lambda w: _date(w.effective_from),
                sort_key="effective_from",
            ),
            StatusTagColumn(
                "state",
                label=_("状态"),
                accessor=lambda w: WAGE_STATES[self.state(w)],
                primary=lambda w: self.state(w) == "current",
            ),
            Column("note", label=_("依据")),
        ]


class WageCreateView(ScopedCreateView):
    def save_instance(self):
        return services.save_minimum_wage(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已保存最低工资标准：%(wage)s。") % {"wage": instance}


class WageEditView(ScopedEditView):
    def save_instance(self):
        return services.save_minimum_wage(
            by=self.request.user, wage=self.object, **self.form.service_kwargs()
        )

    def get_success_message(self):
        return _("已保存最低工资标准：%(wage)s。") % {"wage": self.object}


class WageViewSet(ScopedModelViewSet):
    model = MinimumWage
    name = WAGES
    url_prefix = "compensation/wages"
    icon = "decimal"
    menu_label = gettext_lazy("最低工资标准")
    menu_order = 400
    permission_policy = PERMISSION_POLICIES[MinimumWage]
    index_view_class = WageIndexView
    add_view_class = WageCreateView
    edit_view_class = WageEditView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("tier"), FieldPanel("monthly")]),
            FieldPanel("effective_from"),
            FieldPanel("note"),
        ],
        base_form_class=MinimumWageForm,
    )
    list_per_page = 50

    def scope(self, user):
        # The province's table: every federation's staff read it, nobody else.
        wages = MinimumWage.objects.all()
        return wages if is_federation_staff(user) else wages.none()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        # Rows are corrected, never deleted: the floor check of past dates reads them.
        kept = {"index", "index_results", "add", "edit", "history", "history_results"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]


# 最低工资档次 Tiers ------------------------------------------------------------------------------


class TierIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("federation")

    @cached_property
    def columns(self):
        return [
            Column(
                "federation",
                label=_("总工会"),
                accessor="federation.display_name",
                sort_key="federation__path",
            ),
            Column("tier", label=_("档次"), accessor=lambda t: _tier(t.tier), sort_key="tier"),
            Column(
                "effective_from",
                label=_("执行日期"),
                accessor=lambda t: _date(t.effective_from),
                sort_key="effective_from",
            ),
        ]


class TierCreateView(ScopedCreateView):
    def get_success_buttons(self):
        return []  # no edit screen: a correction is a new assignment on the same date

    def save_instance(self):
        return services.assign_tier(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已设定最低工资档次：%(tier)s。") % {"tier": instance}


class TierViewSet(ScopedModelViewSet):
    model = TierAssignment
    name = TIERS
    url_prefix = "compensation/tiers"
    icon = "list-ol"
    menu_label = gettext_lazy("最低工资档次")
    menu_order = 410
    permission_policy = PERMISSION_POLICIES[TierAssignment]
    index_view_class = TierIndexView
    add_view_class = TierCreateView
    edit_handler = ObjectList(
        [
            FieldPanel("federation"),
            FieldRowPanel([FieldPanel("tier"), FieldPanel("effective_from")]),
        ],
        base_form_class=TierForm,
    )
    list_per_page = 50

    def scope(self, user):
        return tiers_for(user) if is_federation_staff(user) else TierAssignment.objects.none()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, history_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]


# Report pages: who reaches them, and which part of the tree ------------------------------------


def _report_scope(request) -> tuple[list[str], Federation | None]:
    """Return the paths a report covers: the user's subtrees, or the one federation chosen
    with ``?federation=`` (another county's is a 404, as is anyone who manages none)."""
    paths = managed_paths(request.user)
    if not paths:
        raise Http404
    chosen = request.GET.get("federation", "")
    if not chosen:
        return paths, None
    if not chosen.isdigit():
        raise Http404
    federation = get_federation_or_404(request.user, pk=chosen)
    return [federation.path], federation


def _federation_choices(user, chosen: Federation | None) -> list[tuple[int, str, int]]:
    """Return (pk, name, depth) of the county-level federations the user may pick (one
    query), or nothing when there is only one."""
    shown = Q(depth__lte=2) | Q(path__in=managed_paths(user))
    if chosen is not None:
        shown |= Q(pk=chosen.pk)
    choices = list(
        federations_for(user).filter(shown).order_by("path").values_list("pk", "name", "depth")
    )
    return choices if len(choices) > 1 else []


def _with_default(query, **defaults):
    """Return the request's GET values with ``defaults`` for those left out."""
    data = query.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    return data


def _page(request, rows: list):
    paginator = WagtailPaginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return page, paginator.get_elided_page_range(page.number)


# 最低工资核查 The floor check --------------------------------------------------------------------


@dataclass
class CountyCounts:
    """One county-level federation's row of the check: workers per status."""

    federation_id: int
    name: str
    own: bool  # a city's own workers, apart from its counties'
    counts: Counter = field(default_factory=Counter)


def county_counts(report: FloorReport, paths: list[str]) -> list[CountyCounts]:
    """Return the check's counts per county-level federation (one query, for their names).

    Under a city: a row per county, and the city's own row when workers belong to it
    directly; a scope below the city is one row of its whole subtree.
    """
    scopes = outermost_paths(paths)
    step = Federation.steplen
    rows = {}
    for pk, fed_path, name in (
        Federation.objects.filter(Q(path__in=scopes) | (subtree_q(scopes) & Q(depth=2)))
        .order_by("path")
        .values_list("pk", "path", "name")
    ):
        own = len(fed_path) == step
        label = _("%(name)s（本级）") % {"name": name} if own else name
        rows[fed_path] = CountyCounts(pk, label, own)

    def row_key(worker_path: str) -> str:
        scope = next(scope for scope in scopes if worker_path.startswith(scope))
        if len(scope) > step:
            return scope
        return worker_path if len(worker_path) == step else worker_path[: 2 * step]

    for row in report.rows:
        rows[row_key(row.path)].counts[row.status] += 1
    return [row for row in rows.values() if not row.own or row.counts]


def floor_check_url(*, on: dt.date, status: str = "", federation: int | None = None) -> str:
    """Return the floor check's address for a date, a problem and a federation."""
    query = {"on": on.isoformat()}
    if status:
        query["status"] = status
    if federation:
        query["federation"] = federation
    return f"{reverse(f'{FLOOR_CHECK}:index')}?{urlencode(query)}"


def _placement(row: selectors.FloorRow) -> str:
    return _("%(post)s%(level)s级") % {"post": row.post, "level": row.level} if row.post else "—"


class FloorCheckView(StaffPage):
    """Pay against the floor on a date: counts per county, then the workers to look at."""

    template_name = "compensation/admin/floor_check.html"
    page_title = gettext_lazy("最低工资核查")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        request = self.request
        paths, federation = _report_scope(request)
        today = timezone.localdate()
        form = FloorCheckFilter(_with_default(request.GET, on=today.isoformat()))
        on, status = form.chosen(today)
        report = selectors.floor_check(paths, on=on)
        chosen = federation.pk if federation else None

        def cells(counts, federation_id, linked=True):
            return [
                (
                    counts[value],
                    floor_check_url(on=on, status=value, federation=federation_id)
                    if linked and counts[value] and value in PROBLEM_LABELS
                    else "",
                )
                for value in STATUS_LABELS
            ]

        table = [
            (row.name, row.counts.total(), cells(row.counts, row.federation_id, not row.own))
            for row in county_counts(report, paths)
        ]
        totals = Counter(row.status for row in report.rows)
        listed = [row for row in report.problems() if not status or row.status == status]
        page, page_range = _page(request, listed)
        return super().get_context_data(
            form=form,
            on=on,
            status=status,
            choices=_federation_choices(request.user, federation),
            chosen=chosen,
            columns=list(STATUS_LABELS.values()),
            table=table,
            totals=(report.checked, cells(totals, chosen)),
            items=page,
            elided_page_range=page_range,
            entries=[
                {
                    "row": row,
                    "url": reverse("compensation_placements:worker", args=[row.worker_id]),
                    "placement": _placement(row),
                    "tier": _tier(row.tier),
                    "status": PROBLEM_LABELS[row.status],
                }
                for row in page.object_list
            ],
            listed_title=PROBLEM_LABELS.get(status, _("需关注的人员")),
            export_url=f"{reverse(f'{FLOOR_CHECK}:export')}?"
            + urlencode({"on": on.isoformat(), **({"federation": chosen} if chosen else {})}),
            **kwargs,
        )


EXPORT_HEADER = (
    gettext_lazy("姓名"),
    gettext_lazy("所属总工会"),
    gettext_lazy("岗位"),
    gettext_lazy("级"),
    gettext_lazy("月薪（元）"),
    gettext_lazy("档次"),
    gettext_lazy("最低工资（元）"),
    gettext_lazy("核查结果"),
    gettext_lazy("新标准（元）"),
    gettext_lazy("新标准执行日期"),
)
MONEY_COLUMNS, DATE_COLUMN = (4, 6, 8), 9  # zero-based positions in EXPORT_HEADER


def floor_check_workbook(report: FloorReport) -> bytes:
    """Return every checked worker with pay, floor, result and any announced floor as XLSX."""
    book = new_workbook()
    sheet = add_sheet(
        book,
        _("最低工资核查 %(date)s") % {"date": report.on.isoformat()},
        EXPORT_HEADER,
        (
            [
                row.name,
                row.federation,
                row.post,
                row.level,
                row.monthly,
                row.tier,
                row.floor,
                str(STATUS_LABELS[row.status]),
                row.next_floor,
                row.next_from,
            ]
            for row in report.rows
        ),
        widths={"A": 12, "B": 24, "H": 20, "J": 16},
    )
    for cells in sheet.iter_rows(min_row=2):
        for index in MONEY_COLUMNS:
            cells[index].number_format = "0.00"
        cells[DATE_COLUMN].number_format = "yyyy-mm-dd"
    return save(book)


def floor_check_xlsx(request):
    """Download the whole floor check on ``?on=`` (today by default) as XLSX."""
    paths, _federation = _report_scope(request)
    today = timezone.localdate()
    on, _status = FloorCheckFilter(request.GET).chosen(today)
    report = selectors.floor_check(paths, on=on)
    filename = _("最低工资核查-%(date)s.xlsx") % {"date": on.isoformat()}
    return download_response(floor_check_workbook(report), "xlsx", filename)


class FloorCheckViewSet(ViewSet):
    name = FLOOR_CHECK
    url_prefix = "compensation/floor-check"
    icon = "warning"
    menu_label = gettext_lazy("最低工资核查")
    menu_order = 420
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", FloorCheckView.as_view(), name="index"),
            path("export.xlsx", floor_check_xlsx, name="export"),
        ]


# 社会保险 Insurance -----------------------------------------------------------------------------


def month_runs(months: list[int]) -> str:
    """Return months as runs, as staff write them: [1, 2, 3, 5] is "1-3、5月"."""
    runs: list[list[int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    text = "、".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)
    return _("%(months)s月") % {"months": text}


def insurance_url(year: int) -> str:
    return f"{reverse(f'{INSURANCE}:index')}?{urlencode({'year': year})}"


class InsuranceIndexView(StaffPage):
    """The workers with insurance months due in a year and not paid, each with a form link."""

    template_name = "compensation/admin/insurance_index.html"
    page_title = gettext_lazy("社会保险")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        request = self.request
        paths, federation = _report_scope(request)
        today = timezone.localdate()
        form = InsuranceFilter(_with_default(request.GET, year=today.year))
        year = form.chosen(today)
        gaps = selectors.insurance_gaps(paths, year=year, today=today)
        page, page_range = _page(request, gaps)
        return super().get_context_data(
            form=form,
            year=year,
            choices=_federation_choices(request.user, federation),
            chosen=federation.pk if federation else None,
            gaps=len(gaps),
            items=page,
            elided_page_range=page_range,
            entries=[
                (
                    gap,
                    month_runs(gap.missing),
                    reverse(f"{INSURANCE}:record", args=[gap.worker_id, year]),
                )
                for gap in page.object_list
            ],
            **kwargs,
        )


class InsuranceRecordView(ActionFormView):
    """登记: the months of a year a worker's insurance was paid for, as twelve checkboxes."""

    form_class = InsuranceForm
    template_name = "compensation/admin/insurance_record.html"
    header_icon = "tasks"
    page_title = gettext_lazy("登记已缴月份")

    def get_object(self):
        user, year = self.request.user, self.kwargs["year"]
        if not is_federation_staff(user) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        return get_object_or_404(
            workers_for(user).select_related("federation"), pk=self.kwargs["worker_id"]
        )

    @property
    def year(self) -> int:
        return self.kwargs["year"]

    def get_page_subtitle(self):
        return _("%(worker)s %(year)s年") % {"worker": self.object.name, "year": self.year}

    def get_initial(self):
        record = insurance_for(self.request.user).filter(worker=self.object, year=self.year).first()
        return {"months": record.paid() if record else []}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": insurance_url(self.year), "label": gettext_lazy("社会保险")},
            {"url": "", "label": self.page_title, "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            worker=self.object,
            year=self.year,
            action_url=self.request.path,
            submit_button_label=_("保存"),
            submit_button_active_label=_("保存"),
            media=context["form"].media,
        )
        return context

    def save(self, form) -> str:
        services.record_insurance(
            by=self.request.user,
            worker=self.object,
            year=self.year,
            months=form.cleaned_data["months"],
        )
        return _("已登记%(worker)s %(year)s年的社会保险缴纳月份。") % {
            "worker": self.object.name,
            "year": self.year,
        }

    def get_success_url(self):
        return insurance_url(self.year)


class InsuranceViewSet(ViewSet):
    name = INSURANCE
    url_prefix = "compensation/insurance"
    icon = "tasks"
    menu_label = gettext_lazy("社会保险")
    menu_order = 430
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", InsuranceIndexView.as_view(), name="index"),
            path("<int:worker_id>/<int:year>/", InsuranceRecordView.as_view(), name="record"),
        ]


# Viewsets that join the 薪酬与经费 menu group.
VIEWSETS: tuple = (WageViewSet, TierViewSet, FloorCheckViewSet, InsuranceViewSet)
