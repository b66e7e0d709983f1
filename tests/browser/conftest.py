import pytest

from tests.browser import CHROMIUM


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium, closed (with its pages) after the test."""
    # Playwright's sync API runs an event loop in this thread, while the test's ORM calls stay
    # synchronous: Django must be told that is intended.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        try:
            yield browser
        finally:
            browser.close()
