"""A real browser (Playwright driving Debian's Chromium) through a worker's activation.

Staff sign in to the admin, open 账号激活, tick a worker and download the activation sheet; the
test reads the worker's link from the PDF, opens it, sets a password, signs out, and signs in at
/accounts/login/ with the worker's mobile number to see "我的". Screenshots are kept in
``test-artifacts/activation_flow/`` (git-ignored). Skipped only when /usr/bin/chromium is missing.
"""

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from tests.browser import BROWSER, open_page
from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory, make_federation
from workforce.models import Federation
from workforce.permissions import grant_federation_staff

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "activation_flow"
STAFF_PASSWORD = "pass-word-123"  # UserFactory's
NEW_PASSWORD = "Gao-xiaolan-2026"
MOBILE = "13981600001"

pytestmark = BROWSER


@pytest.fixture
def browser_page(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return open_page(chromium, accept_downloads=True, viewport={"width": 1200, "height": 900})


@pytest.fixture
def roster():
    """A county, its staff member (``fucheng``) and a registered worker without a password."""
    city = make_federation("绵阳市总工会", "MY")
    county = make_federation("涪城区总工会", "FC", parent=city, level=Federation.Level.DISTRICT)
    staff = UserFactory(username="fucheng")
    grant_federation_staff(staff, county)
    user = UserFactory(username="510703199203040021")
    user.set_unusable_password()
    user.save()
    worker = WorkerFactory(
        federation=county, name="高晓兰", user=user, id_number="510703199203040021", mobile=MOBILE
    )
    PostingFactory(worker=worker, unit=UnitFactory(federation=county, name="城郊街道工会"))
    return worker


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_staff_print_the_sheet_and_the_worker_activates_and_signs_in_with_the_mobile(
    live_server, browser_page, roster, settings
):
    settings.SITE_URL = live_server.url  # the sheet's links point at this server
    worker = roster
    page = browser_page

    # 1. Staff sign in to the admin and open 账号激活, filtered by the worker's name.
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "fucheng")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.click("a:has-text('账号激活')")
    page.wait_for_url(f"{live_server.url}/admin/accounts/activation/")
    page.fill("input[name=q]", "高晓兰")
    page.click("[data-activation-filter] button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("[data-activation-workers] tbody tr")
    assert row.count() == 1 and "未激活" in row.inner_text()
    shot(page, "01-screen")

    # 2. Tick the worker and download the sheet.
    page.check(f"input[type=checkbox][name=worker][value='{worker.pk}']")
    with page.expect_download() as download_info:
        page.click("[data-activation-submit]")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    target = ARTIFACTS / "sheet.pdf"
    download.save_as(str(target))
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "高晓兰" in text and "账 号 激 活 单" in text
    (url,) = set(re.findall(rf"{re.escape(live_server.url)}/accounts/activate/[A-Z0-9]+/", text))

    # 3. Staff sign out; the worker opens the link and sets a password: signed in, on 我的.
    page.context.clear_cookies()
    page.goto(url)
    assert page.locator("input[name=new_password1]").count() == 1
    shot(page, "02-activate")
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    shot(page, "03-activated")

    # 4. Sign out, then sign in with the mobile number and the new password.
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", MOBILE)
    page.fill("input[name=password]", NEW_PASSWORD)
    shot(page, "04-login")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.locator("h1").inner_text() == "高晓兰"
    assert "我的" in page.content()
    shot(page, "05-my-page")

    # 5. The used link now gets its page, not the form.
    page.goto(url)
    assert page.locator("input[name=new_password1]").count() == 0
    assert "已经用过" in page.content()
