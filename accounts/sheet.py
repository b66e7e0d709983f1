"""The activation sheet (账号激活单): an A4 PDF in Chinese, four cut-out slips to a page.

Each slip names a worker (masked ID number, unit, employing federation) and carries their
one-time activation link as a QR code, as printed text and as the typed code, with its expiry
and the three steps to follow. The codes exist only in this PDF: it is answered as a download
and stored nowhere. Built like the certificates (``certificates.rendering``: WeasyPrint, the
Noto CJK fonts, segno's QR codes).
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from certificates.rendering import html_to_pdf, qr_uri
from workforce import idnumber

from .services import IssuedLink

TEMPLATE = "accounts/sheet.html"
STYLESHEET = Path(settings.BASE_DIR) / "static_src" / "accounts" / "sheet.css"
SLIPS_PER_PAGE = 4


@dataclass(frozen=True)
class Slip:
    """One worker's cut-out slip, as text (and the QR code as a data URI)."""

    federation: str
    name: str
    id_number: str  # masked
    unit: str
    url: str
    code: str  # as printed: ABCD-EFGH-JKMN-PQRS
    expires_on: str
    qr: str


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def last_day(expires_at: dt.datetime) -> dt.date:
    """Return the last day a link expiring at ``expires_at`` may be used (local time)."""
    return timezone.localtime(expires_at - dt.timedelta(microseconds=1)).date()


def slips(issued: list[IssuedLink], workers: dict[int, object], units: dict[int, str]) -> list:
    """Return a slip per issued link, in the links' order.

    ``workers`` maps a user id to the worker (with its federation loaded), ``units`` a worker id
    to the name of the unit they are posted to: no queries here.
    """
    result = []
    for link in issued:
        worker = workers[link.user.pk]
        result.append(
            Slip(
                federation=worker.federation.name,
                name=worker.name,
                id_number=idnumber.mask(worker.id_number),
                unit=units.get(worker.pk, ""),
                url=link.url,
                code=link.printed_code,
                expires_on=_ymd(last_day(link.expires_at)),
                qr=qr_uri(link.url),
            )
        )
    return result


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS  # slow to import: only when a sheet is printed

    return CSS(filename=str(STYLESHEET))


def sheet_html(slips: list[Slip]) -> str:
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    return render_to_string(
        TEMPLATE,
        {"pages": pages, "site_name": settings.WAGTAIL_SITE_NAME, "site_url": settings.SITE_URL},
    )


def sheet_pdf(slips: list[Slip]) -> bytes:
    """Return the slips as an A4 PDF, ``SLIPS_PER_PAGE`` to a page."""
    return html_to_pdf(sheet_html(slips), stylesheets=[_stylesheet()])
