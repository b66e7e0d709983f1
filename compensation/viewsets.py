"""Staff screens for pay and funds (薪酬与经费). Registered in ``wagtail_hooks.py``.

Every screen reads through ``compensation.permissions`` (another county's records are a 404);
every change goes through ``compensation.services``. This module holds pay schemes, posts, pay
tables, subsidies, placements and the step run; ``floor_views`` adds minimum wages, tiers, the
floor check and insurance; ``funds_views`` the fund sources, spending and ledger;
``report_views`` the self-inspection reports and the city overview. Their ``VIEWSETS`` join
the menu group here.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from . import floor_views, funds_views, report_views

VIEWSETS: tuple = ()
PERMISSION_POLICIES: dict = {
    **floor_views.PERMISSION_POLICIES,
    **funds_views.PERMISSION_POLICIES,
    **report_views.PERMISSION_POLICIES,
}


class CompensationViewSetGroup(ViewSetGroup):
    """The 薪酬与经费 menu."""

    menu_label = gettext_lazy("薪酬与经费")
    menu_icon = "table"
    menu_order = 480
    items = (*VIEWSETS, *floor_views.VIEWSETS, *funds_views.VIEWSETS, *report_views.VIEWSETS)
