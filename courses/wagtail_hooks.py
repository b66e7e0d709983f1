"""Admin wiring for the courses app."""

from wagtail import hooks  # noqa: E402


# Audit actions of courses/services.py (labels shown in the admin's history).
@hooks.register("register_log_actions")
def register_courses_actions(actions):
    from .services import LOG_ACTIONS

    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
