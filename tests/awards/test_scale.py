"""The awards step of ``generate_scale_data`` (a tiny city of the same shape)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from awards.choices import HOLDS_PLACE, State
from awards.models import Allocation, Campaign, Honour, Nomination
from awards.scale import awards_size
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation

pytestmark = pytest.mark.django_db
TINY = {"size": "S", "counties": 2, "units": 20, "workers": 240}


def test_awards_size_at_m():
    size = awards_size(20_000)
    assert (size.campaigns, size.nominations) == (50, 5_000)


def test_scale_city_gets_its_campaigns():
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, **TINY)
    target = awards_size(TINY["workers"])
    assert f"{target.campaigns} award campaigns, {target.nominations} nominations" in (
        out.getvalue()
    )
    root = Federation.objects.get(name=ROOT_NAME)
    campaigns = Campaign.objects.filter(federation=root)
    nominations = Nomination.objects.filter(campaign__in=campaigns)
    assert campaigns.count() == 50 and nominations.count() == target.nominations
    assert len(set(campaigns.values_list("year", flat=True))) == 10

    # The rules hold: places held within each allocation, allocations within the reserved
    # places, once per campaign, no second win of an award, an honour per approved one.
    over = Allocation.objects.filter(campaign__in=campaigns).annotate(
        held=Count("nominations", filter=Q(nominations__state__in=HOLDS_PLACE))
    )
    assert all(a.held <= a.places for a in over)
    for campaign in campaigns.annotate(allocated=Sum("allocations__places")):
        assert campaign.allocated <= campaign.reserved_places
        assert campaign.reserved_places * 10 == campaign.total_places
    assert max(Counter(nominations.values_list("campaign", "worker")).values()) == 1
    wins = Counter(
        nominations.filter(state=State.APPROVED).values_list("worker", "campaign__award__name")
    )
    assert max(wins.values()) == 1
    assert Honour.objects.filter(nomination__in=nominations).count() == sum(wins.values())
    current = nominations.filter(campaign__year=max(campaigns.values_list("year", flat=True)))
    assert State.NOTICE in set(current.values_list("state", flat=True))

    # --replace removes it all and builds it again.
    call_command("generate_scale_data", stdout=io.StringIO(), replace=True, **TINY)
    assert Nomination.objects.count() == target.nominations
