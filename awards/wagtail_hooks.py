"""Admin wiring for the awards app: audit-log actions (screens: viewsets.py)."""

from wagtail import hooks

from .services import LOG_ACTIONS


# Audit actions of awards/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_awards_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
