"""English, the second language: the catalogue is complete and compiled, and pages switch to it."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from workforce.models import Federation, Worker

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[A-Za-z_]\w*\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def parse_po(text: str) -> list[dict]:
    """Return the live entries of a .po file as dicts of fields plus their flags."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, current = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete entry
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif match := _KEYWORD.match(line):
                current = match.group(1)
                entry[current] = _unescape(match.group(2))
            elif line.startswith('"') and current:
                entry[current] += _unescape(line.strip()[1:-1])
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    return parse_po((CATALOGUE / "django.po").read_text(encoding="utf-8"))


def test_parser_reads_continuations_flags_and_plurals():
    text = (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "共 %(counter)s 门"\nmsgid_plural "共 %(counter)s 门"\n'
        'msgstr[0] "%(counter)s course"\nmsgstr[1] ""\n"%(counter)s \\"courses\\""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n'
    )
    header, plural = parse_po(text)
    assert header["flags"] == {"fuzzy"} and header["msgstr"] == "Language: en\n"
    assert plural["msgstr[1]"] == '%(counter)s "courses"'
    assert plural["flags"] == {"python-format"}


def test_catalogue_is_complete_and_not_fuzzy(entries):
    header, *messages = entries
    assert "Language: en" in header["msgstr"] and "fuzzy" not in header["flags"]
    assert len(messages) > 500
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"] for e in messages if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert fuzzy == []
    assert untranslated == []


def test_translations_keep_their_placeholders(entries):
    wrong = []
    for entry in entries[1:]:
        wanted = sorted(_PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
        for key, value in entry.items():
            if key.startswith("msgstr") and sorted(_PLACEHOLDER.findall(value)) != wanted:
                wrong.append((entry["msgid"], value))
    assert wrong == []


def test_compiled_catalogue_matches_the_po(entries):
    """The committed .mo is compiled from the committed .po (run compilemessages after editing)."""
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in entries[1:]:
        if "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            expected = [entry["msgstr[0]"], entry["msgstr[1]"]]
        else:
            got, expected = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != expected:
            stale.append(entry["msgid"])
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
