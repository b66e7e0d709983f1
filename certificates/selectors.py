"""Reads for the certificates app."""

import datetime as dt

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When

from courses.models import Enrolment, Session
from workforce.models import Worker

from .models import BulkIssueJob, Certificate, CertificateKind, in_force_q
from .validity import Standing
from .wording import normalize_serial

RENDER_RELATIONS = (
    "kind",
    "holder",
    "federation",
    "federation__seal",
    "enrolment__session__course",
)


def default_kind(training_type: str) -> CertificateKind:
    """Return the kind issued by default for a course of ``training_type`` (1 query).

    The kind that lists the training type wins; otherwise the first kind, 结业证书.
    """
    kinds = list(CertificateKind.objects.order_by("pk"))
    if not kinds:
        raise CertificateKind.DoesNotExist("No certificate kinds: run the migrations.")
    return next((kind for kind in kinds if training_type in kind.training_types), kinds[0])


def for_rendering(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Load what a certificate's PDF shows, in the same query."""
    return certificates.select_related(*RENDER_RELATIONS)


def issuable_enrolments(session: Session) -> QuerySet[Enrolment]:
    """Return the enrolments of ``session`` that may get a certificate: confirmed and completed."""
    return Enrolment.objects.filter(
        session=session, status=Enrolment.Status.CONFIRMED, completed=True
    )


# Scopes ---------------------------------------------------------------------------------------


# Staff screens ----------------------------------------------------------------------------------


def certificate_list(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Return certificates with what the staff listing shows, in one query."""
    return certificates.select_related("kind", "holder", "federation", "enrolment__session__course")


def filter_standing(
    certificates: QuerySet[Certificate], value: str, today: dt.date
) -> QuerySet[Certificate]:
    if value == Standing.VALID:
        return certificates.filter(in_force_q(today))
    if value == Standing.REVOKED:
        return certificates.filter(revoked_on__isnull=False)
    if value == Standing.EXPIRED:
        return certificates.filter(revoked_on__isnull=True, expires_on__lt=today)
    return certificates


def sessions_with_counts(
    sessions: QuerySet[Session], *, today: dt.date, pending_only: bool = False
) -> QuerySet[Session]:
    """Return sessions with ``completed_count`` and ``certified_count`` (one query).

    Sessions with workers still waiting for a certificate come first, then the sessions that
    have started (latest first), then the upcoming ones.
    """
    completed = Q(enrolments__status=Enrolment.Status.CONFIRMED, enrolments__completed=True)
    sessions = sessions.select_related("course", "organizer").annotate(
        completed_count=Count("enrolments", filter=completed, distinct=True),
        certified_count=Count(
            "enrolments",
            filter=completed & Q(enrolments__certificates__isnull=False),
            distinct=True,
        ),
    )
    if pending_only:
        sessions = sessions.filter(completed_count__gt=F("certified_count"))
    return sessions.order_by(
        Case(When(completed_count__gt=F("certified_count"), then=0), default=1),
        Case(When(start_date__lte=today, then=0), default=1),
        "-end_date",
        "-pk",
    )


def session_roster(session: Session) -> list[Enrolment]:
    """Return the session's completed enrolments with their certificates (2 queries)."""
    return list(
        issuable_enrolments(session)
        .select_related("worker")
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.select_related("kind"),
                to_attr="certificate_list",
            )
        )
        .order_by("worker__name", "pk")
    )


def recent_jobs(session: Session, limit: int = 5) -> list[BulkIssueJob]:
    return list(session.certificate_jobs.select_related("requested_by")[:limit])


# Worker and public pages ------------------------------------------------------------------------


def my_certificates(worker: Worker) -> list[Certificate]:
    """Return the worker's certificates, newest first, with what the page shows (1 query)."""
    return list(
        Certificate.objects.filter(holder=worker).select_related(
            "kind", "federation", "enrolment__session__course"
        )
    )


def verification(*, code: str | None = None, serial: str | None = None) -> Certificate | None:
    """Return the certificate with this verification code or serial number, or None (≤ 1 query)."""
    if code is not None:
        lookup = {"code": code}
    elif serial is not None and (normalized := normalize_serial(serial)):
        lookup = {"serial": normalized}
    else:
        return None
    return (
        Certificate.objects.filter(**lookup)
        .select_related("kind", "holder", "federation", "enrolment__session__course")
        .first()
    )
