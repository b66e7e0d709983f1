"""Emails about mentoring: a pairing proposed, accepted, declined, dissolved, completed or
asked to extend; a meeting log awaiting confirmation; check-ins overdue, reviews due and terms
ending (the daily ``notify_mentoring`` job).

Services call these through ``transaction.on_commit`` with ids, so a message leaves only after
its change is committed. A person without an email address is skipped (and logged).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workforce.permissions import staff_of

from .models import MeetingLog, Pairing

logger = logging.getLogger(__name__)

# What each event says, in one sentence (the subject and the first line of the message).
EVENTS = {
    "proposed": gettext_lazy("新的师徒结对待导师确认"),
    "accepted": gettext_lazy("师徒结对已确认"),
    "declined": gettext_lazy("师徒结对已被婉拒"),
    "dissolved": gettext_lazy("师徒结对已解除"),
    "completed": gettext_lazy("师徒结对已完成"),
    "extension": gettext_lazy("师徒结对的延期申请待确认"),
    "log_awaiting": gettext_lazy("有一条带教记录待您确认"),
    "checkin_overdue": gettext_lazy("师徒结对已逾期未见面"),
    "review_due": gettext_lazy("带教评价待提交"),
    "term_ending": gettext_lazy("师徒结对已到期，请完成结业评价"),
}

# Who hears of each event: the mentor, the apprentice, the supervising staff.
AUDIENCE = {
    "proposed": ("mentor", "apprentice"),
    "accepted": ("mentor", "apprentice", "staff"),
    "declined": ("apprentice", "staff"),
    "dissolved": ("mentor", "apprentice", "staff"),
    "completed": ("mentor", "apprentice"),
    "extension": ("mentor", "apprentice", "staff"),
    "checkin_overdue": ("mentor", "apprentice", "staff"),
    "review_due": ("mentor", "apprentice"),
    "term_ending": ("mentor", "apprentice", "staff"),
}


def _addresses(users: Iterable) -> list[str]:
    found = []
    for user in users:
        email = (getattr(user, "email", "") or "").strip()
        if email:
            found.append(email)
        else:
            logger.info("User %s has no email address; notification skipped.", user.pk)
    return list(dict.fromkeys(found))


def _people(pairing: Pairing, audience: Iterable[str]) -> list:
    people = []
    if "mentor" in audience:
        people.append(pairing.mentor.user)
    if "apprentice" in audience and pairing.apprentice.user_id:
        people.append(pairing.apprentice.user)
    if "staff" in audience:
        people.extend(staff_of(pairing.federation))
    return people


def _load(pairing_id: int) -> Pairing | None:
    return (
        Pairing.objects.select_related("mentor__user", "apprentice__user", "federation")
        .filter(pk=pairing_id)
        .first()
    )


def _send(pairing: Pairing, event: str, people: list, *, extra: str = "", connection=None) -> int:
    to = _addresses(people)
    if not to:
        return 0
    body = render_to_string(
        "mentorship/email/event.txt",
        {
            "pairing": pairing,
            "headline": EVENTS[event],
            "extra": extra,
            "url": f"{settings.SITE_URL}{reverse('mentorship:pairing', args=[pairing.pk])}",
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    subject = f"{EVENTS[event]}：{pairing}"
    EmailMessage(subject=subject, body=body, bcc=to, connection=connection).send()
    return len(to)


def send_pairing_event(pairing_id: int, event: str) -> int:
    """Tell the people concerned that ``event`` happened to the pairing; return how many."""
    pairing = _load(pairing_id)
    if pairing is None:
        return 0
    extra = pairing.end_reason if event in ("declined", "dissolved") else ""
    return _send(pairing, event, _people(pairing, AUDIENCE[event]), extra=extra)


def send_log_awaiting(log_id: int) -> int:
    """Ask the side that did not write a meeting log to confirm it."""
    entry = MeetingLog.objects.select_related("pairing").filter(pk=log_id).first()
    if entry is None:
        return 0
    pairing = _load(entry.pairing_id)
    other = [pairing.mentor.user, pairing.apprentice.user]
    other = [user for user in other if user is not None and user.pk != entry.written_by_id]
    extra = _("%(date)s %(topic)s（%(hours)s 小时）") % {
        "date": entry.date.isoformat(),
        "topic": entry.topic,
        "hours": entry.hours,
    }
    return _send(pairing, "log_awaiting", other, extra=extra)


def send_reminders(items: Iterable[tuple[Pairing, str]]) -> int:
    """Send the daily job's reminders over one connection; return how many messages left."""
    sent = 0
    with get_connection() as connection:
        for pairing, event in items:
            people = _people(pairing, AUDIENCE[event])
            sent += bool(_send(pairing, event, people, connection=connection))
    return sent
