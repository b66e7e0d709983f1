"""高师带徒 meeting hours credited as training (``mentorship/credits.py`` through
``courses.credits``): capped per worker and year, shown in "my training"."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from courses.compliance import Status
from courses.selectors import compliance_report, worker_compliance
from mentorship.credits import mentoring_hours
from mentorship.models import MeetingLog, Pairing
from tests.conftest import login
from tests.courses.compliance_data import make_workers
from tests.factories import MentorFactory, PairingFactory
from workforce.models import PolicyParameters, Worker

pytestmark = pytest.mark.django_db
TODAY = dt.date(2030, 6, 15)


def meeting(pairing, day, hours, status=MeetingLog.Status.CONFIRMED):
    return MeetingLog.objects.create(
        pairing=pairing,
        date=day,
        hours=Decimal(hours),
        form="face",
        topic="案例研讨",
        status=status,
        written_by=pairing.mentor.user,
    )


def annual(worker):
    worker = Worker.objects.select_related("federation").get(pk=worker.pk)
    return worker_compliance(worker, today=TODAY)[0].annual


def test_confirmed_hours_count_with_the_pairing_as_evidence(pairing, worker):
    meeting(pairing, dt.date(2030, 2, 3), "4.5")
    meeting(pairing, dt.date(2030, 3, 3), "7.5")
    result = annual(worker)
    assert result.hours == Decimal("12.0")
    (item,) = result.evidence
    assert item.label == "导师带徒：王建国（12.0 学时，计入上限 16）"
    assert item.url == f"/me/mentoring/pairings/{pairing.pk}/"
    assert item.on == dt.date(2030, 3, 3)


def test_hours_are_capped_per_year_across_pairings(pairing, worker, county):
    meeting(pairing, dt.date(2030, 2, 3), "12")
    pairing.status = Pairing.Status.COMPLETED  # a completed pairing still counts
    pairing.save()
    second = PairingFactory(
        mentor=MentorFactory(federation=county, name="刘芳"),
        apprentice=worker,
        start_date=dt.date(2030, 4, 1),
        end_date=dt.date(2031, 3, 31),
    )
    meeting(second, dt.date(2030, 5, 6), "8")
    result = annual(worker)
    assert result.hours == Decimal(16)
    assert [item.label for item in result.evidence] == [
        "导师带徒：王建国（12.0 学时，计入上限 16）",
        "导师带徒：刘芳（已确认 8.0 学时，计入 4.0 学时，上限 16）",
    ]


def test_the_federations_cap_applies_and_zero_turns_it_off(pairing, worker, county):
    meeting(pairing, dt.date(2030, 2, 3), "12")
    PolicyParameters.objects.create(federation=county, mentoring_hours_cap=10)
    assert annual(worker).hours == Decimal(10)
    PolicyParameters.objects.filter(federation=county).update(mentoring_hours_cap=0)
    result = annual(worker)
    assert result.hours == 0 and result.evidence == ()


def test_last_years_hours_count_for_last_year(pairing, worker):
    Pairing.objects.filter(pk=pairing.pk).update(start_date=dt.date(2029, 7, 1))
    meeting(pairing, dt.date(2029, 9, 1), "20")
    meeting(pairing, dt.date(2030, 1, 10), "3")
    workers = Worker.objects.filter(pk=worker.pk).values("pk")
    found = mentoring_hours(workers, first=dt.date(2029, 1, 1), last=dt.date(2030, 12, 31))
    assert found.hours == {(worker.pk, 2029): Decimal(16), (worker.pk, 2030): Decimal(3)}
    assert found.evidence == {}  # only when asked
    assert annual(worker).hours == Decimal(3)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "peer"},
        {"status": Pairing.Status.DISSOLVED},
        {"status": Pairing.Status.PROPOSED},
    ],
)
def test_peer_dissolved_and_proposed_pairings_do_not_count(change, pairing, worker):
    meeting(pairing, dt.date(2030, 2, 3), "6")
    Pairing.objects.filter(pk=pairing.pk).update(**change)
    assert annual(worker).hours == 0


@pytest.mark.parametrize(
    "status",
    [MeetingLog.Status.AWAITING, MeetingLog.Status.DISPUTED, MeetingLog.Status.PLANNED],
)
def test_unconfirmed_logs_do_not_count(status, pairing, worker):
    meeting(pairing, dt.date(2030, 2, 3), "6", status=status)
    assert annual(worker).hours == 0


def test_mentoring_hours_help_meet_the_requirement(pairing, worker, county):
    PolicyParameters.objects.create(federation=county, annual_training_hours=16)
    meeting(pairing, dt.date(2030, 2, 3), "16")
    assert annual(worker).status is Status.MET


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_query_count_stays_fixed_with_mentoring_hours(
    count, city, county, other_county, django_assert_num_queries
):
    mentor = MentorFactory(federation=county)
    workers = make_workers(county, count) + make_workers(other_county, count)
    for worker in workers:
        pairing = PairingFactory(mentor=mentor, apprentice=worker)
        meeting(pairing, dt.date(2030, 2, 3), "3")
    # 7, and 2 for the mentorship source: the hours and the policies in force
    with django_assert_num_queries(9):
        report = compliance_report([city.path], today=TODAY)
    assert report.total.workers == 2 * count


@pytest.mark.parametrize("count", [1, 6])
def test_my_training_shows_the_credited_hours(
    count, client, pairing, worker, django_assert_max_num_queries
):
    for month in range(1, count + 1):
        meeting(pairing, dt.date(2030, month, 3), "2")
    with time_machine.travel(dt.datetime(2030, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        login(client, worker.user)
        client.get(reverse("courses:my_training"))  # create the calendar feed once
        with django_assert_max_num_queries(20):
            response = client.get(reverse("courses:my_training"))
    html = response.content.decode()
    label = f"导师带徒：王建国（{2 * count}.0 学时，计入上限 16）"
    assert f'<a href="/me/mentoring/pairings/{pairing.pk}/">{label}</a>' in html
    assert f'{2 * count} <span class="muted">/ 40' in html
