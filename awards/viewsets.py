"""Staff screens for awards (评先评优). Registered in ``wagtail_hooks.py``.

Every screen reads through ``awards.permissions`` (another county's allocations and
nominations are a 404); every change goes through ``awards.services``. This module holds the
catalogue, campaigns (with constraints and allocations), nominations and honours;
``review_views`` adds the city's review queue, the notice, objections, approval and the quota
dashboard (its ``VIEWSETS`` join the menu group here).
"""

import django_filters
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
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
from wagtail.admin.widgets.button import Button

from lms.admin.views import (
    ActionFormView,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedMixin,
    changed_values,
)
from lms.admin.viewsets import ScopedModelViewSet
from workforce import permissions as workforce_permissions
from workforce.viewsets import federation_filter

from . import review_views, selectors, services
from .admin_forms import (
    AllocateForm,
    AllocationForm,
    AwardForm,
    CampaignCreateForm,
    CampaignForm,
    ConfirmForm,
    ConstraintsForm,
    HonourForm,
    NominationCreateForm,
    NominationForm,
    ReasonForm,
)
from .choices import EDITABLE, HOLDS_PLACE, Bound, Category, State
from .models import Allocation, Award, Campaign, Honour, Nomination, Objection
from .permissions import allocations_for, campaigns_for, nominations_for, runs

AWARDS = "awards_awards"
CAMPAIGNS = "awards_campaigns"
NOMINATIONS = "awards_nominations"
HONOURS = "awards_honours"

PERMISSION_POLICIES = {
    Award: workforce_permissions.staff_policy(Award, {"add", "change", "view"}),
    Campaign: workforce_permissions.staff_policy(Campaign, {"add", "change", "view"}),
    Nomination: workforce_permissions.staff_policy(Nomination, {"add", "change", "view"}),
    Objection: workforce_permissions.staff_policy(Objection, {"change", "view"}),
    Honour: workforce_permissions.staff_policy(Honour, {"add", "view"}),
}


scoped_campaigns = workforce_permissions.staff_only(campaigns_for)
scoped_allocations = workforce_permissions.staff_only(allocations_for)
scoped_nominations = workforce_permissions.staff_only(nominations_for)
scoped_awards = workforce_permissions.staff_only(lambda user: Award.objects.all())
scoped_honours = workforce_permissions.staff_only(
    lambda user: Honour.objects.filter(worker__in=workforce_permissions.workers_for(user))
)


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _url(namespace: str, name: str, obj=None) -> str:
    args = [] if obj is None else [getattr(obj, "pk", obj)]
    return reverse(f"{namespace}:{name}", args=args)


class ActionView(ScopedMixin, ActionFormView):
    """A form about one scoped object (others' are a 404), saved through a service."""

    permission_required = "change"
    template_name = "lms/admin/action.html"
    index_url_name = None
    namespace = ""
    submit_button_label = ""
    help_text = ""
    form_class = ConfirmForm

    def get_queryset(self):
        return self.scope(self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.get_success_url(), "label": str(self.object)},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            help_text=self.help_text,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            media=context["form"].media,
        )
        return context

    def get_success_url(self):
        return _url(self.namespace, "inspect", self.object)


# 荣誉 Award -----------------------------------------------------------------------------------


class AwardIndexView(ScopedIndexView):
    @cached_property
    def columns(self):
        return [
            Column("name", label=_("荣誉名称")),
            Column("level", label=_("级别"), accessor="get_level_display", sort_key="level"),
            Column("description", label=_("说明")),
        ]


class AwardCreateView(ScopedCreateView):
    def get_success_buttons(self):
        return []  # no edit screen to offer

    def save_instance(self):
        return services.create_award(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已把 %(award)s 加入荣誉目录。") % {"award": instance}


class AwardViewSet(ScopedModelViewSet):
    model = Award
    name = AWARDS
    url_prefix = "awards/awards"
    icon = "pick"
    menu_label = gettext_lazy("荣誉目录")
    menu_order = 100
    permission_policy = PERMISSION_POLICIES[Award]
    index_view_class = AwardIndexView
    add_view_class = AwardCreateView
    create_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("level"), FieldPanel("description")],
        base_form_class=AwardForm,
    )
    edit_handler = create_handler  # unused (no edit screen), but Wagtail builds a form class
    search_fields = ["name"]
    list_filter = ["level"]
    list_per_page = 50

    def scope(self, user):
        return scoped_awards(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, inspect_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        # The catalogue only grows: an award may be named by campaigns and honours.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
        ]


# 评选活动 Campaign ------------------------------------------------------------------------------


def with_held(allocations):
    """Annotate each allocation with the places its nominations hold (one query)."""
    return allocations.annotate(
        held=Count("nominations", filter=Q(nominations__state__in=HOLDS_PLACE))
    )


class CampaignIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("award", "federation")
            .annotate(allocated=_allocated_places())
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "award",
                label=_("评选活动"),
                accessor=str,
                get_url=lambda c: _url(CAMPAIGNS, "inspect", c),
            ),
            Column("federation", label=_("组织单位"), accessor="federation.display_name"),
            Column(
                "places",
                label=_("名额总数 / 预留"),
                accessor=lambda c: f"{c.total_places} / {c.reserved_places}",
            ),
            Column(
                "allocated",
                label=_("已分配 / 剩余"),
                accessor=lambda c: f"{c.allocated} / {c.reserved_places - c.allocated}",
            ),
            Column(
                "window",
                label=_("推荐时间"),
                accessor=lambda c: f"{_date(c.nominate_from)} — {_date(c.nominate_until)}",
                sort_key="nominate_from",
            ),
            Column(
                "notice",
                label=_("公示"),
                accessor=lambda c: (
                    f"{_date(c.notice_starts_on)} — {_date(c.notice_ends_on)}"
                    if c.notice_starts_on
                    else "—"
                ),
            ),
        ]


def _allocated_places():
    """The places a campaign has allocated, as a subquery (the list stays one query)."""
    total = (
        Allocation.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return Coalesce(Subquery(total), 0)


class CampaignCreateView(ScopedCreateView):
    def save_instance(self):
        return services.create_campaign(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已开始 %(campaign)s，预留名额 %(places)d 个。") % {
            "campaign": instance,
            "places": instance.reserved_places,
        }

    def get_success_url(self):
        return _url(CAMPAIGNS, "inspect", self.object)


class CampaignEditView(ScopedEditView):
    def save_instance(self):
        return services.update_campaign(
            by=self.request.user,
            campaign=self.object,
            **changed_values(self.form, services.CAMPAIGN_FIELDS),
        )

    def get_success_url(self):
        return _url(CAMPAIGNS, "inspect", self.object)


def campaign_actions(campaign: Campaign, user) -> list[Button]:
    """The buttons of a campaign's page: those of its federation's staff only."""
    if not runs(user, campaign):
        return []
    return [
        Button(_("修改"), url=_url(CAMPAIGNS, "edit", campaign), icon_name="edit", priority=10),
        Button(
            _("比例要求"), url=_url(CAMPAIGNS, "constraints", campaign), icon_name="list-ul",
            priority=20,
        ),
        Button(_("分配名额"), url=_url(CAMPAIGNS, "allocate", campaign), icon_name="plus",
               priority=30),
    ]  # fmt: skip


def constraint_label(check) -> str:
    """Return a constraint as staff read it: 一线职工不低于 60%."""
    return f"{Category(check.category).label}{Bound(check.bound).label} {check.percent}%"


class CampaignInspectView(ScopedInspectView):
    """A campaign: its terms, constraints checked on the current list, allocations."""

    template_name = "awards/admin/campaign_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.get_queryset().select_related("award", "federation"), pk=self.pk
        )

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return campaign_actions(self.object, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        running = runs(user, campaign)
        allocations = list(
            with_held(
                scoped_allocations(user).filter(campaign=campaign).select_related("federation")
            ).order_by("federation__path", "label")
        )
        for allocation in allocations:
            allocation.left = allocation.places - allocation.held
        allocated = sum(a.places for a in allocations) if running else None
        context.update(
            campaign=campaign,
            running=running,
            allocations=allocations,
            allocated=allocated,
            left=None if allocated is None else campaign.reserved_places - allocated,
            checks=[(constraint_label(c), c) for c in selectors.constraint_checks(campaign)],
            actions=self.header_more_buttons,
            nominations_url=f"{_url(NOMINATIONS, 'index')}?campaign={campaign.pk}",
            add_nomination_url=_url(NOMINATIONS, "add"),
            history_url=_url(CAMPAIGNS, "history", campaign),
        )
        return context


class CampaignActionView(ActionView):
    model = Campaign
    permission_policy = PERMISSION_POLICIES[Campaign]
    header_icon = "trophy"
    namespace = CAMPAIGNS

    def get_queryset(self):
        return super().get_queryset().select_related("award", "federation")


class ConstraintsView(CampaignActionView):
    """比例要求: the category shares the whole list must meet."""

    form_class = ConstraintsForm
    template_name = "awards/admin/constraints.html"
    page_title = gettext_lazy("比例要求")
    submit_button_label = gettext_lazy("保存比例要求")
    help_text = gettext_lazy(
        "如：一线职工不低于 60%，单位负责人不高于 15%，女性不低于 20%。留空为不要求。"
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.object}

    def save(self, form) -> str:
        services.set_constraints(by=self.request.user, campaign=self.object, rows=form.rows())
        return _("已保存 %(campaign)s 的比例要求。") % {"campaign": self.object}


class AllocateView(CampaignActionView):
    """分配名额: give reserved places to a county-level federation."""

    form_class = AllocateForm
    page_title = gettext_lazy("分配名额")
    submit_button_label = gettext_lazy("分配")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.object, "user": self.request.user}

    @property
    def help_text(self) -> str:
        allocated = sum(self.object.allocations.values_list("places", flat=True))
        return _("预留名额 %(reserved)d 个，已分配 %(allocated)d 个，剩余 %(left)d 个。") % {
            "reserved": self.object.reserved_places,
            "allocated": allocated,
            "left": self.object.reserved_places - allocated,
        }

    def save(self, form) -> str:
        allocation = services.allocate(
            by=self.request.user, campaign=self.object, **form.cleaned_data
        )
        return _("已分配给 %(allocation)s。") % {"allocation": allocation}


class AllocationView(CampaignActionView):
    """修改名额: change an allocation's places (0 removes it)."""

    model = Allocation
    form_class = AllocationForm
    page_title = gettext_lazy("修改名额")
    submit_button_label = gettext_lazy("保存")

    def get_queryset(self):
        return scoped_allocations(self.request.user).select_related(
            "federation", "campaign__award", "campaign__federation"
        )

    def get_breadcrumbs_items(self):
        campaign = self.object.campaign
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Campaign._meta.verbose_name_plural},
            {"url": self.get_success_url(), "label": str(campaign)},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    def get_initial(self):
        return {"places": self.object.places}

    def get_success_url(self):
        return _url(CAMPAIGNS, "inspect", self.object.campaign_id)

    def save(self, form) -> str:
        places = form.cleaned_data["places"]
        services.change_allocation(by=self.request.user, allocation=self.object, places=places)
        if places == 0:
            return _("已删除该名额分配。")
        return _("已改为 %(places)d 个名额。") % {"places": places}


class CampaignViewSet(ScopedModelViewSet):
    model = Campaign
    name = CAMPAIGNS
    url_prefix = "awards/campaigns"
    icon = "trophy"
    menu_label = gettext_lazy("评选活动")
    menu_order = 200
    permission_policy = PERMISSION_POLICIES[Campaign]
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    inspect_view_class = CampaignInspectView
    inspect_view_enabled = True
    list_filter = ["year"]
    search_fields = ["award__name"]
    list_per_page = 50
    _window = [
        FieldRowPanel([FieldPanel("nominate_from"), FieldPanel("nominate_until")]),
        FieldRowPanel([FieldPanel("total_places"), FieldPanel("review_rounds")]),
    ]
    edit_handler = ObjectList(_window, base_form_class=CampaignForm)
    create_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("award"),
                    FieldRowPanel([FieldPanel("year"), FieldPanel("federation")]),
                ],
                heading=gettext_lazy("评选"),
            ),
            MultiFieldPanel(_window, heading=gettext_lazy("名额与时间")),
        ],
        base_form_class=CampaignCreateForm,
    )

    def scope(self, user):
        return scoped_campaigns(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept] + [
            path("constraints/<int:pk>/", self.construct_view(ConstraintsView), name="constraints"),
            path("allocate/<int:pk>/", self.construct_view(AllocateView), name="allocate"),
            path("allocation/<int:pk>/", self.construct_view(AllocationView), name="allocation"),
        ]


# 推荐 Nomination ------------------------------------------------------------------------------


class NominationFilterSet(WagtailFilterSet):
    federation = federation_filter(gettext_lazy("推荐单位（含下级）"), "allocation__federation__")
    campaign = django_filters.ModelChoiceFilter(
        label=gettext_lazy("评选活动"),
        queryset=lambda request: scoped_campaigns(request.user).select_related("award"),
    )

    class Meta:
        model = Nomination
        fields = ["state", "campaign", "federation"]


def nomination_actions(nomination: Nomination, *, button_class=Button) -> list:
    items = []
    if nomination.state in EDITABLE:
        items.append(button_class(_("修改"), url=_url(NOMINATIONS, "edit", nomination),
                                  icon_name="edit", priority=10))  # fmt: skip
        items.append(button_class(_("提交推荐"), url=_url(NOMINATIONS, "submit", nomination),
                                  icon_name="success", priority=20))  # fmt: skip
    if nomination.state in HOLDS_PLACE and nomination.state != State.APPROVED:
        items.append(button_class(_("撤回推荐"), url=_url(NOMINATIONS, "withdraw", nomination),
                                  icon_name="cross", priority=40))  # fmt: skip
    return items


class NominationIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("worker", "campaign__award", "allocation__federation")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "worker",
                label=_("被推荐人"),
                accessor="worker.name",
                get_url=lambda n: _url(NOMINATIONS, "inspect", n),
                sort_key="worker__name",
            ),
            Column("campaign", label=_("评选活动"), accessor=lambda n: str(n.campaign)),
            Column(
                "federation",
                label=_("推荐单位"),
                accessor=lambda n: n.allocation.federation.display_name,
            ),
            Column(
                "categories", label=_("类别"), accessor=lambda n: "、".join(n.category_labels())
            ),
            StatusTagColumn(
                "state",
                label=_("状态"),
                accessor="get_state_display",
                primary=lambda n: n.state in HOLDS_PLACE,
                sort_key="state",
            ),
            Column("submitted_at", label=_("推荐时间"), accessor=lambda n: _date(n.submitted_at)),
        ]

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *nomination_actions(instance)]


class NominationCreateView(ScopedCreateView):
    def save_instance(self):
        return services.nominate(
            by=self.request.user, today=timezone.localdate(), **self.form.service_kwargs()
        )

    def get_success_message(self, instance):
        return _("已推荐 %(name)s（草稿，占用一个名额），核对后请提交。") % {
            "name": instance.worker.name
        }

    def get_success_url(self):
        return _url(NOMINATIONS, "inspect", self.object)


class NominationEditView(ScopedEditView):
    def dispatch(self, request, *args, **kwargs):
        nomination = self.get_object()  # another county's: a 404
        if nomination.state not in EDITABLE:
            messages.error(request, _("推荐已提交，不能修改。"))
            return redirect(_url(NOMINATIONS, "inspect", nomination))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        values = changed_values(self.form, services.NOMINATION_FIELDS)
        if "deeds_file" in values and not values["deeds_file"]:
            values.pop("deeds_file")  # no new file: keep the one on record
        return services.update_nomination(by=self.request.user, nomination=self.object, **values)

    def get_success_url(self):
        return _url(NOMINATIONS, "inspect", self.object)


class NominationInspectView(ScopedInspectView):
    """A nomination: the worker, eligibility with reasons, deeds, review rounds, actions."""

    template_name = "awards/admin/nomination_inspect.html"

    def get_object(self, queryset=None):
        nominations = self.get_queryset().select_related(
            "worker__federation", "campaign__award", "allocation__federation", "nominated_by"
        )
        return get_object_or_404(nominations, pk=self.pk)

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return nomination_actions(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nomination = self.object
        reasons = None
        if nomination.state in EDITABLE:
            reasons = services.ineligibility(
                nomination.worker,
                nomination.campaign,
                today=timezone.localdate(),
                exclude=nomination.pk,
            )
        context.update(
            nomination=nomination,
            reasons=reasons,
            reviews=list(nomination.reviews.select_related("reviewer")),
            download_url=(
                _url(NOMINATIONS, "download", nomination) if nomination.deeds_file else ""
            ),
            actions=self.header_more_buttons,
            history_url=_url(NOMINATIONS, "history", nomination),
        )
        return context


class NominationActionView(ActionView):
    model = Nomination
    permission_policy = PERMISSION_POLICIES[Nomination]
    header_icon = "user"
    namespace = NOMINATIONS
    states = tuple(HOLDS_PLACE)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(state__in=self.states)
            .select_related("worker", "campaign__award", "allocation__federation")
        )


class SubmitView(NominationActionView):
    """提交推荐: the county submits a draft or returned nomination to the city."""

    page_title = gettext_lazy("提交推荐")
    submit_button_label = gettext_lazy("确认提交")
    help_text = gettext_lazy("提交时再次审查推荐资格；提交后不能修改，除非被退回。")
    states = EDITABLE

    def save(self, form) -> str:
        services.submit(by=self.request.user, nomination=self.object, today=timezone.localdate())
        return _("已提交 %(name)s 的推荐。") % {"name": self.object.worker.name}


class WithdrawView(NominationActionView):
    """撤回推荐: the nomination ends and its place is freed."""

    form_class = ReasonForm
    page_title = gettext_lazy("撤回推荐")
    submit_button_label = gettext_lazy("确认撤回")
    help_text = gettext_lazy("撤回后名额释放，可另行推荐。")
    states = tuple(s for s in HOLDS_PLACE if s != State.APPROVED)

    def save(self, form) -> str:
        services.withdraw(
            by=self.request.user, nomination=self.object, reason=form.cleaned_data["reason"]
        )
        return _("已撤回 %(name)s 的推荐。") % {"name": self.object.worker.name}


class DeedsDownloadView(ScopedMixin, PermissionCheckedMixin, View):
    """The deeds attachment of a nomination the user may see; never a public media link."""

    model = Nomination
    permission_policy = PERMISSION_POLICIES[Nomination]
    permission_required = "view"

    def get(self, request, pk):
        nomination = get_object_or_404(self.scoped_queryset().select_related("worker"), pk=pk)
        if not nomination.deeds_file:
            raise Http404
        suffix = nomination.deeds_file.name.rsplit(".", 1)[-1]
        filename = _("%(name)s-事迹材料.%(suffix)s") % {
            "name": nomination.worker.name,
            "suffix": suffix,
        }
        return FileResponse(nomination.deeds_file.open("rb"), as_attachment=True, filename=filename)


class NominationViewSet(ScopedModelViewSet):
    model = Nomination
    name = NOMINATIONS
    url_prefix = "awards/nominations"
    icon = "user"
    menu_label = gettext_lazy("推荐人选")
    menu_order = 300
    permission_policy = PERMISSION_POLICIES[Nomination]
    index_view_class = NominationIndexView
    add_view_class = NominationCreateView
    edit_view_class = NominationEditView
    inspect_view_class = NominationInspectView
    inspect_view_enabled = True
    filterset_class = NominationFilterSet
    search_fields = ["worker__name"]
    list_per_page = 50
    _deeds = [
        FieldPanel("categories"),
        FieldPanel("deeds"),
        FieldPanel("summary"),
        FieldPanel("deeds_file"),
        FieldPanel("unit_opinion"),
    ]
    edit_handler = ObjectList(_deeds, base_form_class=NominationForm)
    create_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("allocation"), FieldPanel("worker")], heading=gettext_lazy("名额与人选")
            ),
            MultiFieldPanel(_deeds, heading=gettext_lazy("推荐材料")),
        ],
        base_form_class=NominationCreateForm,
    )

    def scope(self, user):
        return scoped_nominations(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "inspect", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept] + [
            path("submit/<int:pk>/", self.construct_view(SubmitView), name="submit"),
            path("withdraw/<int:pk>/", self.construct_view(WithdrawView), name="withdraw"),
            path(
                "download/<int:pk>/",
                self.construct_view(DeedsDownloadView, scope=self.scope),
                name="download",
            ),
        ]


# 获奖记录 Honour ------------------------------------------------------------------------------


class HonourIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("worker__federation", "award")

    @cached_property
    def columns(self):
        return [
            Column("worker", label=_("获奖人"), accessor="worker.name", sort_key="worker__name"),
            Column("federation", label=_("所属总工会"), accessor="worker.federation.display_name"),
            Column("award", label=_("荣誉"), accessor=lambda h: str(h.award)),
            Column("year", label=_("年度")),
            Column(
                "source",
                label=_("来源"),
                accessor=lambda h: _("本系统评选") if h.nomination_id else _("补录"),
            ),
        ]


class HonourCreateView(ScopedCreateView):
    def get_success_buttons(self):
        return []  # no edit screen to offer

    def save_instance(self):
        return services.record_honour(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已登记 %(name)s 的获奖记录：%(honour)s。") % {
            "name": instance.worker.name,
            "honour": instance,
        }


class HonourViewSet(ScopedModelViewSet):
    model = Honour
    name = HONOURS
    url_prefix = "awards/honours"
    icon = "pick"
    menu_label = gettext_lazy("获奖记录")
    menu_order = 400
    permission_policy = PERMISSION_POLICIES[Honour]
    index_view_class = HonourIndexView
    add_view_class = HonourCreateView
    create_handler = ObjectList(
        [FieldPanel("worker"), FieldRowPanel([FieldPanel("award"), FieldPanel("year")])],
        base_form_class=HonourForm,
    )
    edit_handler = create_handler  # unused (no edit screen), but Wagtail builds a form class
    search_fields = ["worker__name"]
    list_filter = ["award", "year"]
    list_per_page = 50

    def scope(self, user):
        return scoped_honours(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, inspect_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        # Honours are records: added, never edited here (approval adds them too).
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
        ]


class AwardsViewSetGroup(ViewSetGroup):
    """The 评先评优 menu."""

    menu_label = gettext_lazy("评先评优")
    menu_icon = "pick"
    menu_order = 470
    items = (AwardViewSet, CampaignViewSet, NominationViewSet, HonourViewSet,
             *review_views.VIEWSETS)  # fmt: skip


__all__ = ["AWARDS", "CAMPAIGNS", "HONOURS", "NOMINATIONS", "PERMISSION_POLICIES",
           "AwardsViewSetGroup"]  # fmt: skip
