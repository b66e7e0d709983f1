from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("导师带徒")

    def ready(self) -> None:
        # Meeting logs join the personal calendar feeds of courses (courses/calendar.py).
        from courses.calendar import register_event_source

        from .calendar import SOURCE

        register_event_source(SOURCE)
