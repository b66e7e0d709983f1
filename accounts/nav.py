"""Personal links of the accounts app (lms/nav.py): account security for every signed-in user."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section

from .permissions import is_manager


def account_links(user) -> list[Link]:
    """Return 修改密码 for every signed-in user, and 两步验证 for staff.

    Staff enter the admin, so only users with ``access_admin`` are asked ``is_manager`` (one
    query); the permission check itself is the one the site header makes anyway (cached on the
    user), so a worker's page costs no query here.
    """
    section = Section("accounts", _("账号安全"), _("修改登录密码。"))
    links = [Link(_("修改密码"), reverse("accounts:password_change"), section)]
    if user.has_perm("wagtailadmin.access_admin") and is_manager(user):
        links.append(Link(_("两步验证"), reverse("accounts:two_factor"), section))
    return links
