"""The mentoring dashboard (带教统计): its numbers against a hand-built set, scope, exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from mentorship.models import MeetingLog, Pairing
from mentorship.selectors import MentoringCounts, mentoring_report
from tests.conftest import login
from tests.factories import MentorFactory, PairingFactory, WorkerFactory
from workforce.models import PolicyParameters

NOW = dt.datetime(2030, 6, 15, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2030, 6, 15)
pytestmark = pytest.mark.django_db
DASHBOARD = "mentorship_dashboard:index"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def log(pairing, day, hours, status=MeetingLog.Status.CONFIRMED):
    return MeetingLog.objects.create(
        pairing=pairing, date=day, hours=hours, form="face", topic="带教", status=status,
        written_by=pairing.mentor.user,
    )  # fmt: skip


@pytest.fixture
def hand_built(county, park, other_county):
    """The county (with its park) and the other county, each number on purpose."""
    full = MentorFactory(federation=county, name="满额导师")  # 3 active of the policy's 3
    on_track = PairingFactory(mentor=full, apprentice=WorkerFactory(federation=county))
    log(on_track, dt.date(2030, 3, 1), 10)
    log(on_track, dt.date(2030, 6, 1), 10)  # 20 h: credited up to the cap of 16
    log(on_track, dt.date(2029, 12, 1), 8)  # last year: not this year's hours
    silent = PairingFactory(mentor=full, apprentice=WorkerFactory(federation=county))
    log(silent, dt.date(2030, 6, 10), 3, MeetingLog.Status.AWAITING)  # not confirmed: overdue
    late = PairingFactory(
        mentor=full,
        apprentice=WorkerFactory(federation=county),
        start_date=dt.date(2029, 1, 1),
        end_date=dt.date(2029, 12, 31),
    )
    log(late, dt.date(2030, 6, 10), 1)  # met lately, but past its end date; 1 h credited
    park_mentor = MentorFactory(federation=park, name="园区导师", load_limit=1)
    done = PairingFactory(
        mentor=park_mentor,
        apprentice=WorkerFactory(federation=park),
        status=Pairing.Status.COMPLETED,
        ended_on=dt.date(2030, 2, 1),
    )
    log(done, dt.date(2030, 1, 15), 4)  # the completed pairing's hours count too
    PairingFactory(
        mentor=park_mentor,
        apprentice=WorkerFactory(federation=park),
        status=Pairing.Status.COMPLETED,
        ended_on=dt.date(2029, 12, 1),  # last year
    )
    peer_mentor = MentorFactory(
        federation=county, name="同伴", worker=WorkerFactory(federation=county)
    )
    peer = PairingFactory(
        mentor=peer_mentor,
        apprentice=WorkerFactory(federation=county),
        kind="peer",
        start_date=dt.date(2030, 6, 1),
        end_date=dt.date(2031, 5, 31),
    )
    log(peer, dt.date(2030, 6, 5), 5)  # peer pairing: no credited hours
    # The other county checks in every 60 days: its pairing from 1 May is not overdue yet.
    PolicyParameters.objects.create(federation=other_county, mentor_checkin_days=60)
    PairingFactory(
        mentor=MentorFactory(federation=other_county, name="游仙导师"),
        apprentice=WorkerFactory(federation=other_county),
        start_date=dt.date(2030, 5, 1),
        end_date=dt.date(2031, 4, 30),
    )


COUNTY = MentoringCounts(
    mentors=3, at_capacity=1, active=4, checkin_overdue=1, past_end=1, completed=1,
    hours=Decimal(21),
)  # fmt: skip
OTHER = MentoringCounts(mentors=1, active=1)


def test_numbers_per_county(city, county, other_county, hand_built):
    report = mentoring_report([city.path], today=TODAY)
    assert [(row.name, row.counts) for row in report.rows] == [
        ("涪城区总工会", COUNTY),
        ("游仙区总工会", OTHER),
    ]
    assert report.total == MentoringCounts(
        mentors=4, at_capacity=1, active=5, checkin_overdue=1, past_end=1, completed=1,
        hours=Decimal(21),
    )  # fmt: skip


def test_a_county_sees_one_row_of_its_subtree(county, hand_built):
    report = mentoring_report([county.path], today=TODAY)
    assert [(row.name, row.counts) for row in report.rows] == [("涪城区总工会", COUNTY)]


def test_the_hours_cap_follows_the_policy(city, county, hand_built):
    PolicyParameters.objects.create(federation=county, mentoring_hours_cap=0)  # off
    report = mentoring_report([county.path], today=TODAY)
    assert report.rows[0].counts.hours == 0


def test_city_staff_see_every_county(client, city_staff, hand_built):
    response = login(client, city_staff).get(reverse(DASHBOARD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "涪城区总工会" in page and "游仙区总工会" in page
    assert "<svg" in page and "各总工会导师带徒情况条形图" in page
    assert reverse("mentorship_dashboard:export", args=["xlsx"]) in page
    assert "overdue=checkin" in page  # the count links to the filtered pairing list


def test_county_staff_see_their_county_only(client, county_staff, outsider, hand_built):
    page = login(client, county_staff).get(reverse(DASHBOARD)).content.decode()
    assert "涪城区总工会" in page and "游仙区总工会" not in page
    page = login(client, outsider).get(reverse(DASHBOARD)).content.decode()
    assert "游仙区总工会" in page and "涪城区总工会" not in page


def test_a_worker_gets_no_dashboard(client, worker):
    response = login(client, worker.user).get(reverse(DASHBOARD))
    assert response.status_code in (302, 403, 404)


def test_export_csv(client, city_staff, hand_built):
    response = login(client, city_staff).get(reverse("mentorship_dashboard:export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "总工会", "导师", "满额导师", "进行中结对", "见面逾期", "超过结束日期", "本年完成",
        "本年认定学时",
    ]  # fmt: skip
    assert rows[1] == ["涪城区总工会", "3", "1", "4", "1", "1", "1", "21.0"]
    assert rows[-1][0] == "合计" and rows[-1][3] == "5"


def test_export_xlsx(client, county_staff, hand_built):
    response = login(client, county_staff).get(
        reverse("mentorship_dashboard:export", args=["xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == ["涪城区总工会", 3, 1, 4, 1, 1, 1, 21]


def test_export_unknown_format_is_a_404(client, county_staff):
    response = login(client, county_staff).get(reverse("mentorship_dashboard:export", args=["pdf"]))
    assert response.status_code == 404


def _more_data(county, other_county, count):
    for federation in (county, other_county):
        for _n in range(count):
            pairing = PairingFactory(
                mentor=MentorFactory(federation=federation),
                apprentice=WorkerFactory(federation=federation),
            )
            log(pairing, dt.date(2030, 5, 1), 2)


@pytest.mark.parametrize("count", [1, 8])
def test_report_query_count(count, city, county, other_county, django_assert_num_queries):
    _more_data(county, other_county, count)
    with django_assert_num_queries(6):
        report = mentoring_report([city.path], today=TODAY)
    assert report.total.active == 2 * count


@pytest.mark.parametrize("count", [1, 8])
def test_dashboard_query_count(
    count, client, city_staff, county, other_county, django_assert_max_num_queries
):
    _more_data(county, other_county, count)
    login(client, city_staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        client.get(reverse("mentorship_dashboard:export", args=["xlsx"]))
