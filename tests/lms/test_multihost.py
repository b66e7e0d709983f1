"""Two gunicorn hosts and two db_worker processes on one PostgreSQL and one Redis.

README "Running past one machine": every host shares the database, Redis (cache and sessions)
and the media folder. Here two gunicorn processes on two ports stand for two hosts behind a load
balancer, and two ``db_worker`` processes for two worker hosts; they use the test database
(committed rows: ``transaction=True``) and Redis database 15, flushed first. The test checks
that a sign-in on one host is a sign-in on the other (also after Redis forgets everything), that
failed sign-ins on both hosts add up to one lock-out, and that background tasks are each run
exactly once, by both workers.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/union_pathways pytest tests/lms``.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from certificates.models import BulkIssueJob, Certificate
from certificates.tasks import bulk_issue
from tests.certificates.conftest import complete
from tests.factories import SessionFactory, UserFactory
from tests.lms.servers import database_url

REDIS_URL = os.environ.get("MULTIHOST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(settings.BASE_DIR)
PASSWORD = "multi-host-pass-2026"


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def _redis_reachable() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several hosts share one PostgreSQL (set DATABASE_URL); SQLite is one machine's",
    ),
    pytest.mark.skipif(
        not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL} (start redis-server)"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Host:
    """A gunicorn host, spoken to over HTTP with a cookie jar of its own."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, *, cookies=None, form=None):
        body = urllib.parse.urlencode(form) if form else None
        headers = {"User-Agent": "multihost-test"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            return response.status, response.headers, text, {k: m.value for k, m in jar.items()}
        finally:
            conn.close()

    def login(self, username: str, password: str) -> tuple[int, dict]:
        """Post the sign-in form; return the status and the cookies the host set."""
        status, _headers, page, cookies = self.request("GET", "/accounts/login/")
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, _headers, _page, set_cookies = self.request(
            "POST", "/accounts/login/", cookies=cookies, form=form
        )
        return status, {**cookies, **set_cookies}


def _wait_for(predicate, *, seconds: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)
    pytest.fail(f"Timed out waiting for {what}.\n{tails}")


def _serving(port: int) -> bool:
    try:
        return Host(port).request("GET", "/accounts/login/")[0] == 200
    except OSError:
        return False


@pytest.fixture
def cluster(tmp_path):
    """Start hosts A and B (gunicorn) and workers A and B (db_worker); stop them afterwards."""
    redis = _redis()
    redis.flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_VAR_DIR": str(tmp_path / "var"),  # the media folder all four share
        "DJANGO_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_MEDIA_STORAGE", None)
    ports = {"a": _free_port(), "b": _free_port()}
    commands = {
        f"host-{name}": [
            *(sys.executable, "-m", "gunicorn", "lms.wsgi"),
            *("-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", "-"),
        ]
        for name, port in ports.items()
    } | {
        f"worker-{name}": [
            *(sys.executable, "manage.py", "db_worker", "--worker-id", f"worker-{name}"),
            *("--interval", "0.2", "--no-startup-delay"),
        ]
        for name in ports
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    processes = []
    with ExitStack() as stack:
        try:
            for name, command in commands.items():
                out = stack.enter_context(logs[name].open("w"))
                processes.append(
                    subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                    )
                )
            for name, port in ports.items():
                _wait_for(
                    lambda port=port: _serving(port),
                    seconds=40,
                    what=f"host {name} on port {port}",
                    logs=list(logs.values()),
                )
            for name in ("worker-a", "worker-b"):
                _wait_for(
                    lambda name=name: "Starting worker" in logs[name].read_text(),
                    seconds=40,
                    what=name,
                    logs=list(logs.values()),
                )
            yield {"a": Host(ports["a"]), "b": Host(ports["b"]), "logs": logs, "redis": redis}
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            redis.flushdb()


def _with_password(user):
    """Give ``user`` PASSWORD hashed as the hosts hash (the test settings' MD5 is not theirs)."""
    salt = PBKDF2PasswordHasher().salt()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, salt, iterations=1000)
    user.save(update_fields=["password"])
    return user


def _signed_in_page(host: Host, cookies: dict) -> int:
    """Return the status of 我的 (login required) on ``host`` with ``cookies``."""
    return host.request("GET", "/me/", cookies=cookies)[0]


def test_two_hosts_and_two_workers_share_sessions_lockouts_and_tasks(
    cluster, settings, worker, county_staff, course
):
    a, b, redis = cluster["a"], cluster["b"], cluster["redis"]

    # (a) Signed in on host A, the worker is signed in on host B too.
    _with_password(worker.user)
    status, cookies = a.login("worker", PASSWORD)
    assert status == 302 and "sessionid" in cookies
    session = {"sessionid": cookies["sessionid"]}
    assert _signed_in_page(b, {}) == 302  # not signed in: sent to the sign-in page
    assert _signed_in_page(b, session) == 200
    assert _signed_in_page(a, session) == 200
    # The session is cached in Redis and kept in the database: a Redis restart signs no one out.
    assert any(key.startswith(b":1:django.contrib.sessions.cached_db") for key in redis.keys())
    redis.flushdb()
    assert _signed_in_page(b, session) == 200

    # (b) Ten failed sign-ins, alternating between the hosts, lock the username on both.
    target = _with_password(UserFactory(username="guessed"))
    statuses = [
        (a if attempt % 2 == 0 else b).login(target.username, "wrong-password")[0]
        for attempt in range(10)
    ]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert statuses[9] == 429  # the tenth failure locks
    attempt = AccessAttempt.objects.get(username=target.username)  # one count, in the database
    assert attempt.failures_since_start == 10
    assert a.login(target.username, PASSWORD)[0] == 429  # the right password, refused on A
    assert b.login(target.username, PASSWORD)[0] == 429  # and on B

    # (c) Background tasks (bulk certificate issue for four sessions of two graduates each) are
    # claimed with row locks: each runs exactly once, and both workers take some.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sessions = [SessionFactory(course=course) for _ in range(4)]
    for each in sessions:
        complete(each)
        complete(each)
    jobs = [bulk_issue(by=county_staff, session=each) for each in sessions]
    assert DBTaskResult.objects.count() == 4

    def finished() -> bool:
        return not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists()

    _wait_for(finished, seconds=60, what="the tasks", logs=list(cluster["logs"].values()))
    results = list(DBTaskResult.objects.all())
    assert [r.status for r in results] == ["SUCCESSFUL"] * 4
    assert all(len(r.worker_ids) == 1 for r in results)  # claimed once, run once
    assert {r.worker_ids[0] for r in results} == {"worker-a", "worker-b"}
    for job in BulkIssueJob.objects.filter(pk__in=[j.pk for j in jobs]):
        assert (job.status, job.done, job.created, job.failed) == (job.Status.FINISHED, 2, 2, 0), (
            job.errors
        )
        assert job.zip_file.name and job.print_file.name
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 8
