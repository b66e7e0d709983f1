"""Admin wiring for the mentorship app: audit-log actions."""

from wagtail import hooks

from .services import LOG_ACTIONS


# Audit actions of mentorship/services.py and the daily job (labels shown in the history).
@hooks.register("register_log_actions")
def register_mentorship_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
