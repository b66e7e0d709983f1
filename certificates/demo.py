"""Demo data for certificates: seals for the federations, certificates for finished sessions.

Runs after the training demo (``courses/demo.py``), through the same services as the product.
Sessions that ended in the last three weeks are left without certificates, so that the demo
can show "按班次签发" (bulk issue) on them. PDFs are not rendered here: each is rendered the
first time someone downloads it. Idempotent: a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from courses.models import Enrolment
from workforce.demo import DemoContext
from workforce.models import Federation

from . import services
from .models import Certificate, FederationSeal
from .seal import draw_seal

LEAVE_FOR_BULK_DAYS = 21
ISSUE_AFTER_DAYS = 7


def add_seals(ctx: DemoContext) -> None:
    """Give the city and county-level federations a (clearly marked demo) seal."""
    sealed = set(FederationSeal.objects.values_list("federation_id", flat=True))
    for federation in Federation.objects.filter(depth__lte=2).order_by("path"):
        if federation.pk in sealed:
            continue
        image = ContentFile(draw_seal(federation.name), name=f"{federation.code}.png")
        services.set_seal(by=ctx.by, federation=federation, image=image)
        ctx.count(_("证书印章"))


def issue_certificates(ctx: DemoContext) -> None:
    """Issue the certificates of sessions that ended over three weeks ago, a week after each."""
    cutoff = ctx.today - dt.timedelta(days=LEAVE_FOR_BULK_DAYS)
    enrolments = (
        Enrolment.objects.filter(
            status=Enrolment.Status.CONFIRMED,
            completed=True,
            session__end_date__lt=cutoff,
            certificates__isnull=True,
        )
        .select_related("session")
        .order_by("session__end_date", "session_id", "worker__name", "pk")
    )
    for enrolment in enrolments:
        on = min(enrolment.session.end_date + dt.timedelta(days=ISSUE_AFTER_DAYS), ctx.today)
        services.issue_certificate(by=ctx.by, enrolment=enrolment, on=on)
        ctx.count(_("证书"))


def revoke_one(ctx: DemoContext) -> None:
    """Revoke one certificate, so that the verification page can show "已撤销"."""
    if Certificate.objects.filter(revoked_on__isnull=False).exists():
        return
    certificates = list(Certificate.objects.order_by("serial").values_list("pk", flat=True)[:50])
    if not certificates:
        return
    certificate = Certificate.objects.get(pk=ctx.rng("revoke").choice(certificates))
    services.revoke_certificate(
        by=ctx.by,
        certificate=certificate,
        reason="学员身份信息登记有误，本证作废。",
        on=min(certificate.issued_on + dt.timedelta(days=30), ctx.today),
    )
    ctx.count(_("撤销证书"))


DEMO_STEPS = [add_seals, issue_certificates, revoke_one]
