"""Staff screens for social evaluation (社会化评估): cycles and everything inside one.

Every screen reads through ``evaluation.permissions`` (the cycles of the federations the user
manages), so another county's cycle is a 404; every change goes through
``evaluation.services``. The screens inside a cycle live in two modules, each adding its URLs
under ``<cycle pk>/`` here: ``setup_views`` (kinds, questionnaires, invitations, posters and
their printable sheets, opening the cycle) and ``scoring_views`` (staff scores, the scoring
table, grades, confirmation, results and export). Registered in ``wagtail_hooks.py``.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from lms.admin.views import ScopedIndexView, ScopedInspectView
from lms.admin.viewsets import ScopedModelViewSet
from workforce import permissions as workforce_permissions
from workforce.viewsets import federation_filter

from . import scoring_views, setup_views
from .models import Cycle
from .permissions import cycles_for

CYCLES = "evaluation_cycles"

PERMISSION_POLICIES = {
    # Federation staff (and superusers) open, run and view cycles; nobody deletes one.
    Cycle: workforce_permissions.staff_policy(Cycle, {"add", "change", "view"}),
}


def scoped_cycles(user):
    """The cycles ``user`` runs as federation staff; anyone else reaches none in the admin."""
    if not workforce_permissions.is_federation_staff(user):
        return Cycle.objects.none()
    return cycles_for(user)


class CycleIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("federation")

    @property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=gettext_lazy("名称"),
                get_url=lambda cycle: self.get_inspect_url(cycle),
            ),
            Column("federation", label=gettext_lazy("总工会")),
            Column("year", label=gettext_lazy("考核年度")),
            Column("opens_on", label=gettext_lazy("开始收集")),
            Column("closes_on", label=gettext_lazy("截止收集")),
            StatusTagColumn(
                "get_state_display", label=gettext_lazy("状态"), primary=lambda c: c.state > 0
            ),
        ]

    def get_inspect_url(self, instance):
        from django.urls import reverse

        return reverse(f"{CYCLES}:inspect", args=[instance.pk])


class CycleInspectView(ScopedInspectView):
    """A cycle's overview: its state and the panels of the setup and scoring screens."""

    template_name = "evaluation/admin/cycle_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(setup_views.overview_context(self.object))
        context.update(scoring_views.overview_context(self.object))
        return context


class CycleViewSet(ScopedModelViewSet):
    model = Cycle
    name = CYCLES
    url_prefix = "evaluation/cycles"
    icon = "form"
    menu_label = gettext_lazy("考核周期")
    menu_order = 100
    permission_policy = PERMISSION_POLICIES[Cycle]
    index_view_class = CycleIndexView
    inspect_view_class = CycleInspectView
    inspect_view_enabled = True
    list_filter = {"state": ["exact"], "year": ["exact"]}
    search_fields = ["name"]
    list_per_page = 50
    # add/edit: setup_views.CycleCreateView and CycleEditView (through the services).
    add_view_class = setup_views.CycleCreateView
    edit_view_class = setup_views.CycleEditView
    form_fields = setup_views.CYCLE_FORM_FIELDS

    def scope(self, user):
        return scoped_cycles(user)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {
            "index",
            "index_results",
            "add",
            "edit",
            "inspect",
            "history",
            "history_results",
        }
        patterns = [p for p in super().get_urlpatterns() if p.name in kept]
        return patterns + setup_views.urlpatterns + scoring_views.urlpatterns


class EvaluationViewSetGroup(ViewSetGroup):
    """The 社会化评估 menu: cycles, and the results across cycles (``scoring_views``)."""

    menu_label = gettext_lazy("社会化评估")
    menu_icon = "form"
    menu_order = 460
    items = (CycleViewSet, *scoring_views.EXTRA_VIEWSETS)


__all__ = ["CYCLES", "PERMISSION_POLICIES", "EvaluationViewSetGroup", "federation_filter"]
