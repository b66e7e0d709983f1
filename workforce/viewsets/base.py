"""What every roster screen shares: URL names, who may open them, the scoped viewset."""

import django_filters
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.admin.viewsets import ScopedModelViewSet

from .. import permissions
from ..forms import federation_label
from ..models import Federation, PolicyParameters, Posting, Unit, Worker

FEDERATIONS = "workforce_federations"
UNITS = "workforce_units"
WORKERS = "workforce_workers"
POSTINGS = "workforce_postings"
POLICIES = "workforce_policies"


# Who may open which screen ------------------------------------------------------------------


PERMISSION_POLICIES = {
    Federation: permissions.staff_policy(Federation, {"add", "change", "view"}),
    Unit: permissions.staff_policy(Unit, {"add", "change", "delete", "view"}),
    Worker: permissions.staff_policy(Worker, {"add", "change", "view"}),
    Posting: permissions.staff_policy(Posting, {"add", "change", "view"}),
    PolicyParameters: permissions.staff_policy(PolicyParameters, {"add", "change", "view"}),
}


class StaffMenuItem(MenuItem):
    """An admin menu item shown to federation staff (and superusers) only."""

    def is_shown(self, request):
        return permissions.is_federation_staff(request.user)


def register_staff_screen(urls: list, *, label, url_name: str, icon: str, order: int) -> None:
    """Wire an admin screen for federation staff: its URLs, and a menu item only staff see."""
    hooks.register("register_admin_urls", lambda: urls)
    hooks.register(
        "register_admin_menu_item",
        lambda: StaffMenuItem(label, reverse(url_name), icon_name=icon, order=order),
    )


class WorkforceViewSet(ScopedModelViewSet):
    """A roster viewset: its rows are those ``permissions.scoped`` lets the user manage."""

    def scope(self, user):
        return permissions.scoped(user, self.model)


def federation_filter(label, prefix: str = ""):
    """Return a filter on a federation the user manages, matching its whole subtree."""

    def filter_subtree(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{prefix}path__startswith": value.path})

    return _FederationFilter(
        label=label,
        queryset=lambda request: permissions.federations_for(request.user),
        method=filter_subtree,
    )


class _FederationFilterField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return federation_label(obj)


class _FederationFilter(django_filters.ModelChoiceFilter):
    field_class = _FederationFilterField
