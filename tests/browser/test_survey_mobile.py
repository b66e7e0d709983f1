"""A phone (Playwright, 375 × 812) answering a worker's survey from the poster, without an account.

It opens the poster's page, starts, answers every question, submits and is thanked; scanning
the poster again says it answered already. No page is wider than the screen. Screenshots in
``test-artifacts/survey_mobile/`` (git-ignored). Skipped only when /usr/bin/chromium is missing.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from evaluation import services
from evaluation.models import Answer, Poster
from tests.browser import BROWSER, open_page
from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory, make_federation
from workforce.models import Federation
from workforce.permissions import grant_federation_staff

ARTIFACTS = settings.BASE_DIR / "test-artifacts" / "survey_mobile"
PHONE = {"width": 375, "height": 812}

pytestmark = BROWSER


@pytest.fixture
def phone(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return open_page(chromium, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def poster():
    """A county's cycle collecting answers today, covering 张晓梅: her 服务对象 poster."""
    cache.clear()
    city = make_federation("绵阳市总工会", "MY")
    county = make_federation("涪城区总工会", "FC", parent=city, level=Federation.Level.DISTRICT)
    staff = UserFactory(username="fucheng")
    grant_federation_staff(staff, county)
    worker = WorkerFactory(federation=county, name="张晓梅", hire_date=dt.date(2024, 3, 1))
    PostingFactory(worker=worker, unit=UnitFactory(federation=county, name="城郊街道工会"))
    today = timezone.localdate()
    cycle = services.create_cycle(
        by=staff, federation=county, year=today.year, opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    services.start_collecting(by=staff, cycle=cycle)
    yield Poster.objects.get(assessment__worker=worker)
    cache.clear()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_phone_answers_from_the_poster(live_server, phone, poster):
    page = phone
    page.goto(f"{live_server.url}/survey/p/{poster.code}/")
    assert "张晓梅" in page.inner_text("main") and "您作为：服务对象" in page.inner_text("main")
    _fits(page)
    shot(page, "01-poster")

    page.click("text=开始评价")
    page.wait_for_url(f"{live_server.url}/survey/*/")
    _fits(page)
    shot(page, "02-survey")
    for fieldset in page.locator("fieldset.item").all():
        fieldset.locator("label.level", has_text="非常满意").click()
    page.fill("textarea", "态度很好，办事及时。")
    page.click("button[type=submit]")
    page.wait_for_selector("text=本评价已提交，感谢")
    _fits(page)
    shot(page, "03-thanks")
    answer = Answer.objects.get()
    assert answer.score == 100 and answer.comment == "态度很好，办事及时。"

    page.goto(f"{live_server.url}/survey/p/{poster.code}/")  # scanned again
    assert "您已评价过" in page.inner_text("main")
    shot(page, "04-again")
