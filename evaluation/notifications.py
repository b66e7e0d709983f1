"""Emails to evaluators: the invitation link and reminders (one connection per run)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Invitation


def survey_url(invitation: Invitation) -> str:
    return f"{settings.SITE_URL}{reverse('evaluation:survey', args=[invitation.token])}"


def send_invitations(
    invitations: Iterable[Invitation], *, remind: bool = False
) -> list[Invitation]:
    """Email each invitation its link; return those sent (an address that fails is skipped)."""
    sent = []
    with get_connection() as connection:
        for invitation in invitations:
            worker = invitation.assessment.worker
            subject = (
                _("提醒：请为 %(name)s 填写满意度评价")
                if remind
                else _("请为 %(name)s 填写满意度评价")
            ) % {"name": worker.name}
            body = render_to_string(
                "evaluation/email/invitation.txt",
                {
                    "invitation": invitation,
                    "worker": worker,
                    "url": survey_url(invitation),
                    "remind": remind,
                    "site_name": settings.WAGTAIL_SITE_NAME,
                },
            )
            message = EmailMessage(
                subject=subject, body=body, to=[invitation.email], connection=connection
            )
            if message.send(fail_silently=True):
                sent.append(invitation)
    return sent
