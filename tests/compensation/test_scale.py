"""The compensation step of ``generate_scale_data`` (a tiny city of the same shape)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from compensation.models import (
    FundSource,
    InsuranceYear,
    MinimumWage,
    PayScheme,
    Placement,
    Spending,
    TierAssignment,
)
from compensation.scale import YEARS, spendings_size
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation, Worker

pytestmark = pytest.mark.django_db
TINY = {"size": "S", "counties": 2, "units": 20, "workers": 240}


def test_spendings_size_at_m():
    assert spendings_size(20_000) == 240_000


def test_scale_city_gets_its_pay_and_funds():
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, **TINY)
    assert f"{spendings_size(TINY['workers'])} spending records" in out.getvalue()
    root = Federation.objects.get(name=ROOT_NAME)
    scheme = PayScheme.objects.get(federation=root)
    assert scheme.tables.count() == YEARS and scheme.posts.count() == 3

    # Placements: levels inside the post, rising only, one initial per worker placed.
    placements = Placement.objects.filter(worker__federation__path__startswith=root.path)
    assert not placements.exclude(level__range=(F("post__lowest"), F("post__highest"))).exists()
    initial = Counter(placements.filter(reason="initial").values_list("worker_id", flat=True))
    assert initial and max(initial.values()) == 1
    for worker_id in list(initial)[:50]:
        levels = list(
            placements.filter(worker_id=worker_id)
            .order_by("effective_from")
            .values_list("level", flat=True)
        )
        assert levels == sorted(set(levels))
    part_time = Worker.objects.filter(employment_mode=Worker.EmploymentMode.PART_TIME)
    assert not placements.filter(worker__in=part_time).exists()

    # Every county in a tier; the tiers have their floors.
    counties = Federation.objects.filter(path__startswith=root.path, depth=2)
    assert TierAssignment.objects.filter(federation__in=counties).count() == counties.count()
    assert set(MinimumWage.objects.values_list("tier", flat=True)) == {1, 2, 3}
    assert InsuranceYear.objects.filter(worker__federation__path__startswith=root.path).exists()

    # Funds: four sources per county and year, each within budget.
    sources = FundSource.objects.filter(federation__in=counties)
    assert sources.count() == counties.count() * YEARS * 4
    spent = (
        Spending.objects.standing()
        .filter(source__in=sources)
        .values("source")
        .annotate(total=Sum("amount"))
    )
    budgets = dict(sources.values_list("pk", "budget"))
    assert all(row["total"] <= budgets[row["source"]] for row in spent)
    assert Spending.objects.filter(source__in=sources).count() == spendings_size(TINY["workers"])

    # --replace removes it all and builds it again.
    call_command("generate_scale_data", stdout=io.StringIO(), replace=True, **TINY)
    assert Spending.objects.count() == spendings_size(TINY["workers"])
    assert PayScheme.objects.count() == 1
