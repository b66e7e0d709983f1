"""Admin wiring for the courses app."""

import functools

from django.http import Http404
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from workforce.viewsets import register_staff_screen

from . import compliance_views as views
from .catalogs import sync_course_type
from .models import CoursePage, Session
from .permissions import others_courses
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


# Course pages: staff see and change only the courses organised in their federations; anyone
# else's course is a 404 on every admin page view and is left out of the page explorer.
# Wagtail routes each page view (edit, history, revisions, move, copy, unpublish, delete,
# preview, privacy, lock, workflow ...) to the viewset registered for the page's model, so one
# guard on the course viewset covers them all, including views added by later Wagtail releases.

# The URL keyword that names the page a page view acts on (wagtail/admin/urls/pages.py).
_PAGE_ID_KWARGS = ("page_id", "page_to_move_id", "pk", "parent_page_id")


def _refusing_others_courses(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        page_id = next((kwargs[key] for key in _PAGE_ID_KWARGS if key in kwargs), None)
        # "add" names the catalog (not a course) as parent_page_id: nothing to refuse there.
        if page_id is not None and others_courses(request.user).filter(pk=page_id).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class CoursePageViewSet(PageViewSet):
    """The admin page views of courses, each answering 404 for another federation's course."""

    model = CoursePage
    name = "course_pages"  # no URLs of its own: Wagtail's page URLs route to it

    @cached_property
    def parent_models(self):
        # Exploring a course (it has no children) goes through the guard too; a catalog's
        # listing stays Wagtail's explorer, filtered by ``hide_others_courses``.
        return [CoursePage]

    def get_view_by_name(self, name):
        return _refusing_others_courses(super().get_view_by_name(name))


@hooks.register("register_admin_viewset")
def register_course_page_viewset():
    return CoursePageViewSet()


# Bulk delete, move, publish and unpublish of pages do not go through the page views. Wagtail's
# page bulk actions are registered again below (the same action types, registered after
# Wagtail's so they replace them), reading their pages through ``OwnCoursesOnlyMixin``.


class OwnCoursesOnlyMixin:
    """Another federation's course named by id is a 404, on the confirmation page (GET) as on
    the POST; "select all" in a listing leaves others' courses out, as the explorer does."""

    def get_queryset(self, model, object_ids):
        # Wagtail calls it on the instance (``self.get_queryset``), so the user is at hand.
        pages = super().get_queryset(model, object_ids)
        others = set(
            others_courses(self.request.user)
            .filter(pk__in=[page.pk for page in pages])
            .values_list("pk", flat=True)
        )
        if not others:
            return pages
        if "all" not in self.request.GET.getlist("id"):
            raise Http404
        return [page for page in pages if page.pk not in others]


class CourseDeleteBulkAction(OwnCoursesOnlyMixin, DeleteBulkAction):
    pass


class CourseMoveBulkAction(OwnCoursesOnlyMixin, MoveBulkAction):
    pass


class CoursePublishBulkAction(OwnCoursesOnlyMixin, PublishBulkAction):
    pass


class CourseUnpublishBulkAction(OwnCoursesOnlyMixin, UnpublishBulkAction):
    pass


for action_class in (
    CourseDeleteBulkAction,
    CourseMoveBulkAction,
    CoursePublishBulkAction,
    CourseUnpublishBulkAction,
):
    # order=1: after Wagtail's own registrations (order 0), which they replace.
    hooks.register("register_bulk_action", action_class, order=1)


@hooks.register("before_bulk_action")
def refuse_others_courses_in_bulk(request, action_type, objects, action_class_instance):
    # A second guard, for any other bulk action on pages.
    page_ids = [obj.pk for obj in objects if isinstance(obj, Page)]
    if page_ids and others_courses(request.user).filter(pk__in=page_ids).exists():
        raise Http404


@hooks.register("construct_explorer_page_queryset")
def hide_others_courses(parent_page, pages, request):
    if request.user.is_superuser:
        return pages
    return pages.exclude(pk__in=others_courses(request.user).values("pk"))


@hooks.register("after_move_page")
def keep_course_type(request, page):
    # The catalog decides a course's training type.
    sync_course_type(page)


# Training compliance dashboard (培训达标): screens in courses/compliance_views.py.
register_staff_screen(
    [
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
    ],
    label=_("培训达标"),
    url_name="courses_compliance",
    icon="clipboard-list",
    order=420,
)


@hooks.register("register_log_actions")
def register_compliance_actions(actions):
    actions.register_action(REMINDER_ACTION, _("培训期限提醒"), _("发送培训期限提醒邮件"))
