"""Staff screens of the funds (专款专用, §五.二): 经费台账 and 经费支出 (``VIEWSETS`` join the
薪酬与经费 menu group in viewsets.py).

- ``compensation_funds``: the fund sources of the user's subtree with budget, spent, left and
  workers paid for; a budget is added or changed through ``services.save_fund_source``; a
  source's page lists its spending and the workers it pays for; the ledger of a county and a
  year (sources × uses, the city's extra for public-welfare post workers, the part-time work
  subsidies due); XLSX exports of the ledger and of a source's spending.
- ``compensation_spendings``: every spending record, charged through ``services.charge`` (a
  charge past what is left is refused on the form) and voided with a reason.

Every screen reads through ``compensation.permissions``: another county's source or spending
is a 404.
"""

import django_filters
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton

from evaluation.choices import grade_label
from lms.admin.views import (
    ActionFormView,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedMixin,
)
from lms.admin.viewsets import ScopedModelViewSet
from lms.spreadsheets import add_sheet, download_response, new_workbook, save, workbook
from workforce import permissions as workforce_permissions
from workforce.viewsets import federation_filter

from . import selectors, services
from .choices import Use
from .models import FundSource, Spending
from .permissions import fund_sources_for, spendings_for
from .printing import yuan
from .report_forms import (
    ChargeForm,
    FundSourceCreateForm,
    FundSourceForm,
    VoidForm,
    county_federations,
)

FUNDS = "compensation_funds"
SPENDINGS = "compensation_spendings"
LATEST_SPENDINGS = 50  # a source's page lists the latest; the full list is the filtered index
ACTION_TEMPLATE = "lms/admin/action.html"  # a form with its help text and service errors

PERMISSION_POLICIES = {
    FundSource: workforce_permissions.staff_policy(FundSource, {"add", "change", "view"}),
    Spending: workforce_permissions.staff_policy(Spending, {"add", "change", "view"}),
}


scoped_sources = workforce_permissions.staff_only(fund_sources_for)
scoped_spendings = workforce_permissions.staff_only(spendings_for)


def url(namespace: str, name: str, obj=None, **query) -> str:
    """Return the URL of a screen, for an object (or its pk) and with a query string."""
    args = [] if obj is None else [getattr(obj, "pk", obj)]
    target = reverse(f"{namespace}:{name}", args=args)
    return f"{target}?{urlencode(query)}" if query else target


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


class ActionView(ScopedMixin, ActionFormView):
    """A form about one scoped object (others' are a 404), saved through a service."""

    permission_required = "change"
    template_name = ACTION_TEMPLATE
    index_url_name = None
    submit_button_label = ""
    help_text = ""

    def get_object(self):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.get_success_url(), "label": str(self.object)},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    def get_help_text(self) -> str:
        return self.help_text

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            help_text=self.get_help_text(),
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            media=context["form"].media,
        )
        return context


class StaffPage(WagtailAdminTemplateMixin, TemplateView):
    """An admin page for federation staff only (anyone else: a 404), under a list's crumb."""

    parent_crumb: tuple[str, str] | None = None  # URL name and label of the list above it

    def dispatch(self, request, *args, **kwargs):
        workforce_permissions.staff_paths_or_404(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.parent_crumb:
            name, label = self.parent_crumb
            items.append({"url": reverse(name), "label": label})
        items.append(
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        )
        return items


# 经费来源 Fund sources -----------------------------------------------------------------------

MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_totals(sources):
    """Annotate each source with ``spent`` (standing spending) and ``workers`` paid for, as
    subqueries: the list stays one query whatever the number of spending records."""
    standing = Spending.objects.standing().filter(source=OuterRef("pk")).order_by()
    spent = standing.values("source").annotate(total=Sum("amount")).values("total")
    paid = (
        standing.filter(worker__isnull=False)
        .values("source")
        .annotate(n=Count("worker", distinct=True))
        .values("n")
    )
    zero = Value(selectors.ZERO)
    return sources.annotate(
        spent=Coalesce(Subquery(spent, output_field=MONEY), zero, output_field=MONEY),
        workers=Coalesce(Subquery(paid), 0),
    )


class FundSourceFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))
    federation = federation_filter(gettext_lazy("总工会（含下级）"), "federation__")

    class Meta:
        model = FundSource
        fields = ["year", "kind", "federation"]


def ledger_url(source_or_federation, year: int | None = None) -> str:
    if isinstance(source_or_federation, FundSource):
        source_or_federation, year = source_or_federation.federation_id, source_or_federation.year
    return url(FUNDS, "ledger", federation=source_or_federation, year=year)


class FundSourceIndexView(ScopedIndexView):
    add_item_label = gettext_lazy("登记经费来源")

    def get_base_queryset(self):
        return with_totals(super().get_base_queryset().select_related("federation"))

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "kind",
                label=_("经费来源"),
                accessor="get_kind_display",
                get_url=lambda source: url(FUNDS, "inspect", source),
            ),
            Column(
                "federation",
                label=_("总工会"),
                accessor="federation.display_name",
                sort_key="federation__path",
            ),
            Column("year", label=_("年度"), sort_key="year"),
            Column(
                "budget",
                label=_("预算（元）"),
                accessor=lambda s: yuan(s.budget),
                sort_key="budget",
            ),
            Column(
                "spent", label=_("已支出（元）"), accessor=lambda s: yuan(s.spent), sort_key="spent"
            ),
            Column("left", label=_("结余（元）"), accessor=lambda s: yuan(s.budget - s.spent)),
            Column("workers", label=_("支付人数"), sort_key="workers"),
        ]

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("经费台账"), url=url(FUNDS, "ledger"), icon_name="table"),
        ]


class FundSourceCreateView(ScopedCreateView):
    def get_success_buttons(self):
        return []

    def save_instance(self):
        return services.save_fund_source(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已登记 %(source)s，预算 %(budget)s 元。") % {
            "source": instance,
            "budget": yuan(instance.budget),
        }

    def get_success_url(self):
        return url(FUNDS, "inspect", self.object)


class FundSourceEditView(ScopedEditView):
    def get_queryset(self):
        return super().get_queryset().select_related("federation")

    def save_instance(self):
        source = self.object
        return services.save_fund_source(
            by=self.request.user,
            federation=source.federation,
            year=source.year,
            kind=source.kind,
            budget=self.form.cleaned_data["budget"],
            note=self.form.cleaned_data["note"],
        )

    def get_success_url(self):
        return url(FUNDS, "inspect", self.object)


def source_actions(source: FundSource) -> list[Button]:
    return [
        Button(_("修改预算"), url=url(FUNDS, "edit", source), icon_name="edit", priority=10),
        Button(
            _("登记支出"),
            url=url(SPENDINGS, "add", source=source.pk),
            icon_name="plus",
            priority=20,
        ),
    ]


class FundSourceInspectView(ScopedInspectView):
    """A source: budget, spent and left (by use), its latest spending, the workers it pays."""

    template_name = "compensation/admin/fund_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset().select_related("federation"), pk=self.pk)

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return source_actions(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        line = selectors.ledger(FundSource.objects.filter(pk=source.pk)).lines[0]
        spendings = source.spendings.select_related("worker", "created_by", "voided_by")
        paid = (
            source.spendings.standing()
            .filter(worker__isnull=False)
            .values("worker_id", "worker__name", "worker__federation__name")
            .annotate(total=Sum("amount"), records=Count("pk"))
            .order_by("worker__name", "worker_id")
        )
        context.update(
            source=source,
            line=line,
            uses=[(label, yuan(line.by_use[use])) for use, label in Use.choices],
            budget=yuan(source.budget),
            spent=yuan(line.spent),
            left=yuan(line.left),
            overspent=line.left < 0,
            spendings=[
                (spending, yuan(spending.amount))
                for spending in spendings.order_by("-spent_on", "-pk")[:LATEST_SPENDINGS]
            ],
            spending_count=source.spendings.count(),
            all_spendings_url=url(SPENDINGS, "index", source=source.pk),
            paid=[(row, yuan(row["total"])) for row in paid],
            actions=self.header_more_buttons,
            export_url=url(FUNDS, "spendings_xlsx", source),
            ledger_url=ledger_url(source),
            history_url=url(FUNDS, "history", source),
        )
        return context


# 经费台账 The ledger of a county and a year ---------------------------------------------------


def _choice(request, counties: list) -> tuple:
    """Return the county and year chosen by ``?federation=&year=`` (defaults: the user's first
    county-level federation, this year); a county the user does not manage is a 404."""
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else timezone.localdate().year
    raw = request.GET.get("federation", "")
    if not raw:
        return (counties[0] if counties else None), year
    federation = next((f for f in counties if str(f.pk) == raw), None)
    if federation is None:
        raise Http404
    return federation, year


def ledger_of(request):
    """Return (counties, county, year, ledger, city subsidy, work subsidies) for the request."""
    workforce_permissions.staff_paths_or_404(request)
    counties = list(county_federations(request.user).order_by("path"))
    federation, year = _choice(request, counties)
    if federation is None:
        return counties, None, year, selectors.Ledger([]), (0, selectors.ZERO), []
    sources = scoped_sources(request.user).filter(federation=federation, year=year)
    return (
        counties,
        federation,
        year,
        selectors.ledger(sources),
        selectors.city_subsidy_due(federation, year=year),
        selectors.work_subsidies(federation, year=year),
    )


class LedgerView(StaffPage):
    """经费台账: one county's sources × uses for a year, with the subsidies due."""

    template_name = "compensation/admin/fund_ledger.html"
    page_title = gettext_lazy("经费台账")
    header_icon = "table"
    parent_crumb = (f"{FUNDS}:index", gettext_lazy("经费来源"))

    def get(self, request):
        counties, federation, year, ledger, (welfare, welfare_amount), subsidies = ledger_of(
            request
        )
        totals = ledger.use_totals()
        rows = [
            (
                line,
                url(FUNDS, "inspect", line.source),
                yuan(line.source.budget),
                [yuan(line.by_use[use]) for use in Use.values],
                yuan(line.spent),
                yuan(line.left),
            )
            for line in ledger.lines
        ]
        query = {"federation": federation.pk, "year": year} if federation else {}
        context = self.get_context_data(
            counties=counties,
            federation=federation,
            year=year,
            uses=Use.labels,
            rows=rows,
            totals=[
                yuan(ledger.budget),
                *(yuan(totals[use]) for use in Use.values),
                yuan(ledger.spent),
                yuan(ledger.left),
            ],
            welfare=welfare,
            welfare_amount=yuan(welfare_amount),
            subsidies=subsidies,
            subsidy_lines=[(line, _grade(line.grade), yuan(line.yearly)) for line in subsidies],
            subsidy_total=yuan(sum((line.yearly for line in subsidies), selectors.ZERO)),
            export_url=url(FUNDS, "ledger_xlsx", **query),
            add_url=url(FUNDS, "add"),
        )
        return self.render_to_response(context)


def ledger_workbook(federation, year: int, ledger, welfare, subsidies) -> bytes:
    """Return the ledger as XLSX: sources × uses with totals, the subsidies due, and each
    part-time worker's work subsidy."""
    book = new_workbook()
    header = [
        _("经费来源"),
        _("预算（元）"),
        *(f"{label}（元）" for label in Use.labels),
        _("已支出（元）"),
        _("结余（元）"),
        _("支付人数"),
    ]
    rows = [
        [
            line.source.get_kind_display(),
            line.source.budget,
            *(line.by_use[use] for use in Use.values),
            line.spent,
            line.left,
            line.workers,
        ]
        for line in ledger.lines
    ]
    totals = ledger.use_totals()
    rows.append(
        [
            _("合计"),
            ledger.budget,
            *(totals[use] for use in Use.values),
            ledger.spent,
            ledger.left,
            None,
        ]
    )
    add_sheet(book, _("经费台账"), header, rows, widths={"A": 22})
    workers, amount = welfare
    add_sheet(
        book,
        _("补助测算"),
        [_("补助项目"), _("人数"), _("金额（元）")],
        [
            [_("市总工会公益性岗位人员补助"), workers, amount],
            [
                _("党群工作者兼职工作补贴"),
                len(subsidies),
                sum((line.yearly for line in subsidies), selectors.ZERO),
            ],
        ],
        widths={"A": 30},
    )
    add_sheet(
        book,
        _("兼职工作补贴"),
        [_("姓名"), _("考核等次"), _("工作补贴（元）")],
        [[line.name, _grade(line.grade), line.yearly] for line in subsidies],
        widths={"A": 14, "B": 12},
    )
    return save(book)


def _grade(grade) -> str:
    return grade_label(grade) or _("未评定")


def ledger_xlsx(request):
    """Download the ledger of a county and a year as XLSX."""
    _counties, federation, year, ledger, welfare, subsidies = ledger_of(request)
    if federation is None:
        raise Http404
    content = ledger_workbook(federation, year, ledger, welfare, subsidies)
    filename = _("%(federation)s%(year)s年经费台账.xlsx") % {
        "federation": federation.name,
        "year": year,
    }
    return download_response(content, "xlsx", filename)


def spendings_xlsx(request, pk):
    """Download a source's spending list (voided records marked) as XLSX."""
    source = get_object_or_404(scoped_sources(request.user).select_related("federation"), pk=pk)
    spendings = source.spendings.select_related("worker", "created_by").order_by("spent_on", "pk")
    header = [
        _("支出日期"),
        _("用途"),
        _("金额（元）"),
        _("人员"),
        _("摘要"),
        _("经办人"),
        _("状态"),
        _("作废原因"),
    ]
    rows = [
        [
            s.spent_on,
            s.get_use_display(),
            s.amount,
            s.worker.name if s.worker else "",
            s.note,
            str(s.created_by or ""),
            _("已作废") if s.voided_at else _("有效"),
            s.void_reason,
        ]
        for s in spendings
    ]
    content = workbook(_("支出明细"), header, rows, widths={"A": 12, "E": 40})
    return download_response(content, "xlsx", _("%(source)s支出明细.xlsx") % {"source": source})


class FundSourceViewSet(ScopedModelViewSet):
    model = FundSource
    name = FUNDS
    url_prefix = "compensation/funds"
    icon = "table"
    menu_label = gettext_lazy("经费台账")
    menu_order = 600
    permission_policy = PERMISSION_POLICIES[FundSource]
    index_view_class = FundSourceIndexView
    add_view_class = FundSourceCreateView
    edit_view_class = FundSourceEditView
    inspect_view_class = FundSourceInspectView
    inspect_view_enabled = True
    filterset_class = FundSourceFilterSet
    list_per_page = 50
    edit_handler = ObjectList(
        [FieldPanel("budget"), FieldPanel("note")], base_form_class=FundSourceForm
    )
    create_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("federation"), FieldPanel("year")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("budget")]),
            FieldPanel("note"),
        ],
        base_form_class=FundSourceCreateForm,
    )

    def scope(self, user):
        return scoped_sources(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept] + [
            path("ledger/", LedgerView.as_view(), name="ledger"),
            path("ledger.xlsx", ledger_xlsx, name="ledger_xlsx"),
            path("<int:pk>/spendings.xlsx", spendings_xlsx, name="spendings_xlsx"),
        ]


# 经费支出 Spending ---------------------------------------------------------------------------


class SpendingFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("年度"), field_name="source__year")
    federation = federation_filter(gettext_lazy("总工会（含下级）"), "source__federation__")
    source = django_filters.ModelChoiceFilter(
        label=gettext_lazy("经费来源"),
        queryset=lambda request: scoped_sources(request.user).select_related("federation"),
    )
    voided = django_filters.BooleanFilter(
        label=gettext_lazy("已作废"), field_name="voided_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Spending
        fields = ["year", "federation", "source", "use", "voided"]


def spending_actions(spending: Spending, *, button_class=Button) -> list:
    if spending.voided_at is not None:
        return []
    return [
        button_class(
            _("作废"), url=url(SPENDINGS, "void", spending), icon_name="cross", priority=40
        )
    ]


class SpendingIndexView(ScopedIndexView):
    add_item_label = gettext_lazy("登记支出")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("source__federation", "worker")

    @cached_property
    def columns(self):
        return [
            Column(
                "spent_on",
                label=_("支出日期"),
                accessor=lambda s: _date(s.spent_on),
                sort_key="spent_on",
            ),
            self._get_title_column_class(TitleColumn)(
                "source",
                label=_("经费来源"),
                accessor=lambda s: str(s.source),
                get_url=lambda s: url(FUNDS, "inspect", s.source_id),
            ),
            Column("use", label=_("用途"), accessor="get_use_display", sort_key="use"),
            Column(
                "amount",
                label=_("金额（元）"),
                accessor=lambda s: yuan(s.amount),
                sort_key="amount",
            ),
            Column("worker", label=_("人员"), accessor=lambda s: s.worker or "—"),
            Column("note", label=_("摘要")),
            StatusTagColumn(
                "voided_at",
                label=_("状态"),
                accessor=lambda s: _("已作废") if s.voided_at else _("有效"),
                primary=lambda s: s.voided_at is None,
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *spending_actions(instance)]


class ChargeView(ScopedCreateView):
    """登记支出: refused past the source's remaining budget (the service's message is shown)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("source", "").isdigit():
            initial["source"] = self.request.GET["source"]
        initial.setdefault("spent_on", timezone.localdate())
        return initial

    def get_success_buttons(self):
        return []

    def save_instance(self):
        return services.charge(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        left = instance.source.budget - selectors.spent_of(instance.source)
        return _("已登记支出 %(amount)s 元（%(source)s），剩余预算 %(left)s 元。") % {
            "amount": yuan(instance.amount),
            "source": instance.source,
            "left": yuan(left),
        }

    def get_success_url(self):
        return url(FUNDS, "inspect", self.object.source_id)


class VoidView(ActionView):
    """作废支出: the record stays, marked, and stops counting against the budget."""

    model = Spending
    permission_policy = PERMISSION_POLICIES[Spending]
    form_class = VoidForm
    page_title = gettext_lazy("作废支出")
    submit_button_label = gettext_lazy("确认作废")

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("source__federation", "worker")

    def get_help_text(self) -> str:
        s = self.object
        return _(
            "%(date)s %(source)s %(use)s %(amount)s 元%(worker)s。作废后该笔支出不再计入预算，"
            "记录保留并注明作废原因。"
        ) % {
            "date": _date(s.spent_on),
            "source": s.source,
            "use": s.get_use_display(),
            "amount": yuan(s.amount),
            "worker": f"（{s.worker.name}）" if s.worker else "",
        }

    def save(self, form) -> str:
        services.void_spending(
            by=self.request.user, spending=self.object, reason=form.cleaned_data["reason"]
        )
        return _("已作废该笔支出（%(amount)s 元）。") % {"amount": yuan(self.object.amount)}

    def get_success_url(self):
        return url(FUNDS, "inspect", self.object.source_id)


class SpendingViewSet(ScopedModelViewSet):
    model = Spending
    name = SPENDINGS
    url_prefix = "compensation/spendings"
    icon = "form"
    menu_label = gettext_lazy("经费支出")
    menu_order = 610
    permission_policy = PERMISSION_POLICIES[Spending]
    index_view_class = SpendingIndexView
    add_view_class = ChargeView
    filterset_class = SpendingFilterSet
    search_fields = ["note", "worker__name"]
    list_per_page = 50
    create_handler = ObjectList(
        [
            FieldPanel("source"),
            FieldRowPanel([FieldPanel("use"), FieldPanel("amount"), FieldPanel("spent_on")]),
            FieldPanel("worker"),
            FieldPanel("note"),
        ],
        base_form_class=ChargeForm,
    )
    edit_handler = create_handler  # unused (no edit screen), but Wagtail builds a form class

    def scope(self, user):
        return scoped_spendings(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, history_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        # Spending is never edited or deleted: a wrong record is voided with a reason.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("void/<int:pk>/", self.construct_view(VoidView), name="void"),
        ]


VIEWSETS: tuple = (FundSourceViewSet, SpendingViewSet)
