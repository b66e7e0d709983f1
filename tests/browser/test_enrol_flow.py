"""A real browser (Playwright driving Debian's Chromium) through the worker's enrolment flow.

A worker logs in at /accounts/login/, finds a course in the catalog, opens its session, enrols,
sees the session in "my training" and downloads its .ics. Screenshots of each step are kept in
``test-artifacts/enrol_flow/`` (git-ignored). Skipped only when /usr/bin/chromium is missing
(``make sysdeps-test`` installs it).
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from courses import services
from courses.catalogs import ensure_catalogs
from courses.models import CatalogPage, CoursePage, Enrolment, TrainingType
from tests.browser import BROWSER, open_page
from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory, make_federation
from workforce.models import Federation
from workforce.permissions import grant_federation_staff

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "enrol_flow"
PASSWORD = "pass-word-123"  # UserFactory's

pytestmark = BROWSER


@pytest.fixture
def browser_page(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return open_page(chromium, accept_downloads=True, viewport={"width": 1100, "height": 900})


@pytest.fixture
def training():
    """A demo-like county, its worker (login ``zhangxm``) and an open session of a course."""
    city = make_federation("绵阳市总工会", "MY")
    county = make_federation("涪城区总工会", "FC", parent=city, level=Federation.Level.DISTRICT)
    staff = UserFactory(username="fucheng")
    grant_federation_staff(staff, county)
    worker = WorkerFactory(
        federation=county, name="张晓梅", user=UserFactory(username="zhangxm"),
        hire_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    PostingFactory(worker=worker, unit=UnitFactory(federation=county, name="城郊街道工会"))
    ensure_catalogs()
    catalog = CatalogPage.objects.get(training_type=TrainingType.THEMATIC)
    course = catalog.add_child(
        instance=CoursePage(
            title="集体协商实务",
            slug="bargaining",
            organizer=county,
            training_type=TrainingType.THEMATIC,
            credit_hours=16,
            methods=["lecture", "case"],
            summary="工资集体协商的准备、要约、协商与履约监督，模拟协商演练。",
        )
    )
    now = timezone.now()
    start = timezone.localdate() + dt.timedelta(days=30)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    session = services.create_session(
        by=staff,
        course=course,
        organizer=county,
        title="集体协商实务（第1期）",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        location="涪城区职工服务中心",
        capacity=30,
        enrol_opens=now - dt.timedelta(days=1),
        enrol_closes=now + dt.timedelta(days=20),
        cancel_deadline=now + dt.timedelta(days=20),
    )
    services.add_meetings(
        by=staff,
        session=session,
        first_day=start,
        last_day=start + dt.timedelta(days=1),
        start_time=dt.time(9),
        end_time=dt.time(17, 30),
        hours=8,
        skip_weekends=False,
    )
    return worker, course, session


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_worker_logs_in_finds_a_course_enrols_and_downloads_the_ics(
    live_server, browser_page, training
):
    worker, course, session = training
    page = browser_page
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"

    # 1. Log in.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "zhangxm")
    page.fill("input[name=password]", PASSWORD)
    shot(page, "01-login")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.locator("h1").inner_text() == "张晓梅"

    # 2. Find the course in the catalog (search), then open it.
    page.goto(f"{live_server.url}/training/")
    page.fill("input[name=q]", "集体协商")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    shot(page, "02-catalog")
    page.click("ul.course-list >> text=集体协商实务")
    page.wait_for_url(f"{live_server.url}{course.url}")
    shot(page, "03-course")

    # 3. Open the session and enrol.
    page.click(f"a[href='/training/sessions/{session.pk}/']")
    page.wait_for_url(f"{live_server.url}/training/sessions/{session.pk}/")
    page.click(f"form[action='/training/sessions/{session.pk}/enrol/'] button[type=submit]")
    page.wait_for_load_state()
    shot(page, "04-enrolled")
    assert "报名成功" in page.locator("ul.messages").inner_text()
    enrolment = Enrolment.objects.get(session=session, worker=worker)
    assert enrolment.status == Enrolment.Status.CONFIRMED

    # 4. "My training" lists it among the upcoming sessions.
    page.goto(f"{live_server.url}/me/")
    page.click("#my-training-link a")
    page.wait_for_url(f"{live_server.url}/me/training/")
    upcoming = page.locator("#upcoming")
    assert "集体协商实务（第1期）" in upcoming.inner_text()
    assert page.locator("a[href^='webcal://']").count() == 1
    shot(page, "05-my-training")

    # 5. Download the session's calendar and read it back.
    with page.expect_download() as download_info:
        upcoming.locator(f"tr[data-session='{session.pk}'] a:text('.ics')").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    target = ARTIFACTS / download.suggested_filename
    download.save_as(str(target))
    calendar = Calendar.from_ical(target.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    assert {e.decoded("DTSTART").date() for e in events} == {
        session.start_date,
        session.end_date,
    }
    assert all("集体协商实务" in str(e["SUMMARY"]) for e in events)
