"""Emails about training: enrolment confirmed, waitlisted, promoted, session changed or cancelled,
deadline near.

Services call these through ``transaction.on_commit`` with ids, so a message leaves only
after its change is committed and shows the committed state. Bodies are the templates in
``templates/courses/email/``. A worker without an email address is skipped (and logged).
"""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from workforce.models import Worker

from .calendar import session_calendar, session_page_url
from .models import Enrolment, Meeting, Session

logger = logging.getLogger(__name__)

ICS_MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def _address(worker: Worker) -> str | None:
    email = (worker.user.email or "").strip() if worker.user_id else ""
    if not email:
        logger.info("Worker %s has no email address; notification skipped.", worker.pk)
        return None
    return email


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _session_context(session: Session) -> dict:
    meetings = list(Meeting.objects.filter(session=session).order_by("date", "start_time", "pk"))
    return {
        "session": session,
        "course": session.course,
        "organizer": session.organizer,
        "meetings": meetings,
        "held_meetings": [m for m in meetings if not m.cancelled],
        "session_url": session_page_url(session.pk),
        "ics_url": _absolute(reverse("courses:session_ics", args=[session.pk])),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }


def _message(*, to: str, subject: str, template: str, context: dict) -> EmailMessage:
    body = render_to_string(f"courses/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to])


def _load_enrolment(enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("worker__user", "session__course", "session__organizer")
        .filter(pk=enrolment_id)
        .first()
    )


def _send_enrolment_mail(
    enrolment_id: int, *, template: str, subject: str, status: int, attach: bool
) -> bool:
    enrolment = _load_enrolment(enrolment_id)
    # The state may have moved on before the commit hook ran (cancelled at once): stay quiet.
    if enrolment is None or enrolment.status != status:
        return False
    to = _address(enrolment.worker)
    if to is None:
        return False
    session = enrolment.session
    context = _session_context(session) | {"worker": enrolment.worker, "enrolment": enrolment}
    message = _message(
        to=to, subject=subject % {"title": session.title}, template=template, context=context
    )
    if attach:
        message.attach(f"session-{session.pk}.ics", session_calendar(session), ICS_MIMETYPE)
    message.send()
    return True


def send_enrolment_confirmed(enrolment_id: int) -> bool:
    """Tell a worker their seat is confirmed, with the session's calendar attached."""
    return _send_enrolment_mail(
        enrolment_id,
        template="enrolment_confirmed",
        subject=_("报名成功：%(title)s"),
        status=Enrolment.Status.CONFIRMED,
        attach=True,
    )


def send_waitlisted(enrolment_id: int) -> bool:
    """Tell a worker the session is full and they are on its waitlist."""
    return _send_enrolment_mail(
        enrolment_id,
        template="waitlisted",
        subject=_("已列入候补：%(title)s"),
        status=Enrolment.Status.WAITLISTED,
        attach=False,
    )


def send_promoted(enrolment_id: int) -> bool:
    """Tell a waitlisted worker a seat was freed and is now theirs."""
    return _send_enrolment_mail(
        enrolment_id,
        template="promoted",
        subject=_("候补转为正式学员：%(title)s"),
        status=Enrolment.Status.CONFIRMED,
        attach=True,
    )


def send_session_changed(session_id: int, *, reason: str = "") -> int:
    """Tell every enrolled worker that a session changed or was cancelled, with its ``.ics``.

    Returns how many messages were sent.
    """
    session = Session.objects.select_related("course", "organizer").filter(pk=session_id).first()
    if session is None:
        return 0
    enrolments = (
        Enrolment.objects.filter(session=session)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("worker__user")
        .order_by("pk")
    )
    cancelled = session.status == Session.Status.CANCELLED
    template = "session_cancelled" if cancelled else "session_changed"
    subject = (_("班次已取消：%(title)s") if cancelled else _("班次安排有变：%(title)s")) % {
        "title": session.title
    }
    context = _session_context(session) | {"reason": reason, "cancelled": cancelled}
    ics = session_calendar(session)
    messages = []
    for enrolment in enrolments:
        to = _address(enrolment.worker)
        if to is None:
            continue
        message = _message(
            to=to,
            subject=subject,
            template=template,
            context=context | {"worker": enrolment.worker, "enrolment": enrolment},
        )
        message.attach(f"session-{session.pk}.ics", ics, ICS_MIMETYPE)
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def send_deadline_reminder(*, worker: Worker, items: Sequence) -> bool:
    """Tell a worker that training deadlines are near (called by ``notify_deadlines``).

    ``items`` are the compliance results (``courses.compliance``) that are due soon or
    overdue; each is shown by its ``str()`` unless the template knows it better. Returns
    whether a message was sent.
    """
    items = list(items)
    if not items:
        return False
    to = _address(worker)
    if to is None:
        return False
    context = {
        "worker": worker,
        "items": items,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    _message(to=to, subject=_("培训期限提醒"), template="deadline_reminder", context=context).send()
    return True
