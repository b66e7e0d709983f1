"""Admin wiring for the mentorship app: audit-log actions (the staff screens come separately)."""

from wagtail import hooks

from .services import LOG_ACTIONS


# Audit actions of mentorship/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_mentorship_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
