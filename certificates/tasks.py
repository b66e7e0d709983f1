"""Background tasks (django-tasks): the database backend runs them in ``manage.py db_worker``."""

from django_tasks import task

from . import services


@task()
def run_bulk_issue(job_id: int) -> dict:
    """Issue all certificates of a bulk job's session (批量签发) and build its ZIP and print PDF."""
    job = services.process_bulk_issue(job_id=job_id)
    return {"job": job.pk, "done": job.done, "created": job.created, "failed": job.failed}
