"""Personal links of the accounts app (lms/nav.py): account security for every signed-in user."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section


def account_links(user) -> list[Link]:
    """Return 修改密码 for every signed-in user (no query)."""
    section = Section("accounts", _("账号安全"), _("修改登录密码。"))
    return [Link(_("修改密码"), reverse("accounts:password_change"), section)]
