"""Admin wiring for the compensation app: screens (viewsets.py) and audit-log actions."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .services import LOG_ACTIONS
from .viewsets import PERMISSION_POLICIES, CompensationViewSetGroup

# Registered at import, before Wagtail would fall back to plain model permissions.
for model, policy in PERMISSION_POLICIES.items():
    register_permission_policy(model, policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_compensation_viewsets():
    return CompensationViewSetGroup()


# Audit actions of compensation/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_compensation_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
