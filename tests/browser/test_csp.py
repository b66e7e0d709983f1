"""A real browser (Playwright driving Debian's Chromium) checks that the pages satisfy the
Content-Security-Policy: no page logs a violation, for the city's staff, a worker and a
superuser, and the behaviours that replaced inline handlers still work (a confirm dialog, select
all, a select that submits itself, the running total of weights, an inline panel's new row).

Violations are caught two ways: Chromium's console messages mentioning "Content Security
Policy", and a ``securitypolicyviolation`` listener installed before any page script runs.
Screenshots go to ``test-artifacts/csp/`` (git-ignored). Skipped when /usr/bin/chromium is
missing (``make sysdeps-test`` installs it).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from awards import services as awards
from awards.choices import Level
from courses import services as courses
from courses.models import Enrolment
from evaluation import services as evaluation
from tests.browser import BROWSER
from tests.factories import (
    EnrolmentFactory,
    PostingFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
    make_course,
    make_federation,
)
from workforce.models import Federation
from workforce.permissions import grant_federation_staff

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "csp"
PASSWORD = "pass-word-123"  # UserFactory's
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__cspViolations.push(
        event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " +
        (event.sourceFile || "") + ":" + event.lineNumber
    );
});
"""

pytestmark = BROWSER


@pytest.fixture
def browser(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return chromium


class Visitor:
    """One browser context (one user) that records CSP violations page by page."""

    def __init__(self, browser, base_url: str, name: str):
        self.base_url, self.name = base_url, name
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.dialogs: list[str] = []

    def visit(self, path: str, shot: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(200)  # scripts that run after load (Stimulus controllers)
        self.assert_clean(path)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{shot}.png"), full_page=True)

    def assert_clean(self, where: str) -> None:
        recorded = self.page.evaluate("window.__cspViolations || []")
        assert not recorded, f"CSP violations on {where}: {recorded}"
        assert not self.console, f"CSP messages on {where}: {self.console}"

    def sign_in(self, username: str) -> None:
        self.visit("/accounts/login/", "login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        self.assert_clean("after signing in")


@pytest.fixture
def place():
    """A demo-like city and county, the city's staff, a worker, a course session with one
    enrolment, a draft evaluation cycle and an award campaign."""
    city = make_federation("绵阳市总工会", "MY")
    county = make_federation("涪城区总工会", "FC", parent=city, level=Federation.Level.DISTRICT)
    staff = UserFactory(username="city")
    grant_federation_staff(staff, city)
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    unit = UnitFactory(federation=county, name="城郊街道工会")
    worker = WorkerFactory(
        federation=county, name="张晓梅", user=UserFactory(username="zhangxm"),
        hire_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    PostingFactory(worker=worker, unit=unit)
    for name in ("李明", "王芳", "赵强"):
        PostingFactory(worker=WorkerFactory(federation=county, name=name), unit=unit)
    course = make_course(organizer=county, title="集体协商实务")
    start = timezone.localdate() + dt.timedelta(days=30)
    now = timezone.now()
    session = courses.create_session(
        by=staff, course=course, organizer=county, title="集体协商实务（第1期）",
        start_date=start, end_date=start, location="涪城区职工服务中心", capacity=30,
        enrol_opens=now - dt.timedelta(days=1), enrol_closes=now + dt.timedelta(days=20),
        cancel_deadline=now + dt.timedelta(days=20),
    )  # fmt: skip
    enrolment = EnrolmentFactory(session=session, worker=worker)
    cycle = evaluation.create_cycle(
        by=staff, federation=county, year=2026,
        opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 31),
    )  # fmt: skip
    award = awards.create_award(by=staff, name="五一劳动奖章", level=Level.CITY)
    campaign = awards.create_campaign(
        by=staff, award=award, year=2026, federation=city, total_places=20,
        nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
    )  # fmt: skip
    return {
        "worker": worker, "session": session, "enrolment": enrolment, "cycle": cycle,
        "campaign": campaign,
    }  # fmt: skip


def test_staff_pages_satisfy_the_policy(live_server, browser, place):
    staff = Visitor(browser, live_server.url, "city")
    staff.sign_in("city")
    staff.visit("/", "home")
    staff.visit("/training/", "training")
    staff.visit(reverse("wagtailadmin_home"), "admin-home")
    staff.visit(reverse("workforce_workers:edit", args=[place["worker"].pk]), "worker-edit")
    assert staff.page.locator("input[name=hire_date]").count() == 1  # a date input, with script

    # Evaluation cycle kinds: the running total of the weights (was an inline script).
    staff.visit(reverse("evaluation_cycles:kinds", args=[place["cycle"].pk]), "cycle-kinds")
    total = staff.page.locator("[data-weight-total]")
    assert total.inner_text() == "100"
    staff.page.locator("[data-kind-row] input[name$='-weight']").first.fill("10")
    assert total.inner_text() != "100"
    staff.assert_clean("cycle kinds, typing")

    # The award campaign's review queue: choosing a state submits the filter.
    staff.visit(reverse("awards_review:campaign", args=[place["campaign"].pk]), "awards-review")
    options = staff.page.locator("select[data-autosubmit] option")
    with staff.page.expect_navigation():
        staff.page.select_option("select[data-autosubmit]", options.nth(1).get_attribute("value"))
    assert "state=" in staff.page.url
    staff.assert_clean("awards review, filtered")
    staff.visit(reverse("awards_quota:index"), "awards-quota")

    # The session roster: select all, and a confirm dialog before cancelling an enrolment.
    staff.visit(reverse("courses_sessions:roster", args=[place["session"].pk]), "roster")
    boxes = staff.page.locator("input[type=checkbox][name=workers]")
    assert boxes.count() == 3
    staff.page.check("input[data-select-all=workers]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    staff.page.uncheck("input[data-select-all=workers]")
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))

    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    staff.page.once("dialog", dismiss)
    staff.page.locator("form[data-confirm] button[type=submit]").first.click()
    staff.page.wait_for_timeout(300)
    assert questions == ["确定取消该工作者的报名？"]
    place["enrolment"].refresh_from_db()
    assert place["enrolment"].status != Enrolment.Status.CANCELLED  # "取消" kept it
    staff.assert_clean("roster, after the dialog")


def test_worker_pages_satisfy_the_policy(live_server, browser, place):
    worker = Visitor(browser, live_server.url, "worker")
    worker.sign_in("zhangxm")
    assert worker.page.url.endswith("/me/")
    for path, shot in [
        ("/", "home"), ("/me/", "my-page"), ("/training/", "training"),
        ("/me/training/", "my-training"), ("/me/password/", "password"),
    ]:  # fmt: skip
        worker.visit(path, shot)
    # The calendar feed's address selects itself on a click (was onclick="this.select()").
    worker.visit("/me/training/", "my-training")
    feed = worker.page.locator("input[data-select-on-focus]")
    if feed.count():
        feed.first.click()
        selected = worker.page.evaluate(
            "(() => { const i = document.querySelector('[data-select-on-focus]');"
            " return i.selectionEnd - i.selectionStart; })()"
        )
        assert selected == len(feed.first.input_value())
    # The language switch submits itself.
    with worker.page.expect_navigation():
        worker.page.select_option("select[name=language]", "en")
    worker.assert_clean("after switching the language")


def test_an_inline_panel_and_a_chooser_satisfy_the_policy(live_server, browser, place):
    """Wagtail's workflow editor: an inline panel whose new rows carry a chooser widget."""
    admin = Visitor(browser, live_server.url, "admin")
    admin.sign_in("admin")
    admin.visit(reverse("wagtailadmin_workflows:add"), "workflow-add")
    admin.page.click("#id_workflow_tasks-ADD")
    admin.page.wait_for_timeout(300)
    admin.assert_clean("workflow, a row added")
    rows = admin.page.locator("#id_workflow_tasks-FORMS > *")
    assert rows.count() >= 1
    admin.page.locator("#id_workflow_tasks-FORMS [data-chooser-action-choose]").first.click()
    admin.page.wait_for_selector(".modal-content", state="visible")
    admin.page.wait_for_timeout(500)
    admin.assert_clean("workflow, the task chooser open")


def test_the_public_pages_satisfy_the_policy(live_server, browser, place):
    visitor = Visitor(browser, live_server.url, "anonymous")
    for path, shot in [
        ("/", "home"), ("/training/", "training"), ("/accounts/login/", "login"),
        ("/accounts/password/reset/", "reset"), ("/accounts/activate/", "activate"),
        ("/admin/login/", "admin-login"),
    ]:  # fmt: skip
        visitor.visit(path, shot)
