"""Admin wiring for the accounts app."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import admin_screens

# 登录锁定 and 认证日志 (accounts/admin_screens.py). Policies registered at import, before
# Wagtail would fall back to plain model permissions.
for _model, _policy in admin_screens.PERMISSION_POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_lockout_and_audit_screens():
    return admin_screens.viewsets()
