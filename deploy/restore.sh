#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a FRESH database, then check it.
#
#   createdb -h HOST -U USER union_pathways_restored
#   deploy/restore.sh BACKUP_DIR postgres://USER@HOST:5432/union_pathways_restored
#
# 1. refuses a target database that already has tables (restore only into a fresh one);
# 2. pg_restore of BACKUP_DIR/db.dump in one transaction: all of it or, on an error, nothing;
# 3. untars BACKUP_DIR/media.tar.gz into MEDIA_ROOT (as the settings compute it with the target
#    DATABASE_URL; set DJANGO_MEDIA_ROOT to choose), which must be empty, and checks the file list;
# 4. counts the rows of every table (manage.py count_rows --compare) and fails loudly, naming
#    every table, when a count differs from BACKUP_DIR/manifest.json.
# Exit status 0 only when everything matches. Then point the site's DATABASE_URL at the target.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
fail() { echo "restore: FAILED: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: $0 BACKUP_DIR TARGET_DATABASE_URL" >&2; exit 2; }
backup="$(cd "$1" && pwd)" || fail "no backup folder $1"
target="$2"
case "$target" in
  postgres://* | postgresql://*) ;;
  *) fail "the target must be a PostgreSQL URL (postgres://user@host:5432/name)." ;;
esac
for file in db.dump manifest.json; do
  [ -f "$backup/$file" ] || fail "$backup/$file is missing: not a backup of deploy/backup.sh?"
done
export DATABASE_URL="$target"
manage() { "$python" "$here/manage.py" "$@"; }

tables="$(psql -X -At -v ON_ERROR_STOP=1 "$target" \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" \
  || fail "cannot connect to the target database (create it first with createdb)."
[ "$tables" = "0" ] || fail "the target database has $tables tables: restore only into a fresh one."

echo "restore: database <- $backup/db.dump"
pg_restore --single-transaction --exit-on-error --no-owner --no-acl --dbname="$target" "$backup/db.dump" \
  || fail "pg_restore stopped (see the error above)."

if [ -f "$backup/media.tar.gz" ]; then
  media_root="$(manage shell -v 0 -c 'from django.conf import settings; print(settings.MEDIA_ROOT)')"
  if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
    fail "MEDIA_ROOT $media_root is not empty: set DJANGO_MEDIA_ROOT to an empty folder."
  fi
  echo "restore: media $media_root <- $backup/media.tar.gz"
  mkdir -p "$media_root"
  tar -C "$media_root" -xzf "$backup/media.tar.gz"
  if [ -f "$backup/media.txt" ]; then
    restored="$(cd "$media_root" && find . -type f | LC_ALL=C sort)"
    [ "$restored" = "$(cat "$backup/media.txt")" ] \
      || fail "the media files in $media_root differ from $backup/media.txt."
    echo "restore: media: $(grep -c . "$backup/media.txt" || true) files match media.txt"
  fi
elif [ -f "$backup/media-s3.txt" ]; then
  echo "restore: media: $(cat "$backup/media-s3.txt") Point the site at the same bucket."
fi

echo "restore: checking row counts against $backup/manifest.json"
manage count_rows --compare "$backup/manifest.json" \
  || fail "row counts differ from the manifest (the MISMATCH lines above name the tables)."
echo "restore: OK"
