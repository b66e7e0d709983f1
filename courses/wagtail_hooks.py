"""Admin wiring for the courses app."""

from wagtail import hooks  # noqa: E402


# Audit actions of courses/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_courses_actions(actions):
    from .services import LOG_ACTIONS

    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


# Training compliance dashboard (培训达标): screens in courses/compliance_views.py.


@hooks.register("register_admin_urls")
def register_compliance_urls():
    from django.urls import path

    from . import compliance_views as views

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
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    from workforce.permissions import is_federation_staff

    class ComplianceMenuItem(MenuItem):
        def is_shown(self, request):
            return is_federation_staff(request.user)

    return ComplianceMenuItem(
        _("培训达标"), reverse("courses_compliance"), icon_name="clipboard-list", order=420
    )


@hooks.register("register_log_actions")
def register_compliance_actions(actions):
    from django.utils.translation import gettext_lazy as _

    from .reminders import REMINDER_ACTION

    actions.register_action(REMINDER_ACTION, _("培训期限提醒"), _("发送培训期限提醒邮件"))
