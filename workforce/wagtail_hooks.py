"""Admin wiring for the workforce app."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from . import import_views, report_views
from .viewsets import PERMISSION_POLICIES, WorkforceViewSetGroup, register_staff_screen

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
register_staff_screen(
    [
        path("roster-import/", import_views.roster_import_view, name="workforce_roster_import"),
        path(
            "roster-import/template/<str:kind>.<str:fmt>",
            import_views.roster_template_view,
            name="workforce_roster_template",
        ),
    ],
    label=_("名册导入"),
    url_name="workforce_roster_import",
    icon="upload",
    order=310,
)

# Staffing report (配备报表): screens in workforce/report_views.py.
register_staff_screen(
    [
        path(
            "staffing-report/", report_views.staffing_report_view, name="workforce_staffing_report"
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
    ],
    label=_("配备报表"),
    url_name="workforce_staffing_report",
    icon="table",
    order=320,
)
