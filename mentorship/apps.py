from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("导师带徒")

    def ready(self) -> None:
        # Imported here, not at the top: the app registry must be ready before models load.
        from courses import credits
        from courses.calendar import register_event_source
        from lms.nav import register_personal_links

        from .calendar import SOURCE
        from .credits import mentoring_hours
        from .nav import mentoring_links

        # 高师带徒 meeting hours count toward the annual training requirement (capped).
        credits.register(mentoring_hours)
        # Meeting logs join the personal calendar feeds of courses (courses/calendar.py).
        register_event_source(SOURCE)
        # 我的导师 / 我的徒弟 in the site header and on the worker's page (lms/nav.py).
        register_personal_links(mentoring_links)
