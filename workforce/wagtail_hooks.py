"""Admin wiring for the workforce app."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_workforce_actions(actions):
    actions.register_action("workforce.post", _("定岗"), _("定岗"))
    actions.register_action("workforce.end_posting", _("结束定岗"), _("结束定岗"))
    actions.register_action("workforce.leave", _("离职"), _("离职"))
