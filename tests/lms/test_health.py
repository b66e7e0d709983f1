"""/healthz: database, cache and the task backlog, for load balancers and monitoring."""

import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lms import health


def test_all_well(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert body["tasks"] == {"waiting": 0, "oldest_waiting_seconds": 0}
    assert "no-cache" in response["Cache-Control"]


def test_no_sign_in_needed_and_no_session(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def _task(status, enqueued_at):
    task = DBTaskResult.objects.create(
        status=status,
        task_path="lms.tests.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=timezone.now() - dt.timedelta(seconds=1),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)  # auto_now_add


def test_the_backlog_counts_tasks_waiting_to_run(client, db):
    now = timezone.now()
    _task("READY", now - dt.timedelta(minutes=5))
    _task("READY", now)
    _task("SUCCESSFUL", now - dt.timedelta(hours=1))
    tasks = client.get("/healthz").json()["tasks"]
    assert tasks["waiting"] == 2
    assert 299 <= tasks["oldest_waiting_seconds"] <= 302


def test_a_failing_cache_is_a_503(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(health.cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failed"] == ["cache"]
    assert body["checks"] == {"database": "ok", "cache": "error"}


def test_a_cache_that_forgets_is_a_503(client, db, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda *args, **kwargs: None)
    assert client.get("/healthz").status_code == 503


def test_a_failing_database_is_a_503(client, db, monkeypatch):
    def broken():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert "tasks" not in body


def test_only_get_and_head(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("rows", [1, 30])
def test_a_few_queries_whatever_the_backlog(client, db, rows, django_assert_max_num_queries):
    for _ in range(rows):
        _task("READY", timezone.now())
    with django_assert_max_num_queries(3):
        assert client.get("/healthz").status_code == 200
