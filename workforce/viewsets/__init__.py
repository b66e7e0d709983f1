"""Admin screens for the roster (队伍管理), each cut down to the user's federations.

Every lookup goes through ``workforce.permissions``, so another federation's object is a 404,
and every change goes through ``workforce.services``. One module per model; the group is
registered in ``workforce/wagtail_hooks.py``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from .base import (
    PERMISSION_POLICIES,
    StaffMenuItem,
    WorkforceViewSet,
    federation_filter,
    register_staff_screen,
)
from .federations import FederationViewSet
from .policies import PolicyParametersViewSet
from .postings import PostingViewSet
from .units import UnitViewSet
from .workers import WorkerViewSet

__all__ = [
    "register_staff_screen",
    "StaffMenuItem",
    "PERMISSION_POLICIES",
    "FederationViewSet",
    "PolicyParametersViewSet",
    "PostingViewSet",
    "UnitViewSet",
    "WorkerViewSet",
    "WorkforceViewSet",
    "WorkforceViewSetGroup",
    "federation_filter",
]


class WorkforceViewSetGroup(ViewSetGroup):
    """The 队伍管理 menu: federations, units, workers, postings and policy parameters."""

    menu_label = _("队伍管理")
    menu_icon = "group"
    menu_order = 150
    items = (
        FederationViewSet,
        UnitViewSet,
        WorkerViewSet,
        PostingViewSet,
        PolicyParametersViewSet,
    )
