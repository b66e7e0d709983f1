"""The Content-Security-Policy header, and pages that satisfy it (the browser check is in
tests/browser/test_csp.py)."""

import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import reverse

from lms.csp import current_nonce
from tests.conftest import login

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_page_gets_the_policy(client, db):
    directives = policy(client.get("/accounts/login/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert set(directives["img-src"]) >= {"'self'", "data:"}


def test_the_nonce_in_the_header_is_the_one_on_the_scripts(client, city_staff, worker):
    """A worker's admin edit page has Wagtail's date inputs, whose inline scripts carry it."""
    login(client, city_staff)
    response = client.get(reverse("workforce_workers:edit", args=[worker.pk]))
    assert response.status_code == 200
    nonces = [v for v in policy(response)["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    inline = [attrs for attrs in SCRIPT.findall(response.content.decode()) if "src=" not in attrs]
    assert inline, "the page should have an inline script (a date input)"
    for attrs in inline:
        if "application/json" in attrs:
            continue  # data, not code
        assert f'nonce="{nonce}"' in attrs, attrs


def test_a_new_nonce_for_each_response(client, city_staff, worker):
    login(client, city_staff)
    url = reverse("workforce_workers:edit", args=[worker.pk])
    first, second = (policy(client.get(url))["script-src"] for _ in range(2))
    assert first != second


def test_the_site_pages_load_their_behaviours_from_a_file(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert re.search(r'<script src="/static/js/behaviours\.js"', page)
    assert not [attrs for attrs in SCRIPT.findall(page) if "src=" not in attrs]


def test_the_admin_loads_the_behaviours_too(client, city_staff):
    login(client, city_staff)
    assert "js/behaviours.js" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_no_template_has_an_inline_event_handler():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE_HANDLER.search(line)
    ]
    assert not offenders, f"use a data attribute (static_src/js/behaviours.js): {offenders}"


def test_no_template_has_an_inline_script_without_a_nonce():
    offenders = [
        f"{path.relative_to(TEMPLATES)}"
        for path in TEMPLATES.rglob("*.html")
        for attrs in SCRIPT.findall(path.read_text())
        if "src=" not in attrs and "nonce=" not in attrs and "application/json" not in attrs
    ]
    assert not offenders


def test_outside_a_request_the_nonce_is_empty():
    assert current_nonce() == ""
    template = engines["django"].from_string("{% load csp_nonce %}[{% csp_nonce %}]")
    assert template.render({}) == "[]"
