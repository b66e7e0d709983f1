"""Admin wiring for the compensation app: audit-log actions (screens join in viewsets.py)."""

from wagtail import hooks

from .services import LOG_ACTIONS


# Audit actions of compensation/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_compensation_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
