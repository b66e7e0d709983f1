"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Each module sets ``pytestmark = BROWSER`` and opens pages with ``open_page(chromium, ...)`` on the
``chromium`` fixture (tests/browser/conftest.py). Skipped only when /usr/bin/chromium is missing
(``make sysdeps-test`` installs it).
"""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium is not installed at /usr/bin/chromium (run `make sysdeps-test`).",
    ),
    # The live server needs committed data; restore the migrations' pages and site afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_page(browser, **options):
    """Open a page in a new context of ``browser`` (Chinese unless ``locale`` says otherwise)."""
    context = browser.new_context(**{"locale": "zh-CN", **options})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page
