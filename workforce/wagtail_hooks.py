"""Admin wiring for the workforce app."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from . import import_views, report_views
from .viewsets import PERMISSION_POLICIES, StaffMenuItem, WorkforceViewSetGroup

# Roster screens (队伍管理): viewsets in workforce/viewsets/. Policies are registered at import,
# before Wagtail would fall back to plain model permissions for these models.
for model, policy in PERMISSION_POLICIES.items():
    register_permission_policy(model, policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_workforce_viewsets():
    return WorkforceViewSetGroup()


@hooks.register("register_log_actions")
def register_workforce_actions(actions):
    actions.register_action("workforce.post", _("定岗"), _("定岗"))
    actions.register_action("workforce.end_posting", _("结束定岗"), _("结束定岗"))
    actions.register_action("workforce.leave", _("离职"), _("离职"))

    @actions.register_action("workforce.grant_staff")
    class GrantStaff(LogFormatter):
        label = _("授予管理权限")

        def format_message(self, log_entry):
            return _("授予 %(user)s 管理本总工会的权限") % {
                "user": log_entry.data.get("username", "")
            }

    @actions.register_action("workforce.revoke_staff")
    class RevokeStaff(LogFormatter):
        label = _("撤销管理权限")

        def format_message(self, log_entry):
            return _("撤销 %(user)s 管理本总工会的权限") % {
                "user": log_entry.data.get("username", "")
            }


# Roster import (名册导入): screens in workforce/import_views.py.


@hooks.register("register_admin_urls")
def register_roster_import_urls():
    return [
        path("roster-import/", import_views.roster_import_view, name="workforce_roster_import"),
        path(
            "roster-import/template/<str:kind>.<str:fmt>",
            import_views.roster_template_view,
            name="workforce_roster_template",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_roster_import_menu_item():
    return StaffMenuItem(
        _("名册导入"), reverse("workforce_roster_import"), icon_name="upload", order=310
    )


# Staffing report (配备报表): screens in workforce/report_views.py.


@hooks.register("register_admin_urls")
def register_staffing_report_urls():
    return [
        path(
            "staffing-report/",
            report_views.staffing_report_view,
            name="workforce_staffing_report",
        ),
        path(
            "staffing-report/export.xlsx",
            report_views.staffing_report_xlsx,
            name="workforce_staffing_report_xlsx",
        ),
        path(
            "staffing-report/export.csv",
            report_views.staffing_report_csv,
            name="workforce_staffing_report_csv",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_staffing_report_menu_item():
    return StaffMenuItem(
        _("配备报表"), reverse("workforce_staffing_report"), icon_name="table", order=320
    )
