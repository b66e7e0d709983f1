"""English, the second language: the catalogue covers the code, is compiled, and pages switch to it.

locale/en/LC_MESSAGES/django.po is the one source of the English; `make messages` re-extracts the
msgids into it and compiles django.mo.
"""

import re
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from workforce.models import Federation, Worker

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[A-Za-z_]\w*\}")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str, str]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def _translations(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    """Return the msgstr of an entry, or its plural forms in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _messages_ignore() -> list[str]:
    """Return the patterns `make messages` keeps makemessages out of (MESSAGES_IGNORE)."""
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^MESSAGES_IGNORE\s*:=(.*)$", makefile, re.MULTILINE)
    assert match, "the Makefile no longer sets MESSAGES_IGNORE"
    return match.group(1).split()


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE / "django.po"))


@pytest.fixture(scope="module")
def entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def test_catalogue_is_complete_and_not_fuzzy(catalogue, entries):
    assert catalogue.metadata["Language"] == "en" and not catalogue.metadata_is_fuzzy
    assert len(entries) > 500
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if not all(_translations(e))] == []


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed; `make test` installs the gettext package",
)
def test_catalogue_has_every_message_in_the_code(entries, tmp_path, monkeypatch):
    """Extract the msgids as `make messages` does and find each translated in the committed .po.

    makemessages writes next to the files it reads (a .py copy of each template) and into the
    locale folder, so it runs on a copy of the sources, without their locale/, writing a fresh
    catalogue under tmp_path: the committed .po is never touched.
    """
    ignore = _messages_ignore()
    skipped_top = {pattern.split("/")[0] for pattern in ignore} | {"locale"}

    def skipped(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == BASE_DIR
        return [
            name
            for name in names
            if name.startswith(".") or name == "__pycache__" or (top and name in skipped_top)
        ]

    sources = tmp_path / "sources"
    shutil.copytree(BASE_DIR, sources, ignore=skipped)
    monkeypatch.chdir(sources)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["en"], ignore_patterns=ignore, stdout=StringIO())

    extracted = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 500, "makemessages found too few messages; is the copy complete?"
    translated = {_key(entry) for entry in entries if entry.translated()}
    missing = [entry.msgid for entry in extracted if _key(entry) not in translated]
    assert not missing, (
        f"{len(missing)} message(s) in the code have no English (or only a fuzzy one) in "
        "locale/en/LC_MESSAGES/django.po. Run `make messages`, translate them in the .po, and run "
        "it again:\n" + "\n".join(missing)
    )


def test_translations_keep_their_placeholders(entries):
    wrong = [
        (entry.msgid, text)
        for entry in entries
        for text in _translations(entry)
        if sorted(_PLACEHOLDER.findall(text))
        != sorted(_PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po(entries):
    """The committed .mo is compiled from the committed .po (`make messages` compiles it)."""
    compiled = {_key(e): _translations(e) for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    written = {_key(e): _translations(e) for e in entries if e.translated()}
    stale = sorted(
        key[1] for key in compiled.keys() | written.keys() if compiled.get(key) != written.get(key)
    )
    assert stale == []


def test_key_strings_translate():
    with translation.override("en"):
        assert _("社会化工会工作者成长管理平台") == (
            "Socialized Trade-Union Worker Development Platform"
        )
        assert _("我的主页") == "My page"
        assert str(Worker._meta.verbose_name) == "Worker"
        assert str(Federation._meta.verbose_name) == "Federation"
        assert str(Worker.Status.LEFT.label) == "Departed"
    with translation.override("zh-hans"):
        assert _("我的主页") == "我的主页"


def test_login_page_follows_accept_language(client):
    english = client.get(reverse("login"), headers={"accept-language": "en"})
    assert english.status_code == 200
    assert english.headers["Content-Language"] == "en"
    assert '<html lang="en">' in english.text
    assert "Socialized Trade-Union Worker Development Platform" in english.text
    assert "Log in" in english.text and "登录" not in english.text

    chinese = client.get(reverse("login"))
    assert '<html lang="zh-hans">' in chinese.text
    assert "社会化工会工作者成长管理平台" in chinese.text


def test_language_cookie_and_switch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in client.get(reverse("login")).text

    client.cookies.clear()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in response.text


def test_my_page_in_english(client, worker):
    client.force_login(worker.user)
    response = client.get(reverse("workforce:my_page"), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "My page" in response.text
    assert "Posting history" in response.text
