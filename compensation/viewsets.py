"""Staff screens for pay and funds (薪酬与经费). Registered in ``wagtail_hooks.py``.

Every screen reads through ``compensation.permissions`` (another county's records are a 404);
every change goes through ``compensation.services``. This module holds pay schemes, posts, pay
tables, subsidies, placements and the step run; ``floor_views`` adds minimum wages, tiers, the
floor check and insurance; ``funds_views`` the fund sources, spending and ledger;
``report_views`` the self-inspection reports and the city overview. Their ``VIEWSETS`` join
the menu group here.
"""

import datetime as dt
from collections import defaultdict

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton

from evaluation.choices import Grade
from lms.admin.views import (
    ActionFormView,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedMixin,
    call_service,
    changed_values,
)
from lms.admin.viewsets import ScopedListViewSet, ScopedModelViewSet
from lms.spreadsheets import download_response, workbook
from workforce import permissions as workforce_permissions
from workforce.models import Worker
from workforce.viewsets import federation_filter

from . import floor_views, funds_views, report_views, rules, selectors, services
from .admin_forms import (
    DecideForm,
    PayTableForm,
    PlacementForm,
    PostForm,
    SchemeCreateForm,
    SchemeForm,
    StepRunForm,
    SubsidyForm,
    ladder,
)
from .choices import PlacementReason, ProposalState
from .models import Allowance, PayRate, PayScheme, PayTable, Placement, Post, StepRun
from .permissions import manages, schemes_for, step_runs_for

SCHEMES = "compensation_schemes"
PLACEMENTS = "compensation_placements"
STEP_RUNS = "compensation_step_runs"
PROPOSALS_PER_PAGE = 100

PAY_POLICIES = {
    PayScheme: workforce_permissions.staff_policy(PayScheme, {"add", "change", "view"}),
    Placement: workforce_permissions.staff_policy(Placement, {"add", "view"}),
    StepRun: workforce_permissions.staff_policy(StepRun, {"add", "change", "view"}),
}


scoped_workers = workforce_permissions.staff_only(workforce_permissions.workers_for)


def _url(namespace: str, name: str, obj=None) -> str:
    args = [] if obj is None else [getattr(obj, "pk", obj)]
    return reverse(f"{namespace}:{name}", args=args)


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _yuan(amount) -> str:
    return "—" if amount is None else f"{amount:.2f}"


class PayActionView(ScopedMixin, ActionFormView):
    """A form about one scoped object (others' are a 404), saved through a service; the page
    it belongs to is ``get_success_url()``."""

    permission_required = "change"
    template_name = "lms/admin/action.html"
    index_url_name = None
    submit_button_label = gettext_lazy("保存")
    help_text = ""

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.get_success_url(), "label": str(self.parent)},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    @property
    def parent(self):
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            help_text=self.help_text,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            media=context["form"].media if context.get("form") else forms.Media(),
        )
        return context


# 薪酬体系 Schemes ------------------------------------------------------------------------------


def scheme_actions(scheme: PayScheme, user) -> list[Button]:
    """The buttons of a scheme's page: for its own federation's staff only."""
    if not manages(user, scheme.federation):
        return []
    return [
        Button(_("修改"), url=_url(SCHEMES, "edit", scheme), icon_name="edit", priority=10),
        Button(_("添加岗位"), url=_url(SCHEMES, "post_add", scheme), icon_name="plus", priority=20),
        Button(
            _("添加薪酬标准"), url=_url(SCHEMES, "table_add", scheme), icon_name="plus", priority=30
        ),
        Button(
            _("兼职工作补贴"), url=_url(SCHEMES, "subsidies", scheme), icon_name="edit", priority=40
        ),
    ]


class ViewOnlyRedirectMixin:
    """Send staff below a scheme's federation back to the scheme's page when they open one of
    its forms: they may read the scheme, not change it. A POST still goes to the service,
    which refuses it."""

    def get(self, request, *args, **kwargs):
        scheme = self.scheme
        if not manages(request.user, scheme.federation):
            messages.error(
                request,
                _("%(scheme)s由%(federation)s维护，您只能查看。")
                % {"scheme": scheme, "federation": scheme.federation.name},
            )
            return redirect(_url(SCHEMES, "inspect", scheme))
        return super().get(request, *args, **kwargs)


class SchemeIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("federation")
            .annotate(post_count=Count("posts", distinct=True))
            .annotate(table_count=Count("tables", distinct=True))
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name",
                label=_("薪酬体系"),
                get_url=lambda s: _url(SCHEMES, "inspect", s),
                sort_key="name",
            ),
            Column("federation", label=_("总工会"), accessor="federation.name"),
            Column("posts", label=_("岗位数"), accessor="post_count"),
            Column("tables", label=_("薪酬标准"), accessor="table_count"),
            Column(
                "years_per_step",
                label=_("晋升一级所需年限"),
                accessor=lambda s: _("%(years)s 年") % {"years": s.years_per_step},
            ),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if manages(self.request.user, instance.federation):
            return buttons
        return [b for b in buttons if b.url != self.get_edit_url(instance)]


class SchemeCreateView(ScopedCreateView):
    def save_instance(self):
        return services.save_scheme(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已新建薪酬体系“%(scheme)s”，请添加岗位和薪酬标准。") % {"scheme": instance}

    def get_success_url(self):
        return _url(SCHEMES, "inspect", self.object)

    def get_success_buttons(self):
        return []


class SchemeEditView(ViewOnlyRedirectMixin, ScopedEditView):
    @cached_property
    def scheme(self) -> PayScheme:
        schemes = self.get_queryset().select_related("federation")
        return get_object_or_404(schemes, pk=self.object_pk)

    def get_object(self, queryset=None):
        return self.scheme

    def save_instance(self):
        return services.save_scheme(
            by=self.request.user,
            federation=self.object.federation,
            scheme=self.object,
            **changed_values(self.form, services.SCHEME_FIELDS),
        )

    def get_success_url(self):
        return _url(SCHEMES, "inspect", self.object)

    def get_success_buttons(self):
        return []


def pay_grid(
    scheme: PayScheme, posts: list[Post], tables: list[PayTable]
) -> list[tuple[int, str, list]]:
    """Return (level, posts having it, [amount in each table]) for the ladder (one query)."""
    amounts = {
        (table_id, level): monthly
        for table_id, level, monthly in PayRate.objects.filter(table__scheme=scheme)
        .values_list("table_id", "level", "monthly")
        .order_by()
    }
    return [
        (level, "、".join(names), [amounts.get((table.pk, level)) for table in tables])
        for level, names in ladder(posts)
    ]


class SchemeInspectView(ScopedInspectView):
    """A scheme: its numbers, posts, pay tables by date with allowances, and the part-time
    work subsidy per grade. Staff below its federation see it without the change buttons."""

    template_name = "compensation/admin/scheme_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset().select_related("federation"), pk=self.pk)

    def get_fields(self):
        return []

    def get_edit_url(self):
        return super().get_edit_url() if self.can_change else None

    @cached_property
    def can_change(self) -> bool:
        return manages(self.request.user, self.object.federation)

    @cached_property
    def header_more_buttons(self):
        return scheme_actions(self.object, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = self.object
        posts = list(scheme.posts.all())
        tables = list(scheme.tables.all())
        in_force = rules.in_force(
            [(table.effective_from, table) for table in tables], timezone.localdate()
        )
        allowances = defaultdict(list)
        for allowance in Allowance.objects.filter(table__scheme=scheme).order_by("name"):
            allowances[allowance.table_id].append(allowance)
        grades = sorted(Grade.choices, reverse=True)
        subsidies = defaultdict(dict)
        for rate in scheme.subsidies.all():
            subsidies[rate.effective_from][rate.grade] = rate.yearly
        context.update(
            scheme=scheme,
            can_change=self.can_change,
            numbers=[
                (_("晋升一级所需年限"), scheme.years_per_step),
                (_("提前晋级所需连续优秀年数"), scheme.excellent_run),
                (_("提前晋级次数上限"), scheme.max_early_steps),
                (
                    _("学历视同工作年限（本科 / 硕士 / 博士）"),
                    f"{scheme.bachelor_years} / {scheme.master_years} / {scheme.doctorate_years}",
                ),
                (
                    _("职业资格加级（助理社会工作师 / 社会工作师 / 高级社会工作师）"),
                    f"{scheme.assistant_levels} / {scheme.social_worker_levels} / "
                    f"{scheme.senior_levels}",
                ),
            ],
            posts=posts,
            tables=[
                {
                    "table": table,
                    "in_force": table is in_force,
                    "allowances": allowances[table.pk],
                    "edit_url": _url(SCHEMES, "table_edit", table) if self.can_change else "",
                }
                for table in tables
            ],
            grid=pay_grid(scheme, posts, tables),
            grades=[label for _grade, label in grades],
            subsidies=[
                (since, [by_grade.get(grade) for grade, _label in grades])
                for since, by_grade in sorted(subsidies.items(), reverse=True)
            ],
            actions=self.header_more_buttons,
            history_url=_url(SCHEMES, "history", scheme),
            placements_url=_url(PLACEMENTS, "index"),
        )
        return context


class SchemeActionView(ViewOnlyRedirectMixin, PayActionView):
    """A form about a scheme or one of its posts or tables."""

    model = PayScheme
    permission_policy = PAY_POLICIES[PayScheme]
    header_icon = "table"

    def get_queryset(self):
        return super().get_queryset().select_related("federation")

    @property
    def scheme(self) -> PayScheme:
        return self.object

    @property
    def parent(self):
        return self.scheme

    def get_success_url(self):
        return _url(SCHEMES, "inspect", self.scheme)


class PostAddView(SchemeActionView):
    """添加岗位: a post of the scheme, a range of levels."""

    form_class = PostForm
    page_title = gettext_lazy("添加岗位")
    help_text = gettext_lazy("如三岗十八级：正职 7-18 级，副职 4-15 级，其他 1-12 级。")

    def save(self, form) -> str:
        post = services.save_post(by=self.request.user, scheme=self.scheme, **form.cleaned_data)
        return _("已添加岗位 %(post)s。") % {"post": post}


class PostEditView(SchemeActionView):
    """修改岗位: its name, levels or order; levels already held must stay inside it."""

    form_class = PostForm
    page_title = gettext_lazy("修改岗位")

    def get_queryset(self):
        return Post.objects.filter(scheme__in=self.scoped_queryset()).select_related(
            "scheme__federation"
        )

    @property
    def scheme(self) -> PayScheme:
        return self.object.scheme

    def get_initial(self):
        post = self.object
        return {
            "name": post.name,
            "lowest": post.lowest,
            "highest": post.highest,
            "order": post.order,
        }

    def save(self, form) -> str:
        post = services.save_post(
            by=self.request.user, scheme=self.scheme, post=self.object, **form.cleaned_data
        )
        return _("已保存岗位 %(post)s。") % {"post": post}


class PayTableAddView(SchemeActionView):
    """添加薪酬标准: a pay table from a date, starting from the latest one's amounts."""

    form_class = PayTableForm
    template_name = "compensation/admin/scheme_pay_table.html"
    page_title = gettext_lazy("添加薪酬标准")
    help_text = gettext_lazy(
        "新标准从执行日期起适用，此前的月薪不变。每一级都须填写月薪；津贴留空的行不保存。"
    )

    def get_form_kwargs(self):
        latest = self.scheme.tables.prefetch_related("rates", "allowances").first()
        return {**super().get_form_kwargs(), "scheme": self.scheme, "start_from": latest}

    def save(self, form) -> str:
        table = services.save_pay_table(
            by=self.request.user, scheme=self.scheme, **form.service_kwargs()
        )
        return _("已保存%(table)s。") % {"table": table}


class PayTableEditView(PayTableAddView):
    """修改薪酬标准: a table's rows are replaced as a whole."""

    page_title = gettext_lazy("修改薪酬标准")

    def get_queryset(self):
        return PayTable.objects.filter(scheme__in=self.scoped_queryset()).select_related(
            "scheme__federation"
        )

    @property
    def scheme(self) -> PayScheme:
        return self.object.scheme

    def get_initial(self):
        return {"effective_from": self.object.effective_from, "note": self.object.note}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "start_from": self.object}

    def save(self, form) -> str:
        table = services.save_pay_table(
            by=self.request.user, scheme=self.scheme, table=self.object, **form.service_kwargs()
        )
        return _("已保存%(table)s。") % {"table": table}


class SubsidyView(SchemeActionView):
    """兼职工作补贴: the yearly subsidy of part-time party-mass workers per grade."""

    form_class = SubsidyForm
    page_title = gettext_lazy("兼职工作补贴标准")
    help_text = gettext_lazy(
        "党群工作者兼职按年度考核等次发放工作补贴。同一执行日期再次保存会替换该日的标准。"
    )

    def get_form_kwargs(self):
        rows = [
            (rate.effective_from, rate.grade, rate.yearly) for rate in self.scheme.subsidies.all()
        ]
        latest = max((since for since, _grade, _yearly in rows), default=None)
        current = {grade: yearly for since, grade, yearly in rows if since == latest}
        return {**super().get_form_kwargs(), "current": current}

    def get_initial(self):
        return {"effective_from": timezone.localdate().replace(month=1, day=1)}

    def save(self, form) -> str:
        since = form.cleaned_data["effective_from"]
        services.set_subsidies(
            by=self.request.user, scheme=self.scheme, effective_from=since, yearly=form.yearly()
        )
        return _("已保存 %(date)s 起的兼职工作补贴标准。") % {"date": since.isoformat()}


class SchemeViewSet(ScopedModelViewSet):
    model = PayScheme
    name = SCHEMES
    url_prefix = "compensation/schemes"
    icon = "table"
    menu_label = gettext_lazy("薪酬体系")
    menu_order = 100
    permission_policy = PAY_POLICIES[PayScheme]
    index_view_class = SchemeIndexView
    add_view_class = SchemeCreateView
    edit_view_class = SchemeEditView
    inspect_view_class = SchemeInspectView
    inspect_view_enabled = True
    search_fields = ["name", "federation__name"]
    list_per_page = 50
    _numbers = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("years_per_step"),
                        FieldPanel("excellent_run"),
                        FieldPanel("max_early_steps"),
                    ]
                ),
            ],
            heading=gettext_lazy("晋级"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("bachelor_years"),
                        FieldPanel("master_years"),
                        FieldPanel("doctorate_years"),
                    ]
                ),
            ],
            heading=gettext_lazy("学历视同工作年限"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("assistant_levels"),
                        FieldPanel("social_worker_levels"),
                        FieldPanel("senior_levels"),
                    ]
                ),
            ],
            heading=gettext_lazy("职业资格加级（只计最高一项）"),
        ),
    ]
    edit_handler = ObjectList([FieldPanel("name"), *_numbers], base_form_class=SchemeForm)
    create_handler = ObjectList(
        [FieldPanel("federation"), FieldPanel("name"), *_numbers], base_form_class=SchemeCreateForm
    )

    def scope(self, user):
        return schemes_for(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept] + [
            path("<int:pk>/posts/new/", self.construct_view(PostAddView), name="post_add"),
            path("posts/<int:pk>/", self.construct_view(PostEditView), name="post_edit"),
            path("<int:pk>/tables/new/", self.construct_view(PayTableAddView), name="table_add"),
            path("tables/<int:pk>/", self.construct_view(PayTableEditView), name="table_edit"),
            path("<int:pk>/subsidies/", self.construct_view(SubsidyView), name="subsidies"),
        ]


# 岗位等级 Placements ---------------------------------------------------------------------------


def roster(workers: QuerySet[Worker], on: dt.date) -> QuerySet[Worker]:
    """Annotate each worker with the placement in force on ``on``: ``post_now`` (its id, None
    when not placed), ``post_name``, ``scheme_now``, ``level_now`` and ``placed_since``."""
    latest = Placement.objects.filter(worker=OuterRef("pk"), effective_from__lte=on).order_by(
        "-effective_from"
    )
    return workers.annotate(
        post_now=Subquery(latest.values("post_id")[:1]),
        post_name=Subquery(latest.values("post__name")[:1]),
        scheme_now=Subquery(latest.values("post__scheme_id")[:1]),
        level_now=Subquery(latest.values("level")[:1]),
        placed_since=Subquery(latest.values("effective_from")[:1]),
    )


class PayRoster:
    """Monthly pay of annotated ``roster`` rows on a date, from the schemes the user sees
    (four queries, once)."""

    def __init__(self, user, on: dt.date):
        self.on = on
        self.tables = selectors.pay_tables(schemes_for(user).values_list("pk", flat=True))

    def monthly(self, worker):
        if worker.post_now is None:
            return None
        return selectors.pay_on(
            self.tables,
            scheme_id=worker.scheme_now,
            level=worker.level_now,
            qualification=worker.qualification,
            on=self.on,
        )


def _post_label(post: Post) -> str:
    return f"{post.scheme.name} · {post}"


class _PostFilterField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return _post_label(obj)


class _PostFilter(django_filters.ModelChoiceFilter):
    field_class = _PostFilterField


class PlacementFilterSet(WagtailFilterSet):
    federation = federation_filter(gettext_lazy("总工会（含下级）"), "federation__")
    post = _PostFilter(
        label=gettext_lazy("岗位"),
        queryset=lambda request: Post.objects.filter(
            scheme__in=schemes_for(request.user)
        ).select_related("scheme"),
        method="filter_post",
    )
    placed = django_filters.ChoiceFilter(
        label=gettext_lazy("定级情况"),
        choices=[("yes", gettext_lazy("已定级")), ("no", gettext_lazy("未定级"))],
        method="filter_placed",
    )

    class Meta:
        model = Worker
        fields = ["federation", "post", "placed"]

    def filter_post(self, queryset, name, value):
        return queryset.filter(post_now=value.pk)

    def filter_placed(self, queryset, name, value):
        return queryset.filter(post_now__isnull=value == "no")


def placement_rows(request, on: dt.date) -> QuerySet[Worker]:
    """The active workers the user manages, each with the placement in force on ``on``."""
    workers = scoped_workers(request.user).active().select_related("federation")
    return roster(workers, on).order_by("federation__path", "name", "pk")


class PlacementIndexView(ScopedIndexView):
    """岗位等级: one row per active worker with the placement in force today and the monthly
    pay it gives; workers not placed yet show too (the list is of workers, not of rows of the
    placement history, which each worker's page shows)."""

    def get_base_queryset(self):
        return placement_rows(self.request, timezone.localdate())

    @cached_property
    def pay(self) -> PayRoster:
        return PayRoster(self.request.user, timezone.localdate())

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name",
                label=_("姓名"),
                get_url=lambda w: _url(PLACEMENTS, "worker", w),
                sort_key="name",
            ),
            Column("federation", label=_("所属总工会"), accessor="federation.display_name"),
            StatusTagColumn(
                "post",
                label=_("岗位"),
                accessor=lambda w: w.post_name or _("未定级"),
                primary=lambda w: w.post_now is None,  # the ones to see to
            ),
            Column("level", label=_("等级"), accessor=lambda w: w.level_now or "—"),
            Column("monthly", label=_("月薪（元）"), accessor=lambda w: _yuan(self.pay.monthly(w))),
            Column("since", label=_("执行日期"), accessor=lambda w: _date(w.placed_since)),
        ]

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def header_buttons(self):
        query = self.request.GET.urlencode()
        url = _url(PLACEMENTS, "export") + (f"?{query}" if query else "")
        return [HeaderButton(_("导出工资花名册"), url=url, icon_name="download")]


class PlacementExportView(PermissionCheckedMixin, View):
    """The current pay roster as XLSX, with the list's filters."""

    model = Placement
    permission_policy = PAY_POLICIES[Placement]
    permission_required = "view"

    def get(self, request):
        today = timezone.localdate()
        filters = PlacementFilterSet(request.GET, placement_rows(request, today), request=request)
        if not filters.is_valid():
            raise Http404
        pay = PayRoster(request.user, today)
        rows = [
            [
                worker.name,
                worker.federation.name,
                worker.post_name or _("未定级"),
                worker.level_now,
                pay.monthly(worker),
                worker.placed_since,
            ]
            for worker in filters.qs
        ]
        header = [_("姓名"), _("所属总工会"), _("岗位"), _("等级"), _("月薪（元）"), _("执行日期")]
        content = workbook(_("工资花名册"), header, rows, widths={"A": 12, "B": 24, "F": 12})
        filename = _("工资花名册-%(date)s.xlsx") % {"date": today.isoformat()}
        return download_response(content, "xlsx", filename)


class PlacementWorkerView(PayActionView):
    """One worker's post and level: the history with the pay each change gave, and the
    定级/调整 form, its level suggested by the record (``selectors.suggested_level``) for the
    post and date chosen with ``?post=<id>&on=YYYY-MM-DD`` (the current post and today)."""

    model = Placement
    permission_policy = PAY_POLICIES[Placement]
    permission_required = "add"
    template_name = "compensation/admin/placement_worker.html"
    header_icon = "user"

    def get_queryset(self):
        return super().get_queryset().select_related("federation")

    def get_page_title(self):
        return _("定级与调整")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Placement._meta.verbose_name_plural},
            {"url": "", "label": self.object.name},
        ]

    @cached_property
    def scheme(self) -> PayScheme | None:
        return selectors.scheme_for(self.object.federation)

    @cached_property
    def posts(self) -> list[Post]:
        return list(self.scheme.posts.all()) if self.scheme else []

    @cached_property
    def history(self):
        return selectors.pay_history(self.object, today=timezone.localdate())

    @cached_property
    def chosen(self) -> tuple[Post | None, dt.date]:
        """The post and date the suggestion is for."""
        query = self.request.GET
        try:
            on = dt.date.fromisoformat(query.get("on", ""))
        except ValueError:
            on = timezone.localdate()
        by_pk = {str(post.pk): post for post in self.posts}
        current = self.object.placements.order_by("-effective_from").values_list(
            "post_id", flat=True
        )
        post = by_pk.get(query.get("post", "")) or by_pk.get(str(current.first()))
        return post or (self.posts[0] if self.posts else None), on

    @cached_property
    def suggestion(self) -> rules.LevelBreakdown | None:
        post, on = self.chosen
        return selectors.suggested_level(self.object, post, on) if post else None

    def get_form(self, form_class=None):
        if self.scheme is None:
            return None
        return PlacementForm(**self.get_form_kwargs(), scheme=self.scheme)

    def get_initial(self):
        post, on = self.chosen
        if post is None:
            return {}
        return {"post": post, "level": self.suggestion.level, "effective_from": on}

    def post(self, request, *args, **kwargs):
        if self.scheme is None:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history, current = self.history
        post, on = self.chosen
        context.update(
            worker=self.object,
            scheme=self.scheme,
            history=history,
            current=current,
            suggestion=self.suggestion,
            suggested_post=post,
            suggested_on=on,
            post_links=[(p, f"?post={p.pk}&on={on.isoformat()}", p == post) for p in self.posts],
            scheme_url=_url(SCHEMES, "inspect", self.scheme) if self.scheme else "",
        )
        label = _("调整") if history else _("定级")
        context.update(submit_button_label=label, submit_button_active_label=label)
        return context

    def save(self, form) -> str:
        data = form.cleaned_data
        reason = PlacementReason.ADJUST if self.history[0] else PlacementReason.INITIAL
        placement = services.place_worker(
            by=self.request.user, worker=self.object, reason=reason, **data
        )
        return _("已将 %(name)s 定为%(placement)s，自 %(date)s 起执行。") % {
            "name": self.object.name,
            "placement": placement,
            "date": placement.effective_from.isoformat(),
        }

    def get_success_url(self):
        return _url(PLACEMENTS, "worker", self.object)


class PlacementViewSet(ScopedListViewSet):
    model = Placement
    name = PLACEMENTS
    url_prefix = "compensation/placements"
    icon = "user"
    menu_label = gettext_lazy("岗位等级")
    menu_order = 200
    permission_policy = PAY_POLICIES[Placement]
    index_view_class = PlacementIndexView
    filterset_class = PlacementFilterSet
    search_fields = ["name"]
    list_per_page = 50
    edit_handler = ObjectList([])  # unused (no edit screen), but Wagtail builds a form class

    def scope(self, user):
        return scoped_workers(user)

    def extra_urls(self):
        # Placements are history: added on a worker's page, never edited or deleted.
        return [
            path("worker/<int:pk>/", self.construct_view(PlacementWorkerView), name="worker"),
            path("roster.xlsx", self.construct_view(PlacementExportView), name="export"),
        ]


# 年度晋档 Step runs ----------------------------------------------------------------------------


def _by_state(state):
    return Count("proposals", filter=Q(proposals__state=state))


class StepRunIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("federation", "created_by")
            .annotate(
                proposed=_by_state(ProposalState.PROPOSED),
                confirmed=_by_state(ProposalState.CONFIRMED),
                rejected=_by_state(ProposalState.REJECTED),
            )
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "run",
                label=_("年度晋档"),
                accessor=str,
                get_url=lambda r: _url(STEP_RUNS, "inspect", r),
                sort_key="year",
            ),
            Column(
                "effective_from", label=_("执行日期"), accessor=lambda r: _date(r.effective_from)
            ),
            Column("proposed", label=_("待确认")),
            Column("confirmed", label=_("已确认")),
            Column("rejected", label=_("不予调整")),
            Column("created_by", label=_("发起人"), accessor=lambda r: r.created_by or "—"),
        ]


class StepRunCreateView(ScopedCreateView):
    page_title = gettext_lazy("生成晋档建议")

    def save_instance(self):
        return services.propose_steps(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已生成 %(run)s 的晋档建议，待确认 %(count)d 条。") % {
            "run": instance,
            "count": instance.proposals.filter(state=ProposalState.PROPOSED).count(),
        }

    def get_success_url(self):
        return _url(STEP_RUNS, "inspect", self.object)

    def get_success_buttons(self):
        return []


class StepRunInspectView(ScopedInspectView):
    """The run's proposals with their reasons: tick some to confirm or reject them, confirm
    all that wait, or refresh the run from the record (``?state=`` filters, 100 a page)."""

    template_name = "compensation/admin/step_run_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset().select_related("federation"), pk=self.pk)

    def get_fields(self):
        return []

    def pending(self) -> list[int]:
        return list(
            self.object.proposals.filter(state=ProposalState.PROPOSED).values_list("pk", flat=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        proposals = run.proposals.select_related("worker__federation", "post", "decided_by")
        state = self.request.GET.get("state", "")
        if state:
            if not state.isdigit() or int(state) not in ProposalState.values:
                raise Http404
            proposals = proposals.filter(state=int(state))
        page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(self.request.GET.get("p"))
        counts = dict(run.proposals.values_list("state").annotate(n=Count("pk")).order_by())
        context.update(
            run=run,
            page=page,
            state=state,
            states=[
                (state.value, state.label, counts.get(state, 0))
                for state in (
                    ProposalState.PROPOSED,
                    ProposalState.CONFIRMED,
                    ProposalState.REJECTED,
                )
            ],
            proposed=counts.get(ProposalState.PROPOSED, 0),
            PROPOSED=ProposalState.PROPOSED,
            CONFIRMED=ProposalState.CONFIRMED,
            total=sum(counts.values()),
            history_url=_url(STEP_RUNS, "history", run),
            placements_url=_url(PLACEMENTS, "index"),
        )
        return context

    def post(self, request, *args, **kwargs):
        pending = self.pending()
        form = DecideForm(request.POST, pending=pending)
        if not form.is_valid():
            messages.error(request, _("所选晋档建议已处理或不存在，请刷新页面后重试。"))
            return redirect(request.get_full_path())
        action, chosen = form.cleaned_data["action"], form.cleaned_data["proposals"]
        run = self.object
        if action == "refresh":
            done = call_service(
                request,
                services.propose_steps,
                federation=run.federation,
                year=run.year,
                effective_from=run.effective_from,
            )
            if done:
                messages.success(request, _("已按当前记录刷新尚未处理的晋档建议。"))
            return redirect(request.get_full_path())
        if action == "confirm_all":
            action, chosen = "confirm", pending
        if not chosen:
            messages.error(request, _("请先勾选晋档建议。"))
            return redirect(request.get_full_path())
        confirm = chosen if action == "confirm" else []
        reject = chosen if action == "reject" else []
        if call_service(
            request, services.decide_proposals, run=run, confirm=confirm, reject=reject
        ):
            if confirm:
                message = _("已确认 %(n)d 条晋档，自 %(date)s 起执行。") % {
                    "n": len(confirm),
                    "date": run.effective_from.isoformat(),
                }
            else:
                message = _("已将 %(n)d 条建议标为不予调整。") % {"n": len(reject)}
            messages.success(request, message)
        return redirect(request.get_full_path())


class StepRunViewSet(ScopedModelViewSet):
    model = StepRun
    name = STEP_RUNS
    url_prefix = "compensation/step-runs"
    icon = "history"
    menu_label = gettext_lazy("年度晋档")
    menu_order = 300
    permission_policy = PAY_POLICIES[StepRun]
    index_view_class = StepRunIndexView
    add_view_class = StepRunCreateView
    inspect_view_class = StepRunInspectView
    inspect_view_enabled = True
    list_filter = ["year"]
    list_per_page = 50
    create_handler = ObjectList(
        [
            FieldPanel("federation"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("effective_from")]),
        ],
        base_form_class=StepRunForm,
    )
    edit_handler = create_handler  # unused (no edit screen), but Wagtail builds a form class

    def scope(self, user):
        return step_runs_for(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(edit_url_name=None, delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        # A run changes through its proposals (its page) and by being run again (add).
        kept = {"index", "index_results", "add", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept]


VIEWSETS: tuple = (SchemeViewSet, PlacementViewSet, StepRunViewSet)
PERMISSION_POLICIES: dict = {
    **PAY_POLICIES,
    **floor_views.PERMISSION_POLICIES,
    **funds_views.PERMISSION_POLICIES,
    **report_views.PERMISSION_POLICIES,
}


class CompensationViewSetGroup(ViewSetGroup):
    """The 薪酬与经费 menu."""

    menu_label = gettext_lazy("薪酬与经费")
    menu_icon = "table"
    menu_order = 480
    items = (*VIEWSETS, *floor_views.VIEWSETS, *funds_views.VIEWSETS, *report_views.VIEWSETS)
