from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("社会化评估")

    def ready(self) -> None:
        from lms.nav import register_personal_links

        from .nav import evaluation_links

        # 我的考核 in the site header and on the worker's page.
        register_personal_links(evaluation_links)
