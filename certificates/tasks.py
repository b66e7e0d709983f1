"""Background tasks (django-tasks): the database backend runs them in ``manage.py db_worker``.

The tasks call the services; the services never import this module.
"""

from django.db import transaction
from django_tasks import task

from courses.models import Session

from . import services
from .models import BulkIssueJob


@task()
def run_bulk_issue(job_id: int) -> dict:
    """Issue all certificates of a bulk job's session (批量签发) and build its ZIP and print PDF."""
    job = services.process_bulk_issue(job_id=job_id)
    return {"job": job.pk, "done": job.done, "created": job.created, "failed": job.failed}


def bulk_issue(*, by, session: Session) -> BulkIssueJob:
    """Start issuing every certificate of ``session`` in the background; return the job.

    A job already queued or running for the session is returned instead of a second one.
    """
    with transaction.atomic():
        job, created = services.open_bulk_job(by=by, session=session)
        if created:
            # Enqueued in the job's transaction: with the database backend the task row commits
            # together with the job (the immediate backend runs it right here).
            run_bulk_issue.enqueue(job.pk)
    job.refresh_from_db()
    return job
