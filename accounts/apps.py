from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与安全")

    def ready(self) -> None:
        from lms.nav import register_personal_links

        from . import csp_hooks, signals  # noqa: F401  (admin CSP hooks; audit receivers)
        from .nav import account_links

        register_personal_links(account_links)
