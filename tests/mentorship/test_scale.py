"""The mentoring step of ``generate_scale_data`` (a tiny city of the same shape)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from mentorship.models import MeetingLog, Mentor, Pairing
from mentorship.scale import mentoring_size
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation

pytestmark = pytest.mark.django_db
TINY = {"size": "S", "counties": 2, "units": 20, "workers": 240}


def test_mentoring_size_at_m():
    size = mentoring_size(20_000)
    assert (size.mentors, size.pairings, size.logs) == (2_000, 6_000, 60_000)


def test_scale_city_gets_its_mentoring():
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, **TINY)
    target = mentoring_size(TINY["workers"])
    assert f"{target.mentors} mentors, {target.pairings} pairings" in out.getvalue()
    root = Federation.objects.get(name=ROOT_NAME)
    mentors = Mentor.objects.filter(federation__path__startswith=root.path)
    pairings = Pairing.objects.filter(federation__path__startswith=root.path)
    logs = MeetingLog.objects.filter(pairing__in=pairings)
    assert (mentors.count(), pairings.count(), logs.count()) == (
        target.mentors,
        target.pairings,
        target.logs,
    )
    assert set(pairings.values_list("status", flat=True)) == set(Pairing.Status.values)

    # The rules hold: the load limit, one active pairing of a kind, nobody their own mentor,
    # peer pairings led by workers, logs within the term.
    active = pairings.filter(status=Pairing.Status.ACTIVE)
    assert max(Counter(active.values_list("mentor", flat=True)).values()) <= 3
    assert not active.values("apprentice", "kind").annotate(n=Count("pk")).filter(n__gt=1)
    assert not [
        p for p in pairings.select_related("mentor") if p.mentor.worker_id == p.apprentice_id
    ]
    assert not pairings.filter(kind="peer", mentor__worker__isnull=True).exists()
    for log in logs.select_related("pairing"):
        assert log.pairing.start_date <= log.date
    assert not logs.filter(pairing__status__in=[Pairing.Status.PROPOSED, 5]).exists()

    # --replace removes it all and builds it again.
    call_command("generate_scale_data", stdout=io.StringIO(), replace=True, **TINY)
    assert Mentor.objects.count() == target.mentors
