"""Writes for the certificates app: issue, render, revoke, bulk issue.

Serial numbers are taken under a row lock on the federation's counter for the year, in the
same transaction as the certificate, so they never repeat and never skip. Issuing is
idempotent: the enrolment row is locked first and an existing certificate is returned.
"""

import datetime as dt
import io
import logging
import time
import zipfile
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfWriter
from wagtail.log_actions import log

from courses.models import Enrolment, Session
from lms.errors import DomainError
from lms.locking import lock, require_atomic
from workforce.models import Federation
from workforce.permissions import can_manage
from workforce.selectors import policy_for

from . import selectors
from .models import BulkIssueJob, Certificate, CertificateKind, FederationSeal, SerialCounter
from .rendering import certificate_data, render_pdf
from .validity import expiry_date
from .wording import format_serial

logger = logging.getLogger(__name__)


class CertificateError(DomainError):
    """A certificate action the rules refuse; the message is shown to the user."""


def _require_manager(by, federation: Federation) -> None:
    """Refuse unless ``by`` manages ``federation``: its staff issue, revoke and seal for it."""
    if by is None or not can_manage(by, federation):
        raise CertificateError(_("您无权管理“%(name)s”的证书。") % {"name": federation.name})


# Serial numbers ---------------------------------------------------------------------------------


def _lock_counter(federation: Federation, year: int) -> SerialCounter:
    """Return the federation's counter for ``year``, locked until the transaction ends."""
    require_atomic()
    # Create the row if it is missing without failing when another transaction does the same.
    SerialCounter.objects.bulk_create(
        [SerialCounter(federation=federation, year=year)], ignore_conflicts=True
    )
    counter = SerialCounter.objects.get(federation=federation, year=year)
    return lock(SerialCounter, counter.pk)


def take_serial(federation: Federation, year: int) -> str:
    """Return the next serial number of ``federation`` in ``year`` (inside a transaction)."""
    counter = _lock_counter(federation, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_serial(federation.code, year, counter.last)


# Issue ------------------------------------------------------------------------------------------


def _validity_years(kind: CertificateKind, issuer: Federation) -> int | None:
    if kind.validity == CertificateKind.Validity.FIXED:
        return kind.validity_years
    if kind.validity == CertificateKind.Validity.POLICY:
        return policy_for(issuer).qualification_validity_years
    return None


def _issue(
    *, by, enrolment: Enrolment, kind: CertificateKind | None, on: dt.date | None
) -> tuple[Certificate, bool]:
    on = on or timezone.localdate()
    with transaction.atomic():
        # The enrolment's row lock makes concurrent requests for it wait, then find the first
        # one's certificate.
        locked = lock(
            Enrolment.objects.select_related("worker", "session__course", "session__organizer"),
            enrolment.pk,
        )
        _require_manager(by, locked.session.organizer)
        if locked.status != Enrolment.Status.CONFIRMED or not locked.completed:
            raise CertificateError(
                _("%(worker)s 尚未结业，不能发证。") % {"worker": locked.worker.name}
            )
        session = locked.session
        kind = kind or selectors.default_kind(session.course.training_type)
        existing = selectors.for_rendering(
            Certificate.objects.filter(kind=kind, enrolment=locked)
        ).first()
        if existing is not None:
            return existing, False
        issuer = session.organizer
        certificate = Certificate.objects.create(
            kind=kind,
            holder=locked.worker,
            federation=issuer,
            serial=take_serial(issuer, on.year),
            issued_on=on,
            issued_by=by,
            enrolment=locked,
            expires_on=expiry_date(on, _validity_years(kind, issuer)),
        )
        log(
            certificate,
            "certificates.issue",
            user=by,
            data={"serial": certificate.serial, "holder": locked.worker.name, "kind": kind.name},
        )
    return certificate, True


def issue_certificate(
    *, by, enrolment: Enrolment, kind: CertificateKind | None = None, on: dt.date | None = None
) -> Certificate:
    """Issue the certificate of a completed enrolment, or return the one already issued.

    ``kind`` defaults to the kind of the course's training type (结业证书 or 资格证书); ``on``
    (the issue date, default today) sets the serial number's year and the expiry.
    """
    return _issue(by=by, enrolment=enrolment, kind=kind, on=on)[0]


def issue_for_subject(
    *,
    by,
    kind: CertificateKind,
    holder,
    federation: Federation,
    subject_key: str,
    subject: str,
    fields: dict | None = None,
    on: dt.date | None = None,
) -> Certificate:
    """Issue a certificate of a record outside the courses app, or return the one issued.

    For the apps built on this one (a 导师带徒 pairing): ``subject_key`` names the record
    (``"mentorship.pairing:42"``; one certificate per kind and key), ``subject`` says what it
    is, ``fields`` are the values its kind's statement prints (``start``/``end`` as ISO dates).
    The caller decides whether the record may be certified, under a lock on its row; here
    only the issuing federation's staff may issue. Same serial numbers as every certificate.
    """
    if not subject_key:
        raise ValueError("issue_for_subject() needs a subject_key")
    on = on or timezone.localdate()
    _require_manager(by, federation)
    same = Certificate.objects.filter(kind=kind, subject_key=subject_key)
    with transaction.atomic():
        existing = selectors.for_rendering(same).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    kind=kind,
                    holder=holder,
                    federation=federation,
                    serial=take_serial(federation, on.year),
                    issued_on=on,
                    issued_by=by,
                    subject_key=subject_key,
                    subject=subject,
                    statement_fields=dict(fields or {}),
                    expires_on=expiry_date(on, _validity_years(kind, federation)),
                )
        except IntegrityError:
            # Issued meanwhile by another request: that one stands (its serial was not taken
            # twice: the savepoint rolled this one's counter back).
            return selectors.for_rendering(same).get()
        log(
            certificate,
            "certificates.issue",
            user=by,
            data={"serial": certificate.serial, "holder": holder.name, "kind": kind.name},
        )
    return certificate


# Render -----------------------------------------------------------------------------------------


def render_certificate(certificate: Certificate, *, cache: dict | None = None) -> bool:
    """Store the certificate's PDF if it is missing or its data changed; return whether it did.

    The slow rendering runs outside any lock; the result is stored only if no one stored the
    same data meanwhile. The serial number and verification code never change.
    """
    data = certificate_data(certificate)
    digest = data.digest()
    if certificate.pdf and certificate.pdf_hash == digest:
        return False
    content = render_pdf(data, cache=cache)
    with transaction.atomic():
        locked = lock(Certificate, certificate.pk)
        if locked.pdf and locked.pdf_hash == digest:
            certificate.pdf, certificate.pdf_hash = locked.pdf, locked.pdf_hash
            return False
        old_name = locked.pdf.name
        locked.pdf.save(f"{locked.serial}.pdf", ContentFile(content), save=False)
        locked.pdf_hash = digest
        locked.save(update_fields=["pdf", "pdf_hash"])
        if old_name:
            storage = locked.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    certificate.pdf, certificate.pdf_hash = locked.pdf, locked.pdf_hash
    return True


def current_pdf(certificate: Certificate) -> Certificate:
    """Return the certificate (loaded for rendering) with an up-to-date stored PDF."""
    loaded = selectors.for_rendering(Certificate.objects.filter(pk=certificate.pk)).get()
    render_certificate(loaded)
    return loaded


# Revoke -----------------------------------------------------------------------------------------


def revoke_certificate(
    *, by, certificate: Certificate, reason: str, on: dt.date | None = None
) -> Certificate:
    """Revoke a certificate (撤销) with a reason; verification shows it as revoked from ``on``."""
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("请填写撤销原因。"))
    with transaction.atomic():
        locked = lock(Certificate.objects.select_related("federation"), certificate.pk)
        _require_manager(by, locked.federation)
        if locked.revoked_on is not None:
            raise CertificateError(_("证书 %(serial)s 已经撤销。") % {"serial": locked.serial})
        locked.revoked_on = on or timezone.localdate()
        locked.revoked_reason = reason
        locked.revoked_by = by
        locked.save(update_fields=["revoked_on", "revoked_reason", "revoked_by"])
        log(
            locked, "certificates.revoke", user=by, data={"serial": locked.serial, "reason": reason}
        )
    return locked


# Bulk issue -------------------------------------------------------------------------------------


def open_bulk_job(*, by, session: Session) -> tuple[BulkIssueJob, bool]:
    """Open a job issuing every certificate of ``session``; return it and whether it is new.

    A job already queued or running for the session is returned instead of a second one.
    ``certificates.tasks.bulk_issue`` opens the job and queues its work in one transaction.
    """
    with transaction.atomic():
        session = lock(Session.objects.select_related("organizer"), session.pk)
        _require_manager(by, session.organizer)
        active = session.certificate_jobs.filter(
            status__in=[BulkIssueJob.Status.QUEUED, BulkIssueJob.Status.RUNNING]
        ).first()
        if active is not None:
            return active, False
        total = selectors.issuable_enrolments(session).count()
        if not total:
            raise CertificateError(_("该班次还没有已结业的学员。"))
        job = BulkIssueJob.objects.create(session=session, requested_by=by, total=total)
        log(job, "certificates.bulk_issue", user=by, data={"session": str(session), "total": total})
    return job, True


@dataclass
class _Progress:
    job_id: int
    done: int = 0
    created: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)
    written_at: float = 0.0

    def save(self, *, force: bool = False) -> None:
        # At most a few writes a second: the progress page polls, it does not need every row.
        now = time.monotonic()
        if force or now - self.written_at >= 0.5:
            BulkIssueJob.objects.filter(pk=self.job_id).update(
                done=self.done, created=self.created, failed=self.failed, errors=self.errors
            )
            self.written_at = now


def process_bulk_issue(*, job_id: int) -> BulkIssueJob:
    """Issue and render every certificate of the job's session, then build the ZIP and print PDF.

    It acts as the job's requesting user, so every certificate is checked as if they issued it
    by hand (a user who lost the rights meanwhile gets one error per certificate). Each
    certificate is issued in its own transaction: one that fails is recorded in the job's
    errors and the others are kept. Run again, it issues nothing new and renders only PDFs
    whose data changed.
    """
    job = BulkIssueJob.objects.select_related("session", "requested_by").get(pk=job_id)
    BulkIssueJob.objects.filter(pk=job.pk).update(
        status=BulkIssueJob.Status.RUNNING, started_at=timezone.now()
    )
    progress = _Progress(job.pk)
    try:
        enrolments = list(
            selectors.issuable_enrolments(job.session)
            .select_related("worker", "session__course", "session__organizer")
            .order_by("worker__name", "pk")
        )
        BulkIssueJob.objects.filter(pk=job.pk).update(total=len(enrolments))
        images: dict = {}  # decoded images (the seal) shared by the whole batch
        issued: list[Certificate] = []
        for enrolment in enrolments:
            try:
                certificate, created = _issue(
                    by=job.requested_by, enrolment=enrolment, kind=None, on=None
                )
                render_certificate(certificate, cache=images)
            except Exception as error:  # one bad certificate must not lose the others
                logger.exception("Bulk issue %s: enrolment %s failed", job.pk, enrolment.pk)
                progress.failed += 1
                progress.errors.append(
                    {
                        "enrolment": enrolment.pk,
                        "worker": enrolment.worker.name,
                        "message": str(error)
                        if isinstance(error, CertificateError)
                        else _("生成证书出错（%(error)s）") % {"error": type(error).__name__},
                    }
                )
            else:
                progress.created += created
                issued.append(certificate)
            progress.done += 1
            progress.save()
        progress.save(force=True)
        printable = [c for c in issued if c.revoked_on is None]
        _store_outputs(job, printable)
        BulkIssueJob.objects.filter(pk=job.pk).update(
            status=BulkIssueJob.Status.FINISHED, finished_at=timezone.now()
        )
    except Exception as error:
        progress.errors.append({"message": _("批量签发中止（%(error)s）") % {"error": error}})
        progress.save(force=True)
        BulkIssueJob.objects.filter(pk=job.pk).update(
            status=BulkIssueJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    return job


def _read(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as file:
        return file.read()


def combine_pdfs(documents, output) -> None:
    """Write one PDF with the pages of ``documents`` (bytes, in order) to ``output``.

    The pages are copied as they are (pypdf): nothing is rendered twice.
    """
    writer = PdfWriter()
    for content in documents:
        writer.append(io.BytesIO(content))
    writer.write(output)


def _store_outputs(job: BulkIssueJob, certificates: list[Certificate]) -> None:
    """Store the ZIP of the PDFs and the combined print PDF on the job.

    One PDF is in memory at a time (besides the pages pypdf copies); both files are spooled to
    disk while they are built.
    """
    with SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        # PDFs are compressed already: store them as they are.
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in certificates:
                name = f"{certificate.serial}-{certificate.holder.name}.pdf"
                archive.writestr(name, _read(certificate))
        spool.seek(0)
        job.zip_file.save(f"{job.session_id}.zip", File(spool), save=False)
    with SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        combine_pdfs((_read(c) for c in certificates), spool)
        spool.seek(0)
        job.print_file.save(f"{job.session_id}.pdf", File(spool), save=False)
    BulkIssueJob.objects.filter(pk=job.pk).update(
        zip_file=job.zip_file.name, print_file=job.print_file.name
    )


# Seals ------------------------------------------------------------------------------------------


def set_seal(*, by, federation: Federation, image) -> FederationSeal:
    """Store ``federation``'s seal image; its certificates are re-rendered when next needed."""
    _require_manager(by, federation)
    with transaction.atomic():
        seal = FederationSeal.objects.select_for_update().filter(federation=federation).first()
        created = seal is None
        seal = seal or FederationSeal(federation=federation)
        old_name = "" if created else seal.image.name
        seal.image = image
        seal.save()
        if old_name and old_name != seal.image.name:
            storage = seal.image.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        log(seal, "wagtail.create" if created else "wagtail.edit", user=by)
    return seal


def remove_seal(*, by, seal: FederationSeal) -> None:
    """Delete a federation's seal; its certificates print without one from then on."""
    _require_manager(by, seal.federation)
    with transaction.atomic():
        name, storage = seal.image.name, seal.image.storage
        log(seal, "wagtail.delete", user=by)
        seal.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
