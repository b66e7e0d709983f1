"""Backup and restore (deploy/backup.sh, deploy/restore.sh) and the row counts they compare.

The scripts run on PostgreSQL: they back up the test database (committed rows:
``transaction=True``) and restore it into fresh databases, dropped afterwards.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.choices import EventKind
from accounts.models import AuthEvent
from home.rowcounts import Difference, differences
from tests.lms.servers import database_url, with_database
from workforce.models import Worker

ROOT = Path(settings.BASE_DIR)


# The manifest comparison ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "found"),
    [
        ({"a": 1, "b": 0}, {"a": 1, "b": 0}, []),
        ({"a": 2}, {"a": 1}, [Difference("a", 2, 1)]),
        ({"a": 1}, {"a": 1, "new": 0}, [Difference("new", None, 0)]),
        ({"a": 1, "gone": 3}, {"a": 1}, [Difference("gone", 3, None)]),
    ],
)
def test_differences_name_every_table_that_does_not_match(expected, actual, found):
    assert differences(expected, actual) == found


@pytest.mark.django_db
def test_count_rows_counts_every_table_and_compares_with_a_manifest(worker, tmp_path, capsys):
    call_command("count_rows", "--json")
    counts = json.loads(capsys.readouterr().out)
    assert counts["workforce_worker"] == Worker.objects.count() == 1
    assert "django_migrations" in counts and "auth_user_groups" in counts

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(counts))
    call_command("count_rows", "--compare", str(manifest))
    assert "all match the manifest" in capsys.readouterr().out

    manifest.write_text(json.dumps({**counts, "workforce_worker": 2}))
    with pytest.raises(CommandError, match="1 of"):
        call_command("count_rows", "--compare", str(manifest))
    assert "MISMATCH workforce_worker: backup 2, restored 1" in capsys.readouterr().err


# The scripts, on PostgreSQL ---------------------------------------------------------------------


def _tools_missing() -> list[str]:
    return [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True)


def _run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / script), *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backup.sh and restore.sh use pg_dump and pg_restore (set DATABASE_URL)",
)
@pytest.mark.skipif(bool(_tools_missing()), reason="the PostgreSQL client tools are not installed")
def test_backup_then_restore_into_a_fresh_database_checks_every_count(worker, tmp_path):
    AuthEvent.objects.create(kind=EventKind.SIGNED_IN, user=worker.user, ip="10.0.0.8")
    source = database_url()
    media = tmp_path / "media"
    (media / "certificates" / "2030").mkdir(parents=True)
    (media / "certificates" / "2030" / "FC-2030-000001.pdf").write_bytes(b"%PDF-1.4 certificate")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": source,
        "DJANGO_MEDIA_ROOT": str(media),
        "PYTHON": sys.executable,
    }
    env.pop("DJANGO_MEDIA_STORAGE", None)
    backup = tmp_path / "backup"
    name = connection.settings_dict["NAME"]
    fresh, tampered = with_database(source, f"{name}_restore"), with_database(source, f"{name}_bad")
    admin = with_database(source, "postgres")
    try:
        done = _run("backup.sh", backup, env=env)
        assert done.returncode == 0, done.stderr
        manifest = json.loads((backup / "manifest.json").read_text())
        assert manifest["workforce_worker"] == 1 and manifest["accounts_authevent"] == 1
        assert (backup / "media.txt").read_text() == "./certificates/2030/FC-2030-000001.pdf\n"

        _psql(admin, f'CREATE DATABASE "{name}_restore"')
        restored_media = tmp_path / "restored-media"
        restore_env = {**env, "DJANGO_MEDIA_ROOT": str(restored_media)}
        done = _run("restore.sh", backup, fresh, env=restore_env)
        assert done.returncode == 0, done.stderr
        assert "all match the manifest" in done.stdout and "restore: OK" in done.stdout
        pdf = restored_media / "certificates" / "2030" / "FC-2030-000001.pdf"
        assert pdf.read_bytes() == b"%PDF-1.4 certificate"

        # A database that has tables is refused: restore only into a fresh one.
        again = _run("restore.sh", backup, fresh, env={**env, "DJANGO_MEDIA_ROOT": str(tmp_path)})
        assert again.returncode != 0 and "restore only into a fresh one" in again.stderr

        # A manifest the restored rows do not match fails loudly, naming the table.
        manifest["workforce_worker"] = 2
        (backup / "manifest.json").write_text(json.dumps(manifest))
        _psql(admin, f'CREATE DATABASE "{name}_bad"')
        bad_env = {**env, "DJANGO_MEDIA_ROOT": str(tmp_path / "bad-media")}
        done = _run("restore.sh", backup, tampered, env=bad_env)
        assert done.returncode != 0
        assert "MISMATCH workforce_worker: backup 2, restored 1" in done.stderr
        assert "restore: FAILED: row counts differ" in done.stderr
    finally:
        for database in (f"{name}_restore", f"{name}_bad"):
            _psql(admin, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
