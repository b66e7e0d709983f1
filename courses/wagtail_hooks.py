"""Admin wiring for the courses app."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from workforce.models import subtree_q
from workforce.permissions import can_manage, is_federation_staff, managed_paths

from . import compliance_views as views
from .catalogs import sync_course_type
from .models import CoursePage, Session
from .reminders import REMINDER_ACTION
from .services import LOG_ACTIONS
from .viewsets import PERMISSION_POLICY, TrainingViewSetGroup


# Audit actions of courses/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_courses_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


# Training admin (培训管理): session screens in courses/viewsets.py. The policy is registered at
# import, before Wagtail would fall back to plain model permissions for sessions.
register_permission_policy(Session, PERMISSION_POLICY, exact_class=True)


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()


# Course pages: staff edit, move, copy, unpublish and delete only the courses organised in
# their federations; anyone else's course is a 404 and is left out of the page explorer.


def _others_course(request, page) -> bool:
    page = page.specific
    return isinstance(page, CoursePage) and not can_manage(request.user, page.organizer)


def _refuse_others_course(request, page, *args):
    if _others_course(request, page):
        raise Http404


for _hook in (
    "before_edit_page",
    "before_delete_page",
    "before_unpublish_page",
    "before_copy_page",
    "before_move_page",
    "before_convert_alias_page",
):
    hooks.register(_hook, _refuse_others_course)


@hooks.register("construct_explorer_page_queryset")
def hide_others_courses(parent_page, pages, request):
    if request.user.is_superuser:
        return pages
    managed = subtree_q(managed_paths(request.user), "organizer__")
    return pages.exclude(pk__in=CoursePage.objects.exclude(managed).values("pk"))


@hooks.register("after_move_page")
def keep_course_type(request, page):
    # The catalog decides a course's training type.
    sync_course_type(page)


# Training compliance dashboard (培训达标): screens in courses/compliance_views.py.


@hooks.register("register_admin_urls")
def register_compliance_urls():
    return [
        path("compliance/", views.ComplianceDashboardView.as_view(), name="courses_compliance"),
        path(
            "compliance/export.<str:fmt>",
            views.compliance_export,
            name="courses_compliance_export",
        ),
        path(
            "compliance/<int:federation_id>/<str:rule>/<str:status>/",
            views.ComplianceWorkersView.as_view(),
            name="courses_compliance_workers",
        ),
        path(
            "compliance/<int:federation_id>/<str:rule>/<str:status>/export.<str:fmt>",
            views.compliance_workers_export,
            name="courses_compliance_workers_export",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    class ComplianceMenuItem(MenuItem):
        def is_shown(self, request):
            return is_federation_staff(request.user)

    return ComplianceMenuItem(
        _("培训达标"), reverse("courses_compliance"), icon_name="clipboard-list", order=420
    )


@hooks.register("register_log_actions")
def register_compliance_actions(actions):
    actions.register_action(REMINDER_ACTION, _("培训期限提醒"), _("发送培训期限提醒邮件"))
