"""Staff screens for awards (评先评优). Registered in ``wagtail_hooks.py``.

Every screen reads through ``awards.permissions`` (another county's allocations and
nominations are a 404); every change goes through ``awards.services``. This module holds the
catalogue, campaigns (with constraints and allocations), nominations and honours;
``review_views`` adds the city's review queue, the notice, objections, approval and the quota
dashboard (its ``VIEWSETS`` join the menu group here).
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from workforce import permissions as workforce_permissions

from . import review_views
from .models import Award, Campaign, Honour, Nomination, Objection

PERMISSION_POLICIES = {
    Award: workforce_permissions.staff_policy(Award, {"add", "change", "view"}),
    Campaign: workforce_permissions.staff_policy(Campaign, {"add", "change", "view"}),
    Nomination: workforce_permissions.staff_policy(Nomination, {"add", "change", "view"}),
    Objection: workforce_permissions.staff_policy(Objection, {"change", "view"}),
    Honour: workforce_permissions.staff_policy(Honour, {"add", "view"}),
}


class AwardsViewSetGroup(ViewSetGroup):
    """The 评先评优 menu."""

    menu_label = gettext_lazy("评先评优")
    menu_icon = "pick"
    menu_order = 470
    items = (*review_views.VIEWSETS,)
