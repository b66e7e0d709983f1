"""Turn a certificate into the data its PDF shows, and that data into PDF bytes (WeasyPrint).

``certificate_data`` reads only what the caller loaded (see ``selectors.for_rendering``);
``CertificateData.digest()`` is what decides whether a stored PDF is still current.
"""

import base64
import datetime as dt
import hashlib
import json
import mimetypes
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .wording import chinese_date

# Bump when the template or stylesheet changes what a certificate looks like: every stored PDF
# is then re-rendered the next time it is needed.
LAYOUT_VERSION = 1
TEMPLATE = "certificates/certificate.html"
STYLESHEET = Path(settings.BASE_DIR) / "static_src" / "certificates" / "certificate.css"


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on a certificate, as text."""

    title: str
    holder: str
    statement: str
    issuer: str
    serial: str
    issued_on: str
    issued_on_text: str
    expires_on: str
    verify_url: str
    seal: str  # storage name of the seal image, "" for none
    layout: int = LAYOUT_VERSION

    def digest(self) -> str:
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def format_hours(hours: Decimal) -> str:
    """Return 40 for 40.0 and 12.5 for 12.5."""
    return f"{hours.normalize():f}" if hours == hours.to_integral() else f"{hours:f}"


def _ymd(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def subject_fields(values: dict) -> dict[str, str]:
    """Return a subject's statement values as printed: ``start``/``end`` (ISO dates) in
    Chinese, the end's year left out when it is the start's."""
    fields = {key: str(value) for key, value in values.items()}
    start = dt.date.fromisoformat(fields["start"]) if fields.get("start") else None
    end = dt.date.fromisoformat(fields["end"]) if fields.get("end") else None
    if start is not None:
        fields["start"] = chinese_date(start)
    if end is not None:
        same_year = start is not None and start.year == end.year
        fields["end"] = chinese_date(end, with_year=not same_year)
    return fields


def certificate_data(certificate) -> CertificateData:
    """Return what the PDF of ``certificate`` shows (no queries beyond the loaded relations)."""
    kind = certificate.kind
    enrolment = certificate.enrolment
    fields = _Blank(issuer=certificate.federation.name)
    if enrolment is not None:
        session = enrolment.session
        course = session.course
        hours = enrolment.credited_hours or course.credit_hours
        same_year = session.start_date.year == session.end_date.year
        fields.update(
            course=course.title,
            session=session.title,
            hours=format_hours(Decimal(hours)),
            start=chinese_date(session.start_date),
            end=chinese_date(session.end_date, with_year=not same_year),
        )
    elif certificate.subject_key:
        fields.update(subject_fields(certificate.statement_fields))
    seal = getattr(certificate.federation, "seal", None)
    return CertificateData(
        title=kind.title,
        holder=certificate.holder.name,
        statement=kind.statement.format_map(fields),
        issuer=certificate.federation.name,
        serial=certificate.serial,
        issued_on=_ymd(certificate.issued_on),
        issued_on_text=chinese_date(certificate.issued_on),
        expires_on=_ymd(certificate.expires_on) if certificate.expires_on else "",
        verify_url=certificate.get_verify_url(),
        seal=seal.image.name if seal is not None and seal.image else "",
    )


@lru_cache(maxsize=1)
def _stylesheet():
    # WeasyPrint is imported when a certificate is first rendered: it is slow to import, and
    # most processes (every web request that shows no certificate) never need it.
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET))


@lru_cache(maxsize=32)
def _seal_uri(name: str) -> str:
    """Return the seal image as a data URI (storage names are unique per upload)."""
    with default_storage.open(name, "rb") as file:
        content = file.read()
    mime = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def qr_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(dark="#2b1d14", border=0, scale=4)


_FULL_WIDTH = re.compile("([“”‘’])")


def typeset(text: str) -> str:
    """Return ``text`` as HTML with its quotation marks set full width, as Chinese print has them.

    Noto CJK's quotation marks are proportional unless the ``fwid`` feature asks otherwise.
    """
    return mark_safe(_FULL_WIDTH.sub(r'<span class="fw">\1</span>', str(escape(text))))


def certificate_html(data: CertificateData) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "c": data,
            "statement": typeset(data.statement),
            "qr_uri": qr_uri(data.verify_url),
            "seal_uri": _seal_uri(data.seal) if data.seal else "",
        },
    )


def html_to_pdf(html: str, *, cache: dict | None = None, stylesheets: list | None = None) -> bytes:
    """Render one certificate page; ``cache`` shares decoded images across a batch.

    Other printed sheets (evaluation/printing.py) pass their own ``stylesheets``.
    """
    from weasyprint import HTML  # imported on first use, as in _stylesheet()

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[_stylesheet()] if stylesheets is None else stylesheets, cache=cache
    )


def render_pdf(data: CertificateData, *, cache: dict | None = None) -> bytes:
    return html_to_pdf(certificate_html(data), cache=cache)
