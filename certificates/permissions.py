"""What a user may see of certificates: the one module that scopes certificate querysets.

Staff see the certificates issued in their subtree or held by its workers, revoke those issued by
a federation they manage, and issue for the sessions organised there. Anyone else gets nothing
from the admin scopes, so another federation's certificate is a 404.
"""

from django.db.models import QuerySet

from courses.permissions import sessions_for
from workforce.models import subtree_q
from workforce.permissions import is_federation_staff, managed_paths

from .models import BulkIssueJob, Certificate, FederationSeal

__all__ = [
    "certificates_for",
    "issued_by_user_scope",
    "jobs_for",
    "scoped_certificates",
    "scoped_seals",
    "sessions_for",
]


def certificates_for(user) -> QuerySet[Certificate]:
    """Return the certificates ``user`` may see as staff: issued in or held under their subtree."""
    return Certificate.objects.under(managed_paths(user))


def issued_by_user_scope(user) -> QuerySet[Certificate]:
    """Return the certificates ``user`` may revoke: issued by a federation they manage."""
    return Certificate.objects.issued_under(managed_paths(user))


def jobs_for(user) -> QuerySet[BulkIssueJob]:
    """Return the bulk-issue jobs of the sessions organised in ``user``'s subtree."""
    return BulkIssueJob.objects.filter(subtree_q(managed_paths(user), "session__organizer__"))


def _staff_only(user, queryset: QuerySet) -> QuerySet:
    return queryset if is_federation_staff(user) else queryset.none()


def scoped_certificates(user) -> QuerySet[Certificate]:
    """Return the certificates the admin screens show ``user``: none unless staff."""
    return _staff_only(user, certificates_for(user))


def scoped_seals(user) -> QuerySet[FederationSeal]:
    """Return the seals of the federations ``user`` manages: none unless staff."""
    return _staff_only(
        user, FederationSeal.objects.filter(subtree_q(managed_paths(user), "federation__"))
    )
