"""Setting a cycle up: create/edit, kinds and weights, questionnaires, invitations, posters and
their printable sheets, and opening the cycle for answers (viewsets.py adds ``urlpatterns``
under ``evaluation/cycles/``)."""

from lms.admin.views import ScopedCreateView, ScopedEditView

CYCLE_FORM_FIELDS = ["federation", "year", "name", "opens_on", "closes_on"]


class CycleCreateView(ScopedCreateView):
    pass


class CycleEditView(ScopedEditView):
    pass


def overview_context(cycle) -> dict:
    """What the cycle's overview page shows of its setup (template: includes/setup_panel.html)."""
    return {}


urlpatterns: list = []
