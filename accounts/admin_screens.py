"""Admin screens of the accounts app: 认证日志 (superusers) and 登录锁定 (staff). ``VIEWSETS`` is
registered in ``wagtail_hooks.py``.

- ``accounts_events``: the authentication audit, newest first, filtered by event, dates and
  address, searched by the name typed or the account; superusers only (anyone else gets
  Wagtail's permission denial, as on its own user screens);
- ``accounts_lockouts``: the username + address pairs django-axes has locked now, with the
  worker's name, and 解除锁定 (``services.unlock``). Superusers see every lock; federation staff
  those of the accounts they may act for (``permissions.accounts_for``): another county's
  lock is a 404.
"""

import django_filters
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import Button

from lms.admin.permissions import StaffPermissionPolicy
from lms.admin.views import ActionFormView, ScopedIndexView, ScopedMixin
from lms.admin.viewsets import ScopedListViewSet
from workforce.models import Worker
from workforce.permissions import is_federation_staff

from . import rules, services
from .choices import EventKind
from .models import AuthEvent
from .permissions import accounts_for, reads_audit

EVENTS = "accounts_events"
LOCKOUTS = "accounts_lockouts"

# Who may open the screens at all: the audit is for superusers only; lock-outs for federation
# staff too (each sees the locks of the accounts they may act for).
PERMISSION_POLICIES = {
    AuthEvent: StaffPermissionPolicy(AuthEvent, {"view"}, is_staff=lambda user: False),
    AccessAttempt: StaffPermissionPolicy(
        AccessAttempt, {"view", "change"}, is_staff=is_federation_staff
    ),
}


class RecordPaginator(WagtailPaginator):
    """Count the rows as "N 条记录" (django-axes' model has no Chinese name)."""

    @cached_property
    def items_count_label(self):
        return _("%(count)s 条记录") % {"count": self.count}


def _time(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}" if value else "—"


def _dash(value) -> str:
    return value if value not in (None, "") else "—"


# 认证日志 Authentication audit --------------------------------------------------------------


class EventFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("事件"), choices=EventKind.choices)
    at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("日期"), widget=DateRangePickerWidget
    )
    ip = django_filters.CharFilter(label=gettext_lazy("IP 地址"))

    class Meta:
        model = AuthEvent
        fields = ["kind", "at", "ip"]


class EventIndexView(ScopedIndexView):
    paginator_class = RecordPaginator

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "actor")

    def order_queryset(self, queryset):
        return queryset.order_by("-at", "-pk")

    @cached_property
    def columns(self):
        return [
            Column("at", label=_("时间"), accessor=lambda e: _time(e.at)),
            Column("kind", label=_("事件"), accessor="get_kind_display"),
            Column("user", label=_("账号"), accessor=lambda e: _dash(e.user and e.user.username)),
            Column("identifier", label=_("登录名"), accessor=lambda e: _dash(e.identifier)),
            Column("ip", label=_("IP 地址"), accessor=lambda e: _dash(e.ip)),
            Column(
                "actor", label=_("操作人"), accessor=lambda e: _dash(e.actor and e.actor.username)
            ),
            Column("detail", label=_("说明"), accessor=lambda e: _dash(e.detail)),
        ]

    def get_list_more_buttons(self, instance):
        return []


class EventViewSet(ScopedListViewSet):
    """认证日志: read-only; events are written by ``services.record`` and pruned by age."""

    model = AuthEvent
    name = EVENTS
    url_prefix = "accounts/events"
    icon = "list-ul"
    menu_label = gettext_lazy("认证日志")
    menu_order = 820
    add_to_admin_menu = True
    permission_policy = PERMISSION_POLICIES[AuthEvent]
    index_view_class = EventIndexView
    filterset_class = EventFilterSet
    search_fields = ["identifier", "user__username"]
    list_per_page = 50

    def scope(self, user):
        events = AuthEvent.objects.all()
        return events if reads_audit(user) else events.none()


# 登录锁定 Lock-outs -------------------------------------------------------------------------


def locked_attempts(user, now=None):
    """Return the django-axes records locked now that ``user`` may lift, with the worker's name
    (``worker_name``) of the account when there is one."""
    now = now or timezone.now()
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
    )
    if not user.is_superuser:
        if not is_federation_staff(user):
            return attempts.none()
        attempts = attempts.filter(username__in=accounts_for(user).values("username"))
    names = Worker.objects.filter(user__username=OuterRef("username")).values("name")[:1]
    return attempts.annotate(worker_name=Subquery(names))


class LockoutIndexView(ScopedIndexView):
    page_title = gettext_lazy("登录锁定")
    paginator_class = RecordPaginator
    verbose_name = gettext_lazy("登录锁定")
    verbose_name_plural = gettext_lazy("登录锁定")

    def order_queryset(self, queryset):
        return queryset.order_by("-attempt_time", "-pk")

    @cached_property
    def no_results_message(self):
        return _(
            "目前没有被锁定的账号。"
            "一个账号在同一地址连续 %(limit)s 次登录失败后锁定 %(minutes)s 分钟。"
        ) % {
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        }

    @cached_property
    def columns(self):
        cool_off = settings.AXES_COOLOFF_TIME
        return [
            self._get_title_column_class(TitleColumn)(
                "username",
                label=_("登录名"),
                accessor="username",
                get_url=lambda a: reverse(f"{LOCKOUTS}:unlock", args=[a.pk]),
            ),
            Column("worker", label=_("姓名"), accessor=lambda a: _dash(a.worker_name)),
            Column("ip_address", label=_("IP 地址"), accessor=lambda a: _dash(a.ip_address)),
            Column("failures", label=_("失败次数"), accessor="failures_since_start"),
            Column(
                "locked_until",
                label=_("锁定至"),
                accessor=lambda a: _time(
                    rules.lock_ends(last_failure=a.attempt_time, cool_off=cool_off)
                ),
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [
            Button(
                _("解除锁定"),
                url=reverse(f"{LOCKOUTS}:unlock", args=[instance.pk]),
                icon_name="lock-open",
                priority=10,
            )
        ]


class UnlockView(ScopedMixin, ActionFormView):
    """解除锁定: lift every lock on the username (all addresses) through ``services.unlock``."""

    model = AccessAttempt
    permission_required = "change"
    template_name = "lms/admin/action.html"
    form_class = forms.Form
    page_title = gettext_lazy("解除锁定")
    header_icon = "lock-open"

    def get_object(self):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.object.username

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{LOCKOUTS}:index"), "label": _("登录锁定")},
            {"url": "", "label": self.page_title, "sublabel": self.object.username},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.object
        name = (
            f"{attempt.worker_name}（{attempt.username}）"
            if attempt.worker_name
            else attempt.username
        )
        context.update(
            object=attempt,
            help_text=_(
                "%(name)s 在 %(ip)s 连续登录失败 %(count)s 次，已锁定。解除后该账号在所有地址上的"
                "锁定一并解除，可以立即重新登录。请先确认是本人在登录。"
            )
            % {
                "name": name,
                "ip": _dash(attempt.ip_address),
                "count": attempt.failures_since_start,
            },
            action_url=self.request.path,
            submit_button_label=_("解除锁定"),
            submit_button_active_label=_("解除锁定"),
            media=forms.Media(),
        )
        return context

    def save(self, form) -> str:
        username = self.object.username
        services.unlock(by=self.request.user, username=username, request=self.request)
        return _("已解除 %(username)s 的登录锁定。") % {"username": username}

    def get_success_url(self):
        return reverse(f"{LOCKOUTS}:index")


class LockoutViewSet(ScopedListViewSet):
    """登录锁定: the current locks; lifting one is the only change."""

    model = AccessAttempt
    name = LOCKOUTS
    url_prefix = "accounts/lockouts"
    icon = "lock"
    menu_label = gettext_lazy("登录锁定")
    menu_order = 810
    add_to_admin_menu = True
    permission_policy = PERMISSION_POLICIES[AccessAttempt]
    index_view_class = LockoutIndexView
    search_fields = ["username"]
    list_per_page = 50

    def scope(self, user):
        return locked_attempts(user)

    def extra_urls(self):
        return [
            path("<int:pk>/unlock/", self.construct_view(UnlockView), name="unlock"),
        ]


VIEWSETS = (LockoutViewSet, EventViewSet)


def viewsets() -> list:
    """The viewsets of these screens, for ``wagtail_hooks.py``."""
    return [viewset() for viewset in VIEWSETS]
