"""Front-office views: public verification (查验) and the worker's "my certificates"."""

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from workforce.models import Worker

from . import selectors, services
from .models import Certificate
from .wording import mask_name

# Verification codes are ``secrets.token_urlsafe(24)``: 32 URL-safe characters.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
VERIFY_LIMIT = 20  # lookups per client address and window
VERIFY_WINDOW = 60  # seconds


def _over_limit(request) -> bool:
    """Count a lookup from the client's address; return whether it is over the limit."""
    return is_ratelimited(
        request,
        group="certificates.verify",
        key="ip",
        rate=(VERIFY_LIMIT, VERIFY_WINDOW),
        increment=True,
    )


def _too_many(request):
    response = render(request, "certificates/verify_throttled.html", status=429)
    response["Retry-After"] = str(VERIFY_WINDOW)
    return response


def verify_other(request, rest: str):
    """Any other address under /verify/: a code without its slash, else "not found"."""
    return verify(request, rest.removesuffix("/"))


def _not_found(request, serial: str = ""):
    return render(request, "certificates/verify_not_found.html", {"serial": serial}, status=404)


def _result(request, certificate: Certificate):
    enrolment = certificate.enrolment
    session = enrolment.session if enrolment else None
    standing = certificate.standing(timezone.localdate())
    return render(
        request,
        "certificates/verify.html",
        {
            "standing": str(standing),
            "holder": mask_name(certificate.holder.name),
            "kind": certificate.kind.name,
            "course": session.course.title if session else "",
            "session": session,
            "certificate": certificate,
        },
    )


@never_cache
def verify(request, code: str):
    """Show whether the certificate with this verification code is valid, revoked or expired."""
    if _over_limit(request):
        return _too_many(request)
    if not CODE_RE.match(code):
        return _not_found(request)
    certificate = selectors.verification(code=code)
    if certificate is None:
        return _not_found(request)
    return _result(request, certificate)


@never_cache
def verify_search(request):
    """Look a certificate up by its serial number (``?serial=FC-2026-000001``)."""
    serial = request.GET.get("serial", "").strip()[:40]
    if not serial:
        return render(request, "certificates/verify_search.html")
    if _over_limit(request):
        return _too_many(request)
    certificate = selectors.verification(serial=serial)
    if certificate is None:
        return _not_found(request, serial)
    return _result(request, certificate)


def _own_worker(request):
    try:
        return request.user.worker
    except Worker.DoesNotExist:
        raise Http404 from None


@login_required
def my_certificates(request):
    """List the signed-in worker's certificates with links to their PDFs."""
    worker = _own_worker(request)
    today = timezone.localdate()
    certificates = selectors.my_certificates(worker)
    for certificate in certificates:
        certificate.current_standing = str(certificate.standing(today))
    return render(
        request,
        "certificates/my_certificates.html",
        {"worker": worker, "certificates": certificates},
    )


@login_required
def my_certificate_pdf(request, pk: int):
    """Send the worker's own certificate PDF (rendered now if missing or out of date)."""
    certificate = get_object_or_404(
        Certificate, pk=pk, holder__user=request.user, revoked_on__isnull=True
    )
    certificate = services.current_pdf(certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
