"""``manage.py remind_evaluators``: reminders to invitees who were emailed and have not answered,
at most once every ``--every`` days, as the system."""

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from evaluation import services
from evaluation.models import Invitation
from tests.evaluation.conftest import IN_WINDOW, kinds_of

pytestmark = pytest.mark.django_db
SENT = IN_WINDOW - dt.timedelta(days=10)  # 2026-03-05


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind_evaluators", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def invited(collecting, assessment, county_staff):
    """Five invitations about ``worker``, emailed on 2026-03-05 where they have an address:
    甲 (waiting), 乙 (no address), 丙 (answered), 丁 (revoked), and 戊 issued after the email."""
    kinds = kinds_of(collecting)
    with time_machine.travel(SENT, tick=False):
        issued = services.issue_invitations(
            by=county_staff,
            kind=kinds["服务企业"],
            assessment=assessment,
            contacts=[("甲公司", "a@example.cn"), ("乙公司", ""), ("丙公司", "c@example.cn")],
        )
        issued += services.issue_invitations(
            by=county_staff,
            kind=kinds["用人单位"],
            assessment=assessment,
            contacts=[("丁单位", "d@example.cn")],
        )
        assert services.send_invitations(by=county_staff, cycle=collecting) == 3
    services.submit_answer(
        token=issued[2].token,
        values={item.pk: 85 for item in kinds["服务企业"].items.all()},
        comment="",
        now=SENT + dt.timedelta(days=1),
    )
    services.revoke_invitation(by=county_staff, invitation=issued[3])
    services.issue_invitations(
        by=county_staff,
        kind=kinds["服务企业"],
        assessment=assessment,
        contacts=[("戊公司", "e@example.cn")],
    )
    mail.outbox.clear()
    return {invitation.contact: invitation for invitation in issued}


def test_reminds_the_invitee_emailed_who_has_not_answered(invited, other_cycle, outsider):
    with time_machine.travel(IN_WINDOW, tick=False):
        output = remind()

    (message,) = mail.outbox
    waiting = invited["甲公司"]
    assert message.to == ["a@example.cn"] and "提醒" in message.subject
    assert settings.SITE_URL + reverse("evaluation:survey", args=[waiting.token]) in message.body
    waiting.refresh_from_db()
    assert (waiting.reminders, waiting.reminded_at) == (1, IN_WINDOW)
    assert "涪城区总工会 2026: reminded 1 invitees" in output
    assert "Sent 1 reminders for 1 collecting cycles" in output  # 游仙区's is a draft
    entry = ModelLogEntry.objects.get(action="evaluation.send", data__reminder=True)
    assert entry.user is None and entry.data["sent"] == 1  # the system acts

    # Not again within the week; a week after, again; --every 0 at once.
    with time_machine.travel(IN_WINDOW + dt.timedelta(days=6), tick=False):
        assert "Sent 0 reminders" in remind()
    with time_machine.travel(IN_WINDOW + dt.timedelta(days=7), tick=False):
        assert "Sent 1 reminders" in remind()
        assert "Sent 1 reminders" in remind("--every", "0")
    waiting.refresh_from_db()
    assert waiting.reminders == 3 and len(mail.outbox) == 3


def test_dry_run_lists_and_changes_nothing(invited):
    with time_machine.travel(IN_WINDOW, tick=False):
        output = remind("--dry-run")
    assert "would remind 1 invitees" in output and "Would send 1 reminders" in output
    assert mail.outbox == []
    assert not Invitation.objects.filter(reminders__gt=0).exists()
    assert not ModelLogEntry.objects.filter(action="evaluation.send", data__reminder=True)


def test_nothing_outside_the_collecting_dates_or_once_collecting_closed(invited, county_staff):
    collecting = invited["甲公司"].kind.cycle
    # 2026-04-04, after collecting closed on 03-31.
    with time_machine.travel(IN_WINDOW + dt.timedelta(days=20), tick=False):
        assert "Sent 0 reminders for 0 collecting cycles" in remind()
    collecting = services.close_collecting(by=county_staff, cycle=collecting)
    with time_machine.travel(IN_WINDOW, tick=False):
        assert "Sent 0 reminders for 0 collecting cycles" in remind()
    assert services.remind_evaluators(cycle=collecting, now=IN_WINDOW) == 0
    assert mail.outbox == []


def test_refuses_a_negative_interval():
    with pytest.raises(CommandError, match="--every"):
        remind("--every", "-1")
