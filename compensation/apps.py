from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "compensation"
    verbose_name = _("薪酬与经费")

    def ready(self) -> None:
        from lms.nav import register_personal_links

        from .nav import compensation_links

        register_personal_links(compensation_links)
