"""Staff screens for mentoring (导师带徒): mentors, pairings, match suggestions, dashboard.

Every screen reads through ``mentorship.permissions`` (the mentors and pairings of the
federations the user manages), so another county's mentor or pairing is a 404; every change
goes through ``mentorship.services``. Registered in ``mentorship/wagtail_hooks.py``.
"""

import django_filters
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets.button import Button

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
from lms.admin.viewsets import ScopedModelViewSet
from workforce import permissions as workforce_permissions
from workforce.models import Worker
from workforce.viewsets import StaffMenuItem, federation_filter

from . import dashboard_views, selectors, services
from .admin_forms import (
    ApprenticeSearchForm,
    ConfirmForm,
    ExtensionAnswerForm,
    MentorCreateForm,
    MentorForm,
    ProposeForm,
    ReasonForm,
    apprentice_choices,
)
from .choices import Expertise, Kind
from .models import Extension, Mentor, Pairing, Review
from .permissions import mentors_for, supervised_pairings

MENTORS = "mentorship_mentors"
PAIRINGS = "mentorship_pairings"
MATCH = "mentorship_match"
DASHBOARD = "mentorship_dashboard"
APPRENTICES_SHOWN = 50

PERMISSION_POLICIES = {
    # Federation staff (and superusers) register, edit and view mentors and pairings; nobody
    # deletes them (a mentor is paused, a pairing dissolved).
    Mentor: workforce_permissions.staff_policy(Mentor, {"add", "change", "view"}),
    Pairing: workforce_permissions.staff_policy(Pairing, {"add", "change", "view"}),
}


scoped_mentors = workforce_permissions.staff_only(mentors_for)
scoped_pairings = workforce_permissions.staff_only(supervised_pairings)


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


class DecoratedPageMixin:
    """Paginate like Wagtail's index views, then ``decorate`` the page's rows in one go."""

    def decorate(self, rows: list) -> list:
        return rows

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, more = super().paginate_queryset(queryset, page_size)
        page.object_list = self.decorate(list(rows))
        return paginator, page, page.object_list, more


# 导师 Mentor -----------------------------------------------------------------------------------


class MentorFilterSet(WagtailFilterSet):
    federation = federation_filter(gettext_lazy("所属总工会（含下级）"), "federation__")
    expertise = django_filters.ChoiceFilter(
        label=gettext_lazy("专长"), choices=Expertise.choices, method="filter_expertise"
    )

    class Meta:
        model = Mentor
        fields = ["federation", "expertise", "active"]

    def filter_expertise(self, queryset, name, value):
        # The tags are a JSON list: match the quoted tag (SQLite has no JSON "contains").
        return queryset.filter(expertise__icontains=f'"{value}"') if value else queryset


def _load(mentor: Mentor) -> str:
    return f"{mentor.active_load}/{mentor.limit}"


class MentorIndexView(DecoratedPageMixin, ScopedIndexView):
    def get_base_queryset(self):
        return selectors.with_load(super().get_base_queryset().select_related("federation"))

    def decorate(self, rows):
        return selectors.with_limits(rows)

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name", label=_("姓名"), sort_key="name", get_url=self.get_edit_url
            ),
            Column("title", label=_("职务")),
            Column("federation", label=_("所属总工会"), accessor="federation.display_name"),
            Column(
                "expertise", label=_("专长"), accessor=lambda m: "、".join(m.expertise_labels())
            ),
            Column("load", label=_("徒弟 / 上限"), accessor=_load),
            StatusTagColumn(
                "active",
                label=_("状态"),
                accessor=lambda m: _("接收新徒弟") if m.active else _("暂停"),
                primary=lambda m: m.active,
            ),
        ]


class MentorCreateView(ScopedCreateView):
    def save_instance(self):
        return services.register_mentor(by=self.request.user, **self.form.service_kwargs())

    def get_success_message(self, instance):
        return _("已登记导师 %(name)s。") % {"name": instance.name}


class MentorEditView(ScopedEditView):
    def save_instance(self):
        return services.update_mentor(
            by=self.request.user,
            mentor=self.object,
            **changed_values(self.form, services.MENTOR_FIELDS),
        )


_PROFILE_PANELS = [
    FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
    FieldPanel("expertise"),
    FieldPanel("bio"),
    FieldRowPanel([FieldPanel("experience_since"), FieldPanel("load_limit")]),
]


class MentorViewSet(ScopedModelViewSet):
    model = Mentor
    name = MENTORS
    url_prefix = "mentorship/mentors"
    icon = "user"
    menu_label = gettext_lazy("导师")
    menu_order = 100
    permission_policy = PERMISSION_POLICIES[Mentor]
    index_view_class = MentorIndexView
    add_view_class = MentorCreateView
    edit_view_class = MentorEditView
    filterset_class = MentorFilterSet
    search_fields = ["name", "title"]
    list_per_page = 50
    edit_handler = ObjectList([*_PROFILE_PANELS, FieldPanel("active")], base_form_class=MentorForm)
    create_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("federation"),
                    FieldRowPanel([FieldPanel("worker"), FieldPanel("username")]),
                ],
                heading=gettext_lazy("登记来源"),
            ),
            MultiFieldPanel(_PROFILE_PANELS, heading=gettext_lazy("导师信息")),
        ],
        base_form_class=MentorCreateForm,
    )

    def scope(self, user):
        return scoped_mentors(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in kept]


# 师徒结对 Pairing ------------------------------------------------------------------------------

OVERDUE_CHOICES = [
    ("checkin", gettext_lazy("见面逾期")),
    ("past_end", gettext_lazy("超过结束日期")),
    ("any", gettext_lazy("任一逾期")),
]


class PairingFilterSet(WagtailFilterSet):
    federation = federation_filter(gettext_lazy("总工会（含下级）"), "federation__")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("方式"), choices=Kind.choices)
    overdue = django_filters.ChoiceFilter(
        label=gettext_lazy("逾期"), choices=OVERDUE_CHOICES, method="filter_overdue"
    )

    class Meta:
        model = Pairing
        fields = ["status", "kind", "overdue", "federation"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        paths = workforce_permissions.managed_paths(self.request.user)
        q = Q(pk__in=[])
        if value in ("checkin", "any"):
            q |= selectors.checkin_overdue_q(paths, today=today)
        if value in ("past_end", "any"):
            q |= selectors.past_end_q(today=today)
        return queryset.filter(q)


def pairing_url(name: str, pairing) -> str:
    return reverse(f"{PAIRINGS}:{name}", args=[getattr(pairing, "pk", pairing)])


def _term(pairing: Pairing) -> str:
    return f"{pairing.start_date:%Y-%m-%d} — {pairing.end_date:%Y-%m-%d}"


def _flags(pairing: Pairing) -> str:
    flags = []
    if pairing.checkin_overdue:
        flags.append(_("见面逾期"))
    if pairing.past_end:
        flags.append(_("超过结束日期"))
    return "、".join(flags)


def pairing_actions(pairing: Pairing, *, extension: bool, item_class=MenuItem) -> list:
    """The staff's actions on a pairing, as list-row menu items or header buttons."""
    items = []
    if pairing.status == Pairing.Status.ACTIVE:
        items.append(
            item_class(
                _("完成结对"),
                url=pairing_url("complete", pairing),
                icon_name="success",
                priority=20,
            )
        )
    if pairing.status == Pairing.Status.COMPLETED and pairing.kind == Kind.APPRENTICE:
        items.append(
            item_class(
                _("颁发导师带徒证书"),
                url=pairing_url("certify", pairing),
                icon_name="doc-full",
                priority=25,
            )
        )
    if extension:
        items.append(
            item_class(
                _("答复延期申请"),
                url=pairing_url("extension", pairing),
                icon_name="time",
                priority=30,
            )
        )
    if pairing.is_open:
        items.append(
            item_class(
                _("解除结对"), url=pairing_url("dissolve", pairing), icon_name="cross", priority=40
            )
        )
    return items


class PairingIndexView(DecoratedPageMixin, ScopedIndexView):
    def get_base_queryset(self):
        pairings = super().get_base_queryset().select_related("mentor", "apprentice", "federation")
        return selectors.with_activity(pairings)

    def decorate(self, rows):
        return selectors.with_health(rows, today=timezone.localdate())

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "mentor",
                label=_("导师"),
                accessor="mentor.name",
                get_url=lambda p: pairing_url("inspect", p),
            ),
            Column("apprentice", label=_("徒弟"), accessor="apprentice.name"),
            Column("kind", label=_("方式"), accessor="get_kind_display"),
            Column("term", label=_("期限"), accessor=_term, sort_key="start_date"),
            StatusTagColumn(
                "status",
                label=_("状态"),
                accessor="get_status_display",
                primary=lambda p: p.status == Pairing.Status.ACTIVE,
                sort_key="status",
            ),
            Column(
                "last_confirmed",
                label=_("最近确认见面"),
                accessor=lambda p: _date(p.last_confirmed),
            ),
            Column("flags", label=_("提醒"), accessor=_flags),
        ]

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            *pairing_actions(instance, extension=False),
        ]


class PairingInspectView(ScopedInspectView):
    template_name = "mentorship/admin/pairing_inspect.html"

    def get_object(self, queryset=None):
        pairings = selectors.with_activity(
            self.get_queryset().select_related(
                "mentor", "apprentice", "federation", "proposed_by", "signed_off_by"
            )
        )
        pairing = get_object_or_404(pairings, pk=self.pk)
        return selectors.with_health([pairing], today=timezone.localdate())[0]

    def get_fields(self):
        return []

    @cached_property
    def detail(self) -> dict:
        return selectors.pairing_detail(self.object)

    @cached_property
    def header_more_buttons(self):
        return pairing_actions(
            self.object, extension=self.detail["extension"] is not None, item_class=Button
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.detail["reviews"]
        context.update(
            pairing=self.object,
            flags=_flags(self.object),
            goals=self.detail["goals"],
            logs=self.detail["logs"],
            extension=self.detail["extension"],
            reviews=[
                (stage_label, side_label, reviews.get((stage, side)))
                for stage, stage_label in Review.Stage.choices
                for side, side_label in Review.Side.choices
            ],
            actions=self.header_more_buttons,
            history_url=pairing_url("history", self.object),
        )
        return context


class ProposeView(ScopedMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """安排结对: find the apprentice, then choose a mentor with a free place, kind and term."""

    model = Pairing
    permission_policy = PERMISSION_POLICIES[Pairing]
    permission_required = "add"
    form_class = ProposeForm
    template_name = "mentorship/admin/pairing_propose.html"
    page_title = gettext_lazy("安排结对")
    header_icon = "group"
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.apprentice = None
        pk = request.POST.get("apprentice") or request.GET.get("apprentice")
        if pk:
            if not str(pk).isdigit():
                raise Http404
            workers = workforce_permissions.workers_for(request.user).select_related("federation")
            self.apprentice = get_object_or_404(workers, pk=pk)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Pairing._meta.verbose_name_plural},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "apprentice": self.apprentice,
        }

    def get_initial(self):
        initial = {"start": timezone.localdate()}
        mentor = self.request.GET.get("mentor", "")
        if mentor.isdigit():
            initial["mentor"] = int(mentor)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search = ApprenticeSearchForm(self.request.GET or None)
        text = search.cleaned_data["q"] if search.is_valid() else ""
        candidates, more = ([], False)
        if self.apprentice is None and text:
            candidates, more = apprentice_choices(self.request.user, text, limit=APPRENTICES_SHOWN)
        context.update(
            apprentice=self.apprentice,
            search=search,
            query=text,
            candidates=candidates,
            more_candidates=more,
            match_url=reverse(f"{MATCH}:index"),
            action_url=self.request.get_full_path(),
            submit_button_label=_("安排结对"),
            submit_button_active_label=_("安排结对"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        done = call_service(
            self.request, services.propose_pairing, form=form, **form.service_kwargs()
        )
        if not done:
            return self.form_invalid(form)
        pairing = done.result
        messages.success(
            self.request,
            _("已安排 %(mentor)s 与 %(apprentice)s 结对，等待导师确认。")
            % {"mentor": pairing.mentor.name, "apprentice": pairing.apprentice.name},
        )
        return redirect(pairing_url("inspect", pairing))

    def form_invalid(self, form):
        messages.validation_error(self.request, _("请更正下面的错误。"), form)
        return super().form_invalid(form)


class PairingActionView(ScopedMixin, ActionFormView):
    """A form about one pairing the user supervises (others' are a 404), saved by a service."""

    model = Pairing
    permission_policy = PERMISSION_POLICIES[Pairing]
    permission_required = "change"
    template_name = "mentorship/admin/pairing_action.html"
    header_icon = "group"
    index_url_name = None
    submit_button_label = ""
    statuses = (Pairing.Status.PROPOSED, Pairing.Status.ACTIVE)
    help_text = ""

    def get_object(self):
        pairings = self.scope(self.request.user).select_related("mentor", "apprentice")
        return get_object_or_404(pairings, pk=self.kwargs["pk"], status__in=self.statuses)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Pairing._meta.verbose_name_plural},
            {"url": pairing_url("inspect", self.object), "label": str(self.object)},
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
        return pairing_url("inspect", self.object)


class CompleteView(PairingActionView):
    """完成结对: the staff's sign-off, once both final reviews are in."""

    form_class = ConfirmForm
    page_title = gettext_lazy("完成结对")
    submit_button_label = gettext_lazy("确认完成")
    statuses = (Pairing.Status.ACTIVE,)
    help_text = gettext_lazy("完成须双方都已提交结业评价；完成后计划中的带教自动取消。")

    def save(self, form) -> str:
        services.complete_pairing(by=self.request.user, pairing=self.object)
        return _("%(pairing)s 已完成。") % {"pairing": self.object}


class CertifyView(PairingActionView):
    """颁发导师带徒证书: the certificate of a completed 高师带徒 pairing (once per pairing)."""

    form_class = ConfirmForm
    page_title = gettext_lazy("颁发导师带徒证书")
    submit_button_label = gettext_lazy("确认颁发")
    statuses = (Pairing.Status.COMPLETED,)
    help_text = gettext_lazy("证书由本结对所属总工会颁发，已颁发的不会重复颁发。")

    def save(self, form) -> str:
        certificate = services.certify_pairing(by=self.request.user, pairing=self.object)
        return _("已颁发证书 %(serial)s。") % {"serial": certificate.serial}


class DissolveView(PairingActionView):
    """解除结对: end a proposed or active pairing, with a reason."""

    form_class = ReasonForm
    page_title = gettext_lazy("解除结对")
    submit_button_label = gettext_lazy("确认解除")
    help_text = gettext_lazy("解除后双方会收到通知，计划中的带教自动取消。")

    def save(self, form) -> str:
        services.dissolve_pairing(
            by=self.request.user, pairing=self.object, reason=form.cleaned_data["reason"]
        )
        return _("%(pairing)s 已解除。") % {"pairing": self.object}


class ExtensionView(PairingActionView):
    """答复延期申请: the staff's answer to a pending request to extend the term."""

    form_class = ExtensionAnswerForm
    page_title = gettext_lazy("答复延期申请")
    submit_button_label = gettext_lazy("提交答复")
    statuses = (Pairing.Status.ACTIVE,)

    def get_object(self):
        pairing = super().get_object()
        self.extension = get_object_or_404(
            Extension.objects.select_related("requested_by"),
            pairing=pairing,
            status=Extension.Status.PENDING,
        )
        return pairing

    def get_context_data(self, **kwargs):
        return super().get_context_data(extension=self.extension, **kwargs)

    def save(self, form) -> str:
        agree = form.cleaned_data["agree"]
        extension = services.answer_extension(
            by=self.request.user, extension=self.extension, agree=agree
        )
        if extension.status == Extension.Status.ACCEPTED:
            return _("已同意延期，结束日期改为 %(date)s。") % {
                "date": f"{extension.pairing.end_date:%Y-%m-%d}"
            }
        if agree:
            return _("已同意延期，等待结对另一方同意。")
        return _("已不同意延期申请。")


class PairingViewSet(ScopedModelViewSet):
    model = Pairing
    name = PAIRINGS
    url_prefix = "mentorship/pairings"
    icon = "group"
    menu_label = gettext_lazy("师徒结对")
    menu_order = 200
    permission_policy = PERMISSION_POLICIES[Pairing]
    index_view_class = PairingIndexView
    inspect_view_class = PairingInspectView
    inspect_view_enabled = True
    filterset_class = PairingFilterSet
    search_fields = ["mentor__name", "apprentice__name"]
    list_per_page = 50

    def scope(self, user):
        return scoped_pairings(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(edit_url_name=None, delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        # Pairings change only through their actions: no edit or delete screens.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.construct_view(ProposeView), name="add"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("complete/<int:pk>/", self.construct_view(CompleteView), name="complete"),
            path("certify/<int:pk>/", self.construct_view(CertifyView), name="certify"),
            path("dissolve/<int:pk>/", self.construct_view(DissolveView), name="dissolve"),
            path("extension/<int:pk>/", self.construct_view(ExtensionView), name="extension"),
        ]


# 匹配推荐 Match suggestions --------------------------------------------------------------------


class MatchView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Choose an apprentice (a worker the user manages), see the mentors ranked for them."""

    model = Pairing
    permission_policy = PERMISSION_POLICIES[Pairing]
    permission_required = "add"
    template_name = "mentorship/admin/match.html"
    page_title = gettext_lazy("匹配推荐")
    header_icon = "crosshairs"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        search = ApprenticeSearchForm(self.request.GET or None)
        text = search.cleaned_data["q"] if search.is_valid() else ""
        apprentice, suggestions, gaps = None, [], []
        pk = self.request.GET.get("apprentice", "")
        if pk:
            if not pk.isdigit():
                raise Http404
            apprentice = get_object_or_404(
                workforce_permissions.workers_for(user).select_related("federation"), pk=pk
            )
            gaps = selectors.gaps_of(apprentice, today=today)
            suggestions = selectors.match_suggestions(apprentice, scoped_mentors(user), today=today)
        candidates, more = [], False
        if apprentice is None and text:
            candidates, more = apprentice_choices(user, text, limit=APPRENTICES_SHOWN)
        context.update(
            search=search,
            query=text,
            candidates=candidates,
            more_candidates=more,
            apprentice=apprentice,
            apprentice_active=apprentice is not None and apprentice.status == Worker.Status.ACTIVE,
            gaps=gaps,
            suggestions=suggestions,
            propose_url=reverse(f"{PAIRINGS}:add"),
        )
        return context


class MatchViewSet(ViewSet):
    name = MATCH
    url_prefix = "mentorship/match"
    icon = "crosshairs"
    menu_label = gettext_lazy("匹配推荐")
    menu_order = 300
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [path("", MatchView.as_view(), name="index")]


# 带教统计 Dashboard ----------------------------------------------------------------------------


class DashboardViewSet(ViewSet):
    name = DASHBOARD
    url_prefix = "mentorship/dashboard"
    icon = "table"
    menu_label = gettext_lazy("带教统计")
    menu_order = 400
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", dashboard_views.DashboardView.as_view(), name="index"),
            path("export.<str:fmt>", dashboard_views.dashboard_export, name="export"),
        ]


class MentorshipViewSetGroup(ViewSetGroup):
    """The 导师带徒 menu: mentors, pairings, match suggestions and the dashboard."""

    menu_label = gettext_lazy("导师带徒")
    menu_icon = "group"
    menu_order = 450
    items = (MentorViewSet, PairingViewSet, MatchViewSet, DashboardViewSet)


__all__ = [
    "DASHBOARD",
    "MATCH",
    "MENTORS",
    "PAIRINGS",
    "PERMISSION_POLICIES",
    "MentorshipViewSetGroup",
]
