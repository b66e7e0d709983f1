"""总工会 Federation: the tree of federations, their staff (管理权限) and policy links."""

from django.contrib.admin.utils import quote
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button

from lms.admin.views import (
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    action_crumbs,
    changed_values,
)

from .. import permissions, services
from ..forms import FederationCreateForm, FederationForm, GrantStaffForm
from ..models import Federation
from .base import FEDERATIONS, POLICIES, WorkforceViewSet


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
