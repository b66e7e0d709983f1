"""The worker's "my training" page and the federation compliance dashboard (admin)."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.compliance import Rule, Status
from courses.models import CalendarFeed, Enrolment, TrainingType
from tests.conftest import login
from tests.courses.compliance_data import make_courses, make_workers, run_session
from tests.factories import EnrolmentFactory, SessionFactory, make_course

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def courses(county):
    return make_courses(county)


# -- my training ---------------------------------------------------------------------------------


def test_my_training_shows_hours_requirements_and_enrolments(client, worker, courses):
    thematic = courses[TrainingType.THEMATIC]
    run_session(thematic, worker, 5, start=dt.date(2025, 5, 5))  # last year's 40 h
    run_session(thematic, worker, 3, start=dt.date(2026, 3, 2), title="2026年第一期维权实务班")
    coming = SessionFactory(
        course=thematic,
        title="2026年秋季集体协商实务班",
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 9, 3),
    )
    EnrolmentFactory(session=coming, worker=worker)
    waiting = SessionFactory(
        course=thematic,
        title="候补班",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 1),
    )
    EnrolmentFactory(session=waiting, worker=worker, status=Enrolment.Status.WAITLISTED)

    response = login(client, worker.user).get(reverse("courses:my_training"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '24 <span class="muted">/ 40' in html
    assert 'value="60"' in html  # 24 of 40 h
    assert "2026年秋季集体协商实务班" in html and "候补班" in html
    assert "2026年第一期维权实务班" in html
    assert reverse("courses:session_ics", args=[coming.pk]) in html
    # rotation: hired 2024-03-01 without a rotation, due 2026-03-01 and passed
    assert "2026-03-01" in html and "已逾期" in html
    feed = CalendarFeed.objects.get(user=worker.user)
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html
    assert f"http://testserver/calendar/{feed.token}.ics" in html
    assert reverse("courses:feed_reset") in html
    page = response.context
    assert page["annual"].status is Status.IN_PROGRESS
    assert [e.session for e in page["page"].upcoming] == [coming]
    assert [e.session for e in page["page"].waitlisted] == [waiting]


def test_my_page_links_to_my_training(client, worker):
    response = login(client, worker.user).get(reverse("workforce:my_page"))
    assert reverse("courses:my_training") in response.content.decode()


def test_my_training_is_for_workers_only(client, county_staff):
    anonymous = client.get(reverse("courses:my_training"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert login(client, county_staff).get(reverse("courses:my_training")).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_my_training_query_count_does_not_grow(
    count, client, worker, courses, django_assert_max_num_queries
):
    login(client, worker.user)
    client.get(reverse("courses:my_training"))  # create the calendar feed once
    other = make_course(organizer=worker.federation, training_type=TrainingType.THEMATIC)
    for month in range(count):
        course = courses[TrainingType.THEMATIC] if month % 2 else other
        run_session(course, worker, 2, start=dt.date(2025, 1, 6) + dt.timedelta(days=40 * month))
    # 19: includes the mentoring hours (courses/credits.py) and the mentoring menu links.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    assert len(response.context["page"].past) == count


# -- the dashboard -------------------------------------------------------------------------------


@pytest.fixture
def county_data(city, county, park, other_county, courses):
    done = make_workers(county, 2)
    behind = make_workers(park, 1)
    make_workers(other_county, 3)
    for worker in done:
        run_session(courses[TrainingType.THEMATIC], worker, 5, start=dt.date(2026, 3, 2))
    return done, behind


def test_dashboard_for_city_staff_lists_every_county(client, city_staff, county, county_data):
    response = login(client, city_staff).get(reverse("courses_compliance"))
    assert response.status_code == 200
    rows = {row.name: row.counts for row in response.context["report"].rows}
    assert set(rows) == {"涪城区总工会", "游仙区总工会"}
    assert rows["涪城区总工会"].get(Rule.ANNUAL, Status.MET) == 2
    html = response.content.decode()
    # The chart's segment of the county's met workers: counted, and linked to their list.
    assert "<title>涪城区总工会 · 年度培训学时 · 已达标：2</title>" in html
    cell = reverse("courses_compliance_workers", args=[county.pk, "annual", "met"])
    assert f'xlink:href="{cell}"' in html


def test_dashboard_for_county_staff_is_scoped(client, county_staff, outsider, county_data):
    response = login(client, county_staff).get(reverse("courses_compliance"))
    assert [row.name for row in response.context["report"].rows] == ["涪城区总工会"]
    assert response.context["report"].total.workers == 3
    response = login(client, outsider).get(reverse("courses_compliance"))
    assert [row.name for row in response.context["report"].rows] == ["游仙区总工会"]


def test_dashboard_is_refused_to_workers(client, worker):
    response = login(client, worker.user).get(reverse("courses_compliance"))
    assert response.status_code in (302, 403)


def test_drill_down_lists_the_cell(client, county_staff, county, county_data):
    done, behind = county_data
    url = reverse("courses_compliance_workers", args=[county.pk, "annual", "met"])
    response = login(client, county_staff).get(url)
    assert response.status_code == 200
    assert [entry.worker_id for entry, _r in response.context["entries"]] == [w.pk for w in done]
    url = reverse("courses_compliance_workers", args=[county.pk, "annual", "overdue"])
    response = client.get(url)
    assert [entry.worker_id for entry, _r in response.context["entries"]] == [behind[0].pk]
    assert behind[0].name in response.content.decode()


def test_drill_down_of_another_county_is_a_404(client, county_staff, other_county, county_data):
    login(client, county_staff)
    url = reverse("courses_compliance_workers", args=[other_county.pk, "annual", "met"])
    assert client.get(url).status_code == 404
    export = reverse(
        "courses_compliance_workers_export", args=[other_county.pk, "annual", "met", "csv"]
    )
    assert client.get(export).status_code == 404


@pytest.mark.parametrize(("rule", "status"), [("yearly", "met"), ("annual", "late")])
def test_drill_down_of_an_unknown_rule_or_status_is_a_404(
    client, county_staff, county, rule, status
):
    url = reverse("courses_compliance_workers", args=[county.pk, rule, status])
    assert login(client, county_staff).get(url).status_code == 404


def test_export_csv(client, city_staff, county_data):
    response = login(client, city_staff).get(reverse("courses_compliance_export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["总工会", "在职人数", "年度培训学时·已达标"]
    assert len(rows[0]) == 2 + len(Rule) * len(Status)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["涪城区总工会"][1:3] == ["3", "2"]
    assert by_name["合计"][1] == "6"


def test_export_xlsx(client, county_staff, county_data):
    response = login(client, county_staff).get(reverse("courses_compliance_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "总工会"
    assert [row[0] for row in values[1:]] == ["涪城区总工会", "合计"]
    assert values[1][1] == 3


def test_export_of_a_cell(client, county_staff, county, county_data):
    done, _behind = county_data
    login(client, county_staff)
    url = reverse("courses_compliance_workers_export", args=[county.pk, "annual", "met", "xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert sorted(row[0] for row in values[1:]) == sorted(w.name for w in done)
    assert values[1][7] == 40  # hours this year
    url = reverse("courses_compliance_workers_export", args=[county.pk, "annual", "met", "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[1][5] == "2026-12-31"
    assert client.get(url.replace(".csv", ".pdf")).status_code == 404


def test_exports_are_for_staff_only(client, worker):
    response = login(client, worker.user).get(reverse("courses_compliance_export", args=["csv"]))
    assert response.status_code in (302, 403, 404)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_query_count_does_not_grow(
    client, city_staff, city, county, other_county, courses, django_assert_max_num_queries
):
    login(client, city_staff)
    urls = [
        reverse("courses_compliance"),
        reverse("courses_compliance_export", args=["xlsx"]),
        reverse("courses_compliance_workers", args=[county.pk, "annual", "overdue"]),
    ]

    def add(count):
        workers = make_workers(county, count) + make_workers(other_county, count)
        for worker in workers[::4]:
            run_session(courses[TrainingType.THEMATIC], worker, 1, start=dt.date(2026, 3, 2))

    add(5)
    for url in urls:
        client.get(url)  # warm the per-process caches (content types, site root paths)
    small = [_queries(client, url) for url in urls]
    add(45)
    large = [_queries(client, url) for url in urls]
    assert small == large
    with django_assert_max_num_queries(25):
        client.get(urls[0])
