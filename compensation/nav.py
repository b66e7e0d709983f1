"""The compensation app's personal link (lms/nav.py): "我的薪酬", for workers."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section


def compensation_links(user) -> list[Link]:
    """Return 我的薪酬 for a user with a worker record (post, level and pay history)."""
    if not hasattr(user, "worker"):
        return []
    section = Section("compensation", _("薪酬待遇"), _("岗位、等级和月薪的历次变动。"))
    return [Link(_("我的薪酬"), reverse("compensation:my_pay"), section)]
