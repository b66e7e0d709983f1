"""Links every page may show to mentoring: "我的导师" and "我的徒弟", for those they concern.

``mentoring_nav`` is a list of ``{"label", "url"}``, read lazily (one query, and only on a page
that shows it). The site header (templates/base.html) and the worker's "my page" loop over it
without naming the mentorship app: without this processor the list is simply absent, so
workforce and courses neither import mentorship nor reverse its URLs.
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .page_context import mentoring_roles


def mentoring_links(user) -> list[dict[str, str]]:
    """Return the mentoring pages ``user`` has: 我的导师 (an apprentice), 我的徒弟 (a mentor)."""
    roles = mentoring_roles(user)
    links = []
    if roles["apprentice"]:
        links.append({"label": _("我的导师"), "url": reverse("mentorship:my_mentor")})
    if roles["mentor"]:
        links.append({"label": _("我的徒弟"), "url": reverse("mentorship:my_apprentices")})
    return links


def mentoring(request) -> dict:
    return {"mentoring_nav": SimpleLazyObject(lambda: mentoring_links(request.user))}
