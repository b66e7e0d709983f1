"""The evaluation app's personal link (lms/nav.py): "我的考核", for workers.

No query when the page has already read ``user.worker`` (the site header does, before the
links), one otherwise: the answer is cached on the user.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section


def evaluation_links(user) -> list[Link]:
    """Return 我的考核 for a user with a worker record (their annual grades)."""
    if not hasattr(user, "worker"):
        return []
    section = Section(
        "evaluation", _("年度考核"), _("历年考核等次、综合得分和各评估主体的平均分。")
    )
    return [Link(_("我的考核"), reverse("evaluation:my_results"), section)]
