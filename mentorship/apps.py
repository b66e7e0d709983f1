from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("导师带徒")

    def ready(self):
        from courses import credits

        from .credits import mentoring_hours

        # 高师带徒 meeting hours count toward the annual training requirement (capped).
        credits.register(mentoring_hours)
