"""社会化工会工作者 Worker: registration, profile, 岗位交流 and 离职."""

from django.contrib.admin.utils import quote
from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.widgets.button import Button

from lms.admin.views import (
    ActionFormView,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    action_crumbs,
    changed_values,
)

from .. import permissions, services
from ..admin_links import worker_links
from ..forms import DepartureForm, ExchangeForm, WorkerCreateForm, WorkerForm
from ..models import Posting, Worker, account_activated_q
from .base import POSTINGS, WORKERS, WorkforceViewSet, federation_filter


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


def _with_account_state(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Annotate ``activated``: the account has a usable password (set through activation)."""
    return workers.annotate(
        activated=Case(
            When(account_activated_q(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _account_state(worker: Worker) -> str:
    return _("已激活") if worker.activated else _("未激活")


def _other_apps_buttons(worker: Worker, item_class=MenuItem) -> list:
    """The buttons other apps register for a worker (workforce/admin_links.py)."""
    return [
        item_class(link.label, url=link.url, icon_name=link.icon, priority=60)
        for link in worker_links(worker)
    ]


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
        return _with_account_state(_with_open_posting(super().get_base_queryset()))

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            *self.worker_actions(instance),
            *_other_apps_buttons(instance),
        ]


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
        return [
            *super().header_more_buttons,
            *self.worker_actions(self.object, Button),
            *_other_apps_buttons(self.object, Button),
        ]


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
        return [
            *super().header_more_buttons,
            *self.worker_actions(self.object, Button),
            *_other_apps_buttons(self.object, Button),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["postings"] = self.object.all_postings
        return context


class WorkerFormView(ActionFormView):
    """A form about one worker the user manages, saved through a service."""

    model = Worker
    permission_required = "change"
    template_name = "workforce/admin/worker_action.html"
    header_icon = "user"
    index_url_name = None
    edit_url_name = None
    submit_button_label = ""

    def get_object(self):
        queryset = _with_open_posting(permissions.scoped(self.request.user, Worker))
        worker = get_object_or_404(queryset, pk=self.kwargs["pk"])
        self.current = _open_posting(worker)
        return worker

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

    def get_success_url(self):
        return reverse(self.index_url_name)

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
        "id_number",
        *services.WORKER_PROFILE_FIELDS,
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
        StatusTagColumn(
            "activated",
            label=_("账号"),
            accessor=_account_state,
            primary=lambda worker: worker.activated,
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
