"""Scoring a cycle: staff-scored kinds, closing, the scoring table, grades and confirmation,
the distribution chart and the XLSX export (viewsets.py adds ``urlpatterns`` under
``evaluation/cycles/``; ``EXTRA_VIEWSETS`` join the 社会化评估 menu)."""


def overview_context(cycle) -> dict:
    """What the cycle's overview page shows of its scoring (includes/scoring_panel.html)."""
    return {}


urlpatterns: list = []
EXTRA_VIEWSETS: tuple = ()
