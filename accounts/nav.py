"""Personal links of the accounts app (lms/nav.py): account security for every signed-in user."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section

from .permissions import is_manager


def account_links(user) -> list[Link]:
    """Return 修改密码 for every signed-in user, and 两步验证 for staff (one query at most:
    ``is_federation_staff``, cached on the user)."""
    section = Section("accounts", _("账号安全"), _("修改登录密码。"))
    links = [Link(_("修改密码"), reverse("accounts:password_change"), section)]
    if is_manager(user):
        links.append(Link(_("两步验证"), reverse("accounts:two_factor"), section))
    return links
