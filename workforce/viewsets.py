"""Admin screens for the roster (队伍管理), each cut down to the user's federations.

Every lookup goes through ``workforce.permissions``, so another federation's object is a 404,
and every change to workers and postings goes through ``workforce.services``. The viewsets are
grouped and registered in ``workforce/wagtail_hooks.py``.
"""

import django_filters
from django.contrib.admin.utils import quote
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button

from lms.admin.views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    action_crumbs,
    changed_values,
)
from lms.admin.viewsets import ScopedModelViewSet

from . import permissions, services
from .forms import (
    DepartureForm,
    EndPostingForm,
    ExchangeForm,
    FederationCreateForm,
    FederationForm,
    GrantStaffForm,
    PolicyParametersForm,
    PostingCreateForm,
    UnitForm,
    WorkerCreateForm,
    WorkerForm,
    federation_label,
)
from .models import Federation, PolicyParameters, Posting, Unit, Worker
from .policy import POLICY_FIELDS
from .services import WorkforceError

FEDERATIONS = "workforce_federations"
UNITS = "workforce_units"
WORKERS = "workforce_workers"
POSTINGS = "workforce_postings"
POLICIES = "workforce_policies"


# Who may open which screen ------------------------------------------------------------------


PERMISSION_POLICIES = {
    Federation: permissions.staff_policy(Federation, {"add", "change", "view"}),
    Unit: permissions.staff_policy(Unit, {"add", "change", "delete", "view"}),
    Worker: permissions.staff_policy(Worker, {"add", "change", "view"}),
    Posting: permissions.staff_policy(Posting, {"add", "change", "view"}),
    PolicyParameters: permissions.staff_policy(PolicyParameters, {"add", "change", "view"}),
}


class WorkforceViewSet(ScopedModelViewSet):
    """A roster viewset: its rows are those ``permissions.scoped`` lets the user manage."""

    def scope(self, user):
        return permissions.scoped(user, self.model)


def federation_filter(label, prefix: str = ""):
    """Return a filter on a federation the user manages, matching its whole subtree."""

    def filter_subtree(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{prefix}path__startswith": value.path})

    return _FederationFilter(
        label=label,
        queryset=lambda request: permissions.federations_for(request.user),
        method=filter_subtree,
    )


class _FederationFilterField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return federation_label(obj)


class _FederationFilter(django_filters.ModelChoiceFilter):
    field_class = _FederationFilterField


# 总工会 Federation ---------------------------------------------------------------------------


class TreeTitleColumn(TitleColumn):
    """The federation's name, indented under its parent."""

    def __init__(self, *args, base_depth: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_depth = base_depth

    def get_value(self, instance):
        level = instance.depth - self.base_depth
        if level <= 0:
            return instance.name
        return format_html(
            '<span aria-hidden="true" style="padding-inline-start:{}em;color:#999">└ </span>{}',
            (level - 1) * 1.5,
            instance.name,
        )


class FederationFilterSet(WagtailFilterSet):
    class Meta:
        model = Federation
        fields = ["level"]


class FederationIndexView(ScopedIndexView):
    staff_url_name = None
    policy_add_url_name = f"{POLICIES}:add"
    policy_edit_url_name = f"{POLICIES}:edit"

    def get_base_queryset(self):
        parent_name = Federation.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Federation.steplen)
        ).values("name")[:1]
        return permissions.with_staff(super().get_base_queryset()).annotate(
            parent_name=Subquery(parent_name), policy_pk=F("policy__pk")
        )

    @cached_property
    def columns(self):
        paths = permissions.managed_paths(self.request.user)
        base_depth = min((len(p) // Federation.steplen for p in paths), default=1)
        title = self._get_title_column_class(TreeTitleColumn)(
            "name",
            label=_("名称"),
            base_depth=base_depth,
            get_url=lambda obj: self.get_edit_url(obj),
        )
        return [
            title,
            Column("parent_name", label=_("上级总工会")),
            Column("level", label=_("级别"), accessor="get_level_display"),
            Column("code", label=_("代码")),
            Column("staff", label=_("工作人员"), accessor=_staff_names),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("添加下级总工会"),
                url=f"{reverse(self.add_url_name)}?parent={instance.pk}",
                icon_name="plus",
                priority=40,
            )
        )
        buttons.append(
            MenuItem(
                _("工作人员"),
                url=reverse(self.staff_url_name, args=[quote(instance.pk)]),
                icon_name="key",
                priority=50,
            )
        )
        if instance.policy_pk:
            policy_url = reverse(self.policy_edit_url_name, args=[instance.policy_pk])
        else:
            policy_url = f"{reverse(self.policy_add_url_name)}?federation={instance.pk}"
        buttons.append(MenuItem(_("政策参数"), url=policy_url, icon_name="sliders", priority=60))
        return buttons


def _staff_names(federation: Federation) -> str:
    return "、".join(
        user.get_full_name() or user.get_username()
        for user in permissions.prefetched_staff(federation)
    )


class FederationCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if parent := self.request.GET.get("parent"):
            initial["parent"] = parent
        return initial

    def save_instance(self):
        return services.add_federation(by=self.request.user, **self.form.service_kwargs())


class FederationEditView(ScopedEditView):
    staff_url_name = None

    def save_instance(self):
        return services.update_federation(
            by=self.request.user,
            federation=self.object,
            **changed_values(self.form, services.FEDERATION_FIELDS),
        )

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("工作人员"),
                url=reverse(self.staff_url_name, args=[quote(self.object.pk)]),
                icon_name="key",
                priority=40,
            )
        )
        return buttons


class FederationStaffView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """List a federation's staff; grant or revoke "管理本总工会" rights on it."""

    model = Federation
    permission_required = "change"
    template_name = "workforce/admin/federation_staff.html"
    page_title = _("工作人员")
    header_icon = "key"
    index_url_name = None
    edit_url_name = None
    staff_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            permissions.scoped(request.user, Federation), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return action_crumbs(self, self.object, self.page_title)

    def staff_url(self):
        return reverse(self.staff_url_name, args=[quote(self.object.pk)])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            staff=permissions.staff_of(self.object),
            form=kwargs.get("form") or GrantStaffForm(),
            action_url=self.staff_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            pk = request.POST["revoke"]
            if not pk.isdigit():
                raise Http404
            user = get_object_or_404(permissions.staff_of(self.object), pk=pk)
            services.revoke_staff(by=request.user, user=user, federation=self.object)
            messages.success(
                request,
                _("已撤销 %(user)s 管理“%(federation)s”的权限。")
                % {"user": user.get_username(), "federation": self.object},
            )
            return redirect(self.staff_url())
        form = GrantStaffForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        user = form.cleaned_data["username"]
        services.grant_staff(by=request.user, user=user, federation=self.object)
        messages.success(
            request,
            _("已授予 %(user)s 管理“%(federation)s”的权限。")
            % {"user": user.get_username(), "federation": self.object},
        )
        return redirect(self.staff_url())


class FederationViewSet(WorkforceViewSet):
    model = Federation
    name = FEDERATIONS
    url_prefix = "workforce/federations"
    icon = "site"
    menu_order = 100
    ordering = "path"
    list_per_page = 50
    index_view_class = FederationIndexView
    add_view_class = FederationCreateView
    edit_view_class = FederationEditView
    filterset_class = FederationFilterSet
    search_fields = ["name", "short_name", "code"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
            FieldRowPanel([FieldPanel("code"), FieldPanel("level")]),
        ],
        base_form_class=FederationForm,
    )
    create_handler = ObjectList(
        [
            FieldPanel("parent"),
            FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
            FieldRowPanel([FieldPanel("code"), FieldPanel("level")]),
        ],
        base_form_class=FederationCreateForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(staff_url_name=self.get_url_name("staff"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "staff/<int:pk>/",
                self.construct_view(FederationStaffView),
                name="staff",
            ),
        ]


# 基层工会 Unit ------------------------------------------------------------------------------


class UnitFilterSet(WagtailFilterSet):
    federation = federation_filter(_("所属总工会"), "federation__")

    class Meta:
        model = Unit
        fields = ["federation", "kind"]


class UnitIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("federation")
            .annotate(posted=Count("postings", filter=Q(postings__end__isnull=True)))
        )


class UnitCreateView(ScopedCreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.add_unit(
            by=self.request.user, **{name: data[name] for name in services.UNIT_FIELDS}
        )


class UnitEditView(ScopedEditView):
    def save_instance(self):
        return services.update_unit(
            by=self.request.user,
            unit=self.object,
            **changed_values(self.form, services.UNIT_FIELDS),
        )


class UnitDeleteView(ScopedDeleteView):
    """Delete a unit through the service, which keeps units that have postings."""

    template_name = "workforce/admin/unit_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posting_count"] = self.object.postings.count()
        context["edit_url"] = reverse(self.edit_url_name, args=[quote(self.object.pk)])
        return context

    def delete_action(self):
        services.delete_unit(by=self.request.user, unit=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except WorkforceError as error:
            messages.error(self.request, str(error))
            return redirect(self.edit_url_name, quote(self.object.pk))


class UnitViewSet(WorkforceViewSet):
    model = Unit
    name = UNITS
    url_prefix = "workforce/units"
    icon = "home"
    menu_order = 200
    index_view_class = UnitIndexView
    add_view_class = UnitCreateView
    edit_view_class = UnitEditView
    delete_view_class = UnitDeleteView
    filterset_class = UnitFilterSet
    search_fields = ["name", "address"]
    list_display = [
        "name",
        "kind",
        Column("federation", label=_("所属总工会"), accessor="federation.display_name"),
        "headcount",
        Column("posted", label=_("在岗工作者")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("federation"),
            FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
            FieldRowPanel([FieldPanel("headcount"), FieldPanel("address")]),
        ],
        base_form_class=UnitForm,
    )


# 社会化工会工作者 Worker ----------------------------------------------------------------------


def _open_posting(worker: Worker) -> Posting | None:
    """Return the open posting prefetched into ``open_postings`` by the worker views."""
    return worker.open_postings[0] if worker.open_postings else None


def _current_unit(worker: Worker) -> str:
    posting = _open_posting(worker)
    return posting.unit.name if posting else ""


def _with_open_posting(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    return workers.select_related("federation").prefetch_related(
        Prefetch(
            "postings",
            queryset=Posting.objects.open().select_related("unit"),
            to_attr="open_postings",
        )
    )


class WorkerFilterSet(WagtailFilterSet):
    federation = federation_filter(_("聘用单位（含下级）"), "federation__")

    class Meta:
        model = Worker
        fields = ["federation", "employment_mode", "status", "qualification"]


class WorkerActionsMixin:
    """The worker's own actions: 定岗 or 岗位交流, and 离职."""

    exchange_url_name = None
    departure_url_name = None
    posting_add_url_name = f"{POSTINGS}:add"

    def worker_actions(self, worker: Worker, item_class=MenuItem) -> list:
        if worker.status != Worker.Status.ACTIVE:
            return []
        if _open_posting(worker) is not None:
            post = item_class(
                _("岗位交流"),
                url=reverse(self.exchange_url_name, args=[quote(worker.pk)]),
                icon_name="resubmit",
                priority=40,
            )
        else:
            post = item_class(
                _("定岗"),
                url=f"{reverse(self.posting_add_url_name)}?worker={worker.pk}",
                icon_name="pick",
                priority=40,
            )
        leave = item_class(
            _("离职"),
            url=reverse(self.departure_url_name, args=[quote(worker.pk)]),
            icon_name="logout",
            priority=50,
        )
        return [post, leave]


class WorkerIndexView(WorkerActionsMixin, ScopedIndexView):
    def get_base_queryset(self):
        return _with_open_posting(super().get_base_queryset())

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *self.worker_actions(instance)]


class WorkerCreateView(ScopedCreateView):
    def save_instance(self):
        worker = services.register_worker(by=self.request.user, **self.form.register_kwargs())
        if unit := self.form.cleaned_data.get("unit"):
            services.post_worker(
                by=self.request.user,
                worker=worker,
                unit=unit,
                start=self.form.cleaned_data["hire_date"],
            )
        return worker


class WorkerEditView(WorkerActionsMixin, ScopedEditView):
    def get_queryset(self):
        return _with_open_posting(super().get_queryset())

    def save_instance(self):
        return services.update_worker(
            by=self.request.user,
            worker=self.object,
            **changed_values(self.form, services.WORKER_PROFILE_FIELDS),
        )

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *self.worker_actions(self.object, Button)]


class WorkerInspectView(WorkerActionsMixin, ScopedInspectView):
    template_name = "workforce/admin/worker_inspect.html"

    def get_queryset(self):
        return (
            _with_open_posting(super().get_queryset())
            .select_related("user")
            .prefetch_related(
                Prefetch(
                    "postings",
                    queryset=Posting.objects.select_related("unit").order_by("-start"),
                    to_attr="all_postings",
                )
            )
        )

    def get_gender_display_value(self):
        return self.object.get_gender_display()

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *self.worker_actions(self.object, Button)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["postings"] = self.object.all_postings
        return context


class WorkerFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A form about one worker the user manages, saved through a service."""

    model = Worker
    permission_required = "change"
    template_name = "workforce/admin/worker_action.html"
    header_icon = "user"
    index_url_name = None
    edit_url_name = None
    submit_button_label = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        queryset = _with_open_posting(permissions.scoped(request.user, Worker))
        self.object = get_object_or_404(queryset, pk=kwargs["pk"])
        self.current = _open_posting(self.object)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return action_crumbs(self, self.object, self.page_title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            current=self.current,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        try:
            message = self.save(form)
        except WorkforceError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.index_url_name)

    def form_invalid(self, form):
        messages.validation_error(self.request, _("请更正下面的错误。"), form)
        return super().form_invalid(form)


class WorkerExchangeView(WorkerFormView):
    """岗位交流: close the current posting and open one at another unit."""

    form_class = ExchangeForm
    page_title = _("岗位交流")
    header_icon = "resubmit"
    submit_button_label = _("办理岗位交流")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "current": self.current}

    def save(self, form):
        data = form.cleaned_data
        posting = services.exchange_worker(
            by=self.request.user,
            worker=self.object,
            unit=data["unit"],
            on=data["on"],
            kind=data["kind"],
        )
        return _("%(worker)s 已交流至 %(unit)s。") % {"worker": self.object, "unit": posting.unit}


class WorkerDepartureView(WorkerFormView):
    """离职: end the posting, keep the history, disable the login."""

    form_class = DepartureForm
    page_title = _("离职")
    header_icon = "logout"
    submit_button_label = _("办理离职")

    def save(self, form):
        services.record_departure(
            by=self.request.user,
            worker=self.object,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
        return _("已办理 %(worker)s 的离职。") % {"worker": self.object}


class WorkerViewSet(WorkforceViewSet):
    model = Worker
    name = WORKERS
    url_prefix = "workforce/workers"
    icon = "user"
    menu_order = 300
    index_view_class = WorkerIndexView
    add_view_class = WorkerCreateView
    edit_view_class = WorkerEditView
    inspect_view_class = WorkerInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "gender",
        "id_number",
        "mobile",
        "education",
        "qualification",
        "employment_mode",
        "contractor",
        "federation",
        "hire_date",
        "status",
        "left_on",
        "left_reason",
    ]
    filterset_class = WorkerFilterSet
    search_fields = ["name", "id_number", "mobile"]
    list_display = [
        "name",
        Column("masked_id_number", label=_("身份证号码")),
        Column("federation", label=_("聘用单位"), accessor="federation.display_name"),
        Column("current_unit", label=_("定岗单位"), accessor=_current_unit),
        Column("employment_mode", label=_("用工方式"), accessor="get_employment_mode_display"),
        StatusTagColumn(
            "status",
            label=_("状态"),
            accessor="get_status_display",
            primary=lambda worker: worker.status == Worker.Status.ACTIVE,
        ),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("gender")]),
                    FieldRowPanel([FieldPanel("mobile"), FieldPanel("education")]),
                    FieldPanel("qualification"),
                ],
                heading=_("基本信息"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("federation"),
                    FieldRowPanel([FieldPanel("employment_mode"), FieldPanel("contractor")]),
                    FieldPanel("hire_date"),
                ],
                heading=_("聘用"),
            ),
        ],
        base_form_class=WorkerForm,
    )
    create_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("gender")]),
                    FieldPanel("id_number"),
                    FieldRowPanel([FieldPanel("mobile"), FieldPanel("email")]),
                    FieldRowPanel([FieldPanel("education"), FieldPanel("qualification")]),
                ],
                heading=_("基本信息"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("federation"),
                    FieldRowPanel([FieldPanel("employment_mode"), FieldPanel("contractor")]),
                    FieldRowPanel([FieldPanel("hire_date"), FieldPanel("unit")]),
                ],
                heading=_("聘用与定岗"),
            ),
        ],
        base_form_class=WorkerCreateForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            exchange_url_name=self.get_url_name("exchange"),
            departure_url_name=self.get_url_name("departure"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("exchange/<int:pk>/", self.construct_view(WorkerExchangeView), name="exchange"),
            path("departure/<int:pk>/", self.construct_view(WorkerDepartureView), name="departure"),
        ]


# 定岗 Posting --------------------------------------------------------------------------------


class PostingFilterSet(WagtailFilterSet):
    federation = federation_filter(_("聘用单位（含下级）"), "worker__federation__")
    open = django_filters.BooleanFilter(label=_("在岗"), field_name="end", lookup_expr="isnull")

    class Meta:
        model = Posting
        fields = ["federation", "open", "kind"]


class PostingIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("worker", "unit", "unit__federation")

    def get_edit_url(self, instance):
        # Only an open posting can be ended; a closed one links to its details.
        if instance.end is None:
            return super().get_edit_url(instance)
        return None


class PostingCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if worker := self.request.GET.get("worker"):
            initial["worker"] = worker
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return services.post_worker(
            by=self.request.user,
            worker=data["worker"],
            unit=data["unit"],
            start=data["start"],
            kind=data["kind"],
        )


class PostingEndView(ScopedEditView):
    """End an open posting (结束定岗); a closed one is shown read-only instead."""

    page_title = _("结束定岗")
    submit_button_label = _("结束定岗")
    success_message = _("定岗“%(object)s”已结束。")

    def get_queryset(self):
        return super().get_queryset().select_related("worker", "unit")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.end is not None:
            return redirect(self.inspect_url_name, quote(self.object.pk))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.end is not None:
            return redirect(self.inspect_url_name, quote(self.object.pk))
        return super().post(request, *args, **kwargs)

    def save_instance(self):
        services.end_posting(
            by=self.request.user, worker=self.object.worker, on=self.form.cleaned_data["end"]
        )
        self.object.refresh_from_db()
        return self.object


class PostingInspectView(ScopedInspectView):
    def get_queryset(self):
        return super().get_queryset().select_related("worker", "unit")

    def get_edit_url(self):
        if self.object.end is None:
            return super().get_edit_url()
        return None


def _day(field: str):
    """Return an accessor showing a date field as 2025-06-01 (not "3 years ago")."""

    def accessor(instance):
        value = getattr(instance, field)
        return date_format(value, "Y-m-d") if value else ""

    return accessor


def _posting_state(posting: Posting) -> str:
    return _("在岗") if posting.end is None else _("已结束")


class PostingViewSet(WorkforceViewSet):
    model = Posting
    name = POSTINGS
    url_prefix = "workforce/postings"
    icon = "pick"
    menu_order = 400
    ordering = "-start"
    index_view_class = PostingIndexView
    add_view_class = PostingCreateView
    edit_view_class = PostingEndView
    inspect_view_class = PostingInspectView
    inspect_view_enabled = True
    inspect_view_fields = ["worker", "unit", "kind", "start", "end"]
    filterset_class = PostingFilterSet
    search_fields = ["worker__name", "unit__name"]
    list_display = [
        "worker",
        Column("unit", label=_("定岗单位"), accessor="unit.name"),
        "kind",
        Column("start", label=_("开始日期"), accessor=_day("start"), sort_key="start"),
        Column("end", label=_("结束日期"), accessor=_day("end"), sort_key="end"),
        StatusTagColumn(
            "state",
            label=_("状态"),
            accessor=_posting_state,
            primary=lambda posting: posting.end is None,
        ),
    ]
    edit_handler = ObjectList([FieldPanel("end")], base_form_class=EndPostingForm)
    create_handler = ObjectList(
        [
            FieldPanel("worker"),
            FieldPanel("unit"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("start")]),
        ],
        base_form_class=PostingCreateForm,
    )


# 政策参数 PolicyParameters ------------------------------------------------------------------


def _overrides(record: PolicyParameters) -> str:
    labels = []
    for name in POLICY_FIELDS:
        value = getattr(record, name)
        if value is not None:
            labels.append(f"{PolicyParameters._meta.get_field(name).verbose_name}：{value}")
    return "；".join(labels) or _("全部沿用上级")


class PolicyIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("federation")


def _policy_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in POLICY_FIELDS if name in form.fields}


class PolicyCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if federation := self.request.GET.get("federation"):
            initial["federation"] = federation
        return initial

    def save_instance(self):
        return services.set_policy(
            by=self.request.user,
            federation=self.form.cleaned_data["federation"],
            **_policy_values(self.form),
        )


class PolicyEditView(ScopedEditView):
    def save_instance(self):
        return services.set_policy(
            by=self.request.user, federation=self.object.federation, **_policy_values(self.form)
        )


_POLICY_PANELS = [
    MultiFieldPanel(
        [FieldRowPanel([FieldPanel("staffing_base"), FieldPanel("staffing_step")])],
        heading=_("人员配备（§三）"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("annual_training_hours"), FieldPanel("rotation_interval_months")]
            ),
            FieldRowPanel([FieldPanel("rotation_min_days"), FieldPanel("rotation_min_hours")]),
            FieldRowPanel([FieldPanel("onboarding_days"), FieldPanel("due_soon_days")]),
            FieldRowPanel(
                [
                    FieldPanel("completion_attendance_percent"),
                    FieldPanel("qualification_validity_years"),
                ]
            ),
        ],
        heading=_("教育培训（§四.三）"),
    ),
    MultiFieldPanel(
        [FieldRowPanel([FieldPanel("mentor_term_months"), FieldPanel("mentor_load_limit")])],
        heading=_("高师带徒（§四.三）"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("award_reserved_percent"), FieldPanel("notice_working_days")]
            ),
            FieldPanel("excellent_share_percent"),
        ],
        heading=_("评先评优与考核（§四.四、§四.五）"),
    ),
]


class PolicyParametersViewSet(WorkforceViewSet):
    model = PolicyParameters
    name = POLICIES
    url_prefix = "workforce/policies"
    icon = "sliders"
    menu_order = 500
    ordering = "federation__path"
    index_view_class = PolicyIndexView
    add_view_class = PolicyCreateView
    edit_view_class = PolicyEditView
    list_display = [
        "federation",
        Column("overrides", label=_("本级设定"), accessor=_overrides),
    ]
    edit_handler = ObjectList(_POLICY_PANELS, base_form_class=PolicyParametersForm)
    create_handler = ObjectList(
        [FieldPanel("federation"), *_POLICY_PANELS], base_form_class=PolicyParametersForm
    )


class WorkforceViewSetGroup(ViewSetGroup):
    """The 队伍管理 menu: federations, units, workers, postings and policy parameters."""

    menu_label = _("队伍管理")
    menu_icon = "group"
    menu_order = 150
    items = (
        FederationViewSet,
        UnitViewSet,
        WorkerViewSet,
        PostingViewSet,
        PolicyParametersViewSet,
    )
