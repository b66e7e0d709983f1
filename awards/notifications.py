"""Emails about nominations: each state change to the staff who nominated, and a new objection
to the staff of the campaign's federation."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from workforce.permissions import staff_of

from .models import Nomination, Objection


def _send(subject: str, template: str, context: dict, to: list[str]) -> int:
    to = sorted({address for address in to if address})
    if not to:
        return 0
    body = render_to_string(template, {**context, "site_name": settings.WAGTAIL_SITE_NAME})
    EmailMessage(subject=subject, body=body, bcc=to).send()
    return len(to)


def send_state(nomination_id: int) -> int:
    """Tell the staff who nominated (and the allocation's federation) the nomination's new state."""
    nomination = (
        Nomination.objects.select_related(
            "worker", "campaign__award", "nominated_by", "allocation__federation"
        )
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        return 0
    people = [nomination.nominated_by, *staff_of(nomination.allocation.federation)]
    subject = _("推荐%(state)s：%(nomination)s") % {
        "state": nomination.get_state_display(),
        "nomination": nomination,
    }
    return _send(
        subject,
        "awards/email/state.txt",
        {"nomination": nomination},
        [person.email for person in people if person is not None],
    )


def send_objection_filed(objection_id: int) -> int:
    objection = (
        Objection.objects.select_related("nomination__campaign__federation", "nomination__worker")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        return 0
    campaign = objection.nomination.campaign
    subject = _("收到异议 %(reference)s：%(nomination)s") % {
        "reference": objection.reference,
        "nomination": objection.nomination,
    }
    return _send(
        subject,
        "awards/email/objection.txt",
        {"objection": objection},
        [user.email for user in staff_of(campaign.federation)],
    )
