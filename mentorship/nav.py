"""Mentoring's personal links (lms/nav.py): "我的导师" and "我的徒弟", for those they concern.

Registered in ``MentorshipConfig.ready``; one query (``mentoring_roles``), and only on a page
that shows the links.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.nav import Link, Section

from .page_context import mentoring_roles


def mentoring_links(user) -> list[Link]:
    """Return the mentoring pages ``user`` has: 我的导师 (an apprentice), 我的徒弟 (a mentor)."""
    roles = mentoring_roles(user)
    section = Section(
        "mentoring", _("导师带徒"), _("带教目标、带教记录的填写与确认、中期和结业评价。")
    )
    links = []
    if roles["apprentice"]:
        links.append(Link(_("我的导师"), reverse("mentorship:my_mentor"), section))
    if roles["mentor"]:
        links.append(Link(_("我的徒弟"), reverse("mentorship:my_apprentices"), section))
    return links
