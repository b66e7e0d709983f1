"""Row locks for the decisions that must not race: seats, places, serial numbers, loads.

After pretix's ``services/locking.py``: a service locks the row that holds a limit, then re-reads
and decides. Locks are taken in primary-key order, so two transactions that lock the same rows
never deadlock; they are refused outside ``transaction.atomic()`` (a lock released at once guards
nothing). On PostgreSQL a lock waits at most ``LOCK_TIMEOUT_SECONDS``; a wait past that becomes a
``LockTimeout`` (系统繁忙，请稍后重试) shown to the user, instead of a server error. SQLite takes no
row locks: it serialises writers on the whole database.
"""

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from .errors import DomainError

# PostgreSQL's SQLSTATE for "lock_not_available" (lock_timeout expired).
_LOCK_NOT_AVAILABLE = "55P03"


class LockTimeout(DomainError):
    """Another request held the row for too long; trying again later will do."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("系统繁忙，请稍后重试。"))


def require_atomic() -> None:
    """Refuse to go on outside a transaction: a lock would be released at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock rows inside transaction.atomic().")


def _set_lock_timeout() -> None:
    if connection.vendor == "postgresql":
        milliseconds = int(settings.LOCK_TIMEOUT_SECONDS * 1000)
        with connection.cursor() as cursor:
            # SET LOCAL lasts until the end of the transaction.
            cursor.execute(f"SET LOCAL lock_timeout = {milliseconds}")


def _is_lock_timeout(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE


def lock_all(queryset: QuerySet, *, of: tuple[str, ...] = ("self",)) -> list:
    """Lock the rows of ``queryset`` in primary-key order and return them, fresh.

    ``of=("self",)`` locks only the queryset's own table, not the rows joined in by
    ``select_related``.
    """
    require_atomic()
    _set_lock_timeout()
    try:
        return list(queryset.select_for_update(of=of).order_by("pk"))
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise LockTimeout() from error
        raise


def lock(queryset_or_model: QuerySet | type[Model], pk, **kwargs) -> Model:
    """Lock one row by primary key and return it, fresh; ``DoesNotExist`` when it is gone."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    rows = lock_all(queryset.filter(pk=pk), **kwargs)
    if not rows:
        raise queryset.model.DoesNotExist(f"{queryset.model.__name__} {pk} does not exist.")
    return rows[0]
