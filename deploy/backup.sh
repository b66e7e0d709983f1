#!/usr/bin/env bash
# Back up Union Pathways: the PostgreSQL database, the media files and a manifest of row counts.
#
#   deploy/backup.sh [BACKUP_DIR]        (default: backups/union-pathways-YYYYmmdd-HHMMSS)
#
# Reads the same environment as the site (DATABASE_URL, DJANGO_SETTINGS_MODULE, DJANGO_MEDIA_ROOT
# or DJANGO_MEDIA_STORAGE, ...). Writes into BACKUP_DIR:
#   db.dump         pg_dump --format=custom of DATABASE_URL (restore with deploy/restore.sh)
#   manifest.json   rows per table (manage.py count_rows), counted in the dump's own snapshot
#   media.tar.gz    the files under MEDIA_ROOT (local storage only; see S3 below)
#   media.txt       the list of those files (media-s3.txt instead when the media are in S3)
# The dump and the counts read one exported snapshot, so a site that keeps running during the
# backup still gets a manifest that matches the dump exactly. With DJANGO_MEDIA_STORAGE=s3 the
# media stay in the bucket: back it up with the store's own tools (versioning, replication,
# `aws s3 sync`, `mc mirror`); the script says so and copies no media.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
manage() { "$python" "$here/manage.py" "$@"; }
fail() { echo "backup: $*" >&2; exit 1; }

[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set (postgres://user:pass@host:5432/name)."
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) fail "DATABASE_URL must be a PostgreSQL URL; this script uses pg_dump." ;;
esac
# libpq reads postgres:// URLs but not Django's extra schemes; pass it unchanged.
out="${1:-$here/backups/union-pathways-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
[ -z "$(ls -A "$out")" ] || fail "$out is not empty: give a new folder."

# Hold one repeatable-read transaction open and export its snapshot: pg_dump and count_rows both
# read the database as it was at that moment.
coproc SNAPSHOT { psql -X -q -At -v ON_ERROR_STOP=1 "$DATABASE_URL"; }
trap 'kill "${SNAPSHOT_PID:-}" 2>/dev/null || true' EXIT
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
read -r -t 30 snapshot <&"${SNAPSHOT[0]}" || fail "could not export a snapshot from PostgreSQL."

echo "backup: database -> $out/db.dump (snapshot $snapshot)"
pg_dump --format=custom --no-owner --snapshot="$snapshot" --file="$out/db.dump" "$DATABASE_URL"
echo "backup: row counts -> $out/manifest.json"
manage count_rows --json --snapshot="$snapshot" >"$out/manifest.json"
echo "COMMIT;" >&"${SNAPSHOT[1]}"
exec {SNAPSHOT[1]}>&-
wait "$SNAPSHOT_PID" 2>/dev/null || true
trap - EXIT

read -r storage media_root < <(manage shell -v 0 -c \
  'from django.conf import settings; print(settings.MEDIA_STORAGE, settings.MEDIA_ROOT)')
[ -n "${storage:-}" ] || fail "could not read the media settings (manage.py shell failed)."
if [ "$storage" = "s3" ]; then
  echo "backup: media are in the S3 bucket (DJANGO_MEDIA_STORAGE=s3): not copied here;"
  echo "        back the bucket up with the store's versioning or replication (or aws s3 sync)."
  echo "Media are in the S3 bucket (DJANGO_MEDIA_STORAGE=s3); not in this backup." >"$out/media-s3.txt"
else
  if [ -d "$media_root" ]; then
    echo "backup: media $media_root -> $out/media.tar.gz"
    tar -C "$media_root" -czf "$out/media.tar.gz" .
    (cd "$media_root" && find . -type f | LC_ALL=C sort) >"$out/media.txt"
  else
    echo "backup: no media folder at $media_root (nothing uploaded yet)"
    tar -czf "$out/media.tar.gz" -T /dev/null
    : >"$out/media.txt"
  fi
fi

tables="$("$python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out/manifest.json")"
files="$(cat "$out/media.txt" 2>/dev/null | grep -c . || true)"
echo "backup: done: $tables tables, $files media files in $out"
