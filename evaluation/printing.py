"""Printable sheets of a cycle (PDF, Chinese, A4): invitation cards and posters with QR codes.

Staff hand the cards to employing units and enterprise contacts, and put a worker's poster up
where the people they serve will see it. Built like a certificate (``certificates.rendering``:
the QR code, WeasyPrint, the Noto CJK fonts) from what ``invitation_cards`` and
``poster_pages`` gather in a fixed number of queries, whatever the number of workers.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.rendering import html_to_pdf, qr_uri
from workforce.models import Posting, open_posting_q

from . import notifications
from .models import Assessment, Cycle, Invitation, Poster

STYLESHEET = Path(settings.BASE_DIR) / "static_src" / "evaluation" / "printing.css"


def poster_url(code: str) -> str:
    """Return the public entry a poster's QR code opens."""
    return f"{settings.SITE_URL}{reverse('evaluation:poster', args=[code])}"


@dataclass(frozen=True)
class Card:
    """One cut-out invitation card."""

    worker: str
    unit: str
    kind: str
    contact: str
    url: str
    qr: str
    valid_until: str


@dataclass(frozen=True)
class PosterPage:
    """One A4 poster of a worker for a POSTER kind."""

    worker: str
    unit: str
    kind: str
    url: str
    qr: str


def _unit_names(worker_ids) -> dict[int, str]:
    postings = Posting.objects.filter(open_posting_q(), worker_id__in=list(worker_ids))
    return dict(postings.order_by("start").values_list("worker_id", "unit__name"))


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _last_day(moment: dt.datetime) -> dt.date:
    """Return the last day a token valid until ``moment`` (exclusive) may be used."""
    return timezone.localtime(moment - dt.timedelta(microseconds=1)).date()


def invitation_cards(cycle: Cycle, assessment: Assessment | None = None) -> list[Card]:
    """Return a card for each usable staff-issued invitation of the cycle (or of one worker).

    Two queries: the invitations with their workers and kinds, and the workers' units.
    """
    invitations = (
        Invitation.objects.filter(
            kind__cycle=cycle, source=Invitation.Source.ISSUED, revoked=False, uses_left__gt=0
        )
        .select_related("assessment__worker", "kind")
        .order_by("assessment__worker__name", "assessment_id", "kind__order", "pk")
    )
    if assessment is not None:
        invitations = invitations.filter(assessment=assessment)
    invitations = list(invitations)
    units = _unit_names({i.assessment.worker_id for i in invitations})
    cards = []
    for invitation in invitations:
        worker = invitation.assessment.worker
        url = notifications.survey_url(invitation)
        cards.append(
            Card(
                worker=worker.name,
                unit=units.get(worker.pk, cycle.federation.display_name),
                kind=invitation.kind.name,
                contact=invitation.contact,
                url=url,
                qr=qr_uri(url),
                valid_until=_ymd(_last_day(invitation.valid_until)),
            )
        )
    return cards


def poster_pages(cycle: Cycle, assessment: Assessment | None = None) -> list[PosterPage]:
    """Return a poster for each worker and POSTER kind of the cycle (or of one worker).

    Posters exist once collecting has started (``services.start_collecting``). Two queries.
    """
    posters = (
        Poster.objects.filter(kind__cycle=cycle)
        .select_related("assessment__worker", "kind")
        .order_by("assessment__worker__name", "assessment_id", "kind__order", "pk")
    )
    if assessment is not None:
        posters = posters.filter(assessment=assessment)
    posters = list(posters)
    units = _unit_names({p.assessment.worker_id for p in posters})
    pages = []
    for poster in posters:
        worker = poster.assessment.worker
        url = poster_url(poster.code)
        pages.append(
            PosterPage(
                worker=worker.name,
                unit=units.get(worker.pk, cycle.federation.display_name),
                kind=poster.kind.name,
                url=url,
                qr=qr_uri(url),
            )
        )
    return pages


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS  # slow to import: only when a sheet is printed

    return CSS(filename=str(STYLESHEET))


def _render(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context), stylesheets=[_stylesheet()])


def _period(cycle: Cycle) -> str:
    return f"{_ymd(cycle.opens_on)}至{_ymd(cycle.closes_on)}"


def invitations_pdf(cycle: Cycle, assessment: Assessment | None = None) -> bytes:
    """Return the invitation cards of the cycle (or of one worker), eight to an A4 page."""
    return _render(
        "evaluation/printing/invitations.html",
        {"cycle": cycle, "cards": invitation_cards(cycle, assessment)},
    )


def posters_pdf(cycle: Cycle, assessment: Assessment | None = None) -> bytes:
    """Return the posters of the cycle (or of one worker), one A4 page each."""
    return _render(
        "evaluation/printing/posters.html",
        {
            "cycle": cycle,
            "pages": poster_pages(cycle, assessment),
            "period": _period(cycle),
            "issuer": cycle.federation.name,
        },
    )
