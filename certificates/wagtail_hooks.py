"""Admin wiring for the certificates app: screens (viewsets.py) and audit-log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .viewsets import PERMISSION_POLICIES, CertificatesViewSetGroup

for model, policy in PERMISSION_POLICIES.items():
    register_permission_policy(model, policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificatesViewSetGroup()


@hooks.register("register_log_actions")
def register_certificate_actions(actions):
    @actions.register_action("certificates.issue")
    class Issue(LogFormatter):
        label = _("签发证书")

        def format_message(self, log_entry):
            return _("签发%(kind)s %(serial)s（持证人：%(holder)s）") % {
                "kind": log_entry.data.get("kind", ""),
                "serial": log_entry.data.get("serial", ""),
                "holder": log_entry.data.get("holder", ""),
            }

    @actions.register_action("certificates.revoke")
    class Revoke(LogFormatter):
        label = _("撤销证书")

        def format_message(self, log_entry):
            return _("撤销证书 %(serial)s，原因：%(reason)s") % {
                "serial": log_entry.data.get("serial", ""),
                "reason": log_entry.data.get("reason", ""),
            }

    @actions.register_action("certificates.bulk_issue")
    class BulkIssue(LogFormatter):
        label = _("批量签发")

        def format_message(self, log_entry):
            return _("批量签发“%(session)s”的证书（%(total)s 人）") % {
                "session": log_entry.data.get("session", ""),
                "total": log_entry.data.get("total", ""),
            }
