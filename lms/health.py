"""/healthz: is this server process able to serve? For load balancers and monitoring.

Answers JSON without signing in: the database answers ``SELECT 1``, the cache stores and returns
a key (the cache holds throttling counters and rate limits: with Redis gone they are gone too),
and how many background tasks wait to run (django-tasks' database queue; a backlog that keeps
growing means no ``db_worker`` is running). 200 with ``"status": "ok"``, or 503 with
``"status": "error"`` and ``"failed"`` naming the checks that failed. The backlog is reported,
not judged.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache() -> None:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)


def task_backlog() -> dict:
    """Return how many tasks wait to run now and how long the oldest has waited (seconds)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "oldest_waiting_seconds": (
            int((timezone.now() - oldest).total_seconds()) if oldest is not None else 0
        ),
    }


@never_cache
@require_safe
def healthz(request):
    """Return 200 {"status": "ok", ...} or 503 {"status": "error", "failed": [...], ...}."""
    checks, failed = {}, []
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            check()
        except Exception as error:  # any failure of a dependency is an answer, not a crash
            logger.warning("healthz: %s check failed: %r", name, error)
            checks[name], failed = "error", [*failed, name]
        else:
            checks[name] = "ok"
    body = {"status": "error" if failed else "ok", "checks": checks}
    if "database" not in failed:
        try:
            body["tasks"] = task_backlog()
        except Exception as error:  # the queue's table missing is a failure too
            logger.warning("healthz: task backlog failed: %r", error)
            checks["tasks"], failed = "error", [*failed, "tasks"]
            body["status"] = "error"
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
