"""Emails about self-inspection reports: a submitted report to the staff above the county,
an acknowledged or returned one to the county's staff."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from workforce.permissions import staff_of

from .choices import ReportState
from .models import SelfInspection


def send_report_state(report_id: int) -> int:
    """Tell whoever acts next about the report's new state; return the number of addresses."""
    report = SelfInspection.objects.select_related("federation").filter(pk=report_id).first()
    if report is None:
        return 0
    if report.state == ReportState.SUBMITTED:
        federation = report.federation.get_parent() or report.federation
    else:
        federation = report.federation
    to = sorted({person.email for person in staff_of(federation) if person.email})
    if not to:
        return 0
    subject = _("自查报告%(state)s：%(report)s") % {
        "state": report.get_state_display(),
        "report": report,
    }
    body = render_to_string(
        "compensation/email/report_state.txt",
        {"report": report, "site_name": settings.WAGTAIL_SITE_NAME},
    )
    EmailMessage(subject=subject, body=body, bcc=to).send()
    return len(to)
