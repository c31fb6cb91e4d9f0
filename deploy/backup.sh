#!/usr/bin/env bash
# A backup of the portal: its PostgreSQL database and its uploaded files, together.
#
#   deploy/backup.sh [--keep N]
#
# Writes one directory, BACKUP_DIR/portal-YYYYMMDDTHHMMSSZ (UTC), holding
#
#   database.dump  pg_dump --format=custom of DATABASE_URL (compressed; read by pg_restore)
#   media.tar      every file under MEDIA_ROOT: proposals' attachments, agencies' Word
#                  templates, statistics exports
#   backup.info    what was saved, from where, with which versions
#   SHA256SUMS     the SHA-256 of the three files above, as `sha256sum --check` reads it
#
# and prints that directory's path on stdout, nothing else; progress goes to stderr.
# deploy/restore.sh puts a backup back.
#
# Settings, from the environment:
#   DATABASE_URL  the database, as the portal reads it (postgres://user:password@host:port/name).
#                 When it is not set, /etc/portal/portal.env (or PORTAL_ENV_FILE) is read, the
#                 file the systemd units read, so the backup saves what the portal serves.
#   MEDIA_ROOT    the uploaded files; the portal's default (media/ in the project) when unset.
#   BACKUP_DIR    where backups go; default /var/backups/portal.
#   BACKUP_KEEP   how many backups to keep, the newest; 0 (the default) keeps them all.
#                 --keep N says the same on the command line.
#
# Run it as a user that can read MEDIA_ROOT (root, or the portal's own user), e.g. nightly
# from a systemd timer or cron. The portal keeps running meanwhile: see "Consistency".
# A backup holds the proposers' personal data: its files are readable by their owner only.
set -euo pipefail

PROGRAM=backup
say() { echo "$PROGRAM: $*" >&2; }
die() {
  say "$*"
  exit 1
}

PORTAL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# --- Settings --------------------------------------------------------------------------

KEEP=${BACKUP_KEEP:-0}
while [ $# -gt 0 ]; do
  case "$1" in
    --keep)
      [ $# -ge 2 ] || die "--keep needs a number"
      KEEP=$2
      shift 2
      ;;
    --keep=*)
      KEEP=${1#--keep=}
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
      exit 0
      ;;
    *) die "unknown argument: $1 (usage: $0 [--keep N])" ;;
  esac
done
[[ $KEEP =~ ^[0-9]+$ ]] || die "--keep (BACKUP_KEEP) must be a whole number, not '$KEEP'"

# The production settings, as systemd's EnvironmentFile reads them (KEY=value lines, # or ;
# comments, optional quotes; no shell expansion, so a password may hold any character).
# Read only when DATABASE_URL is not set; a variable already in the environment wins.
load_env_file() {
  local file=$1 line key value
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[![:space:]]*}"}
    case "$line" in '' | '#'* | ';'*) continue ;; esac
    [[ $line == *=* ]] || continue
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [ -n "${!key+set}" ] || export "$key=$value"
  done <"$file"
}

ENV_FILE=${PORTAL_ENV_FILE:-/etc/portal/portal.env}
if [ -z "${DATABASE_URL:-}" ]; then
  [ -r "$ENV_FILE" ] || die "DATABASE_URL is not set and $ENV_FILE cannot be read"
  load_env_file "$ENV_FILE"
  [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is set neither in the environment nor in $ENV_FILE"
fi

# libpq reads postgres:// and postgresql://; the portal (django-environ) also psql:// and pgsql://.
case "$DATABASE_URL" in
  postgres://* | postgresql://*) DB_URL=$DATABASE_URL ;;
  psql://* | pgsql://*) DB_URL=postgresql://${DATABASE_URL#*://} ;;
  *) die "DATABASE_URL is not a PostgreSQL URL (postgres://user:password@host:port/name)" ;;
esac
# The URL without its password, for messages and backup.info.
SHOWN_URL=$(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$DB_URL")

MEDIA_ROOT=${MEDIA_ROOT:-$PORTAL_DIR/media}
# A relative MEDIA_ROOT is the portal's working directory's, the project (systemd units).
[[ $MEDIA_ROOT == /* ]] || MEDIA_ROOT=$PORTAL_DIR/$MEDIA_ROOT
BACKUP_DIR=${BACKUP_DIR:-/var/backups/portal}

for program in pg_dump pg_restore psql tar sha256sum flock; do
  command -v "$program" >/dev/null || die "$program is not installed (apt-get install postgresql-client)"
done

# --- Checks before anything is written -------------------------------------------------

# One line from psql when the server cannot be reached (wrong host, port, password, name).
SERVER_VERSION=$(psql -X -A -t -q -w -v ON_ERROR_STOP=1 -d "$DB_URL" \
  -c "SELECT current_setting('server_version')" 2>&1) ||
  die "cannot connect to the database $SHOWN_URL: $(head -n 1 <<<"$SERVER_VERSION" | sed 's/^psql: //; s/^error: //')"
[ -d "$MEDIA_ROOT" ] || die "MEDIA_ROOT $MEDIA_ROOT is not a directory"
{ [ -r "$MEDIA_ROOT" ] && [ -x "$MEDIA_ROOT" ]; } || die "MEDIA_ROOT $MEDIA_ROOT cannot be read by $(id -un)"

umask 077
mkdir -p -- "$BACKUP_DIR" || die "cannot create BACKUP_DIR $BACKUP_DIR"
BACKUP_DIR=$(cd "$BACKUP_DIR" && pwd)

# One backup at a time in BACKUP_DIR; a directory still called .partial under the lock is
# what an interrupted backup left, and is cleared.
exec 9>"$BACKUP_DIR/.backup.lock"
flock -n 9 || die "another backup is running in $BACKUP_DIR"
rm -rf -- "$BACKUP_DIR"/portal-*.partial

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
NAME=portal-$STAMP
FINAL=$BACKUP_DIR/$NAME
WORK=$FINAL.partial
[ ! -e "$FINAL" ] || die "$FINAL exists already: a backup was made this second"
mkdir -- "$WORK"
# Written as .partial and renamed when complete, so a backup that stopped half-way is never
# taken for a good one, by restore.sh or by the retention below.
trap 'rm -rf -- "$WORK"' EXIT

# --- Consistency -----------------------------------------------------------------------
#
# The database first, then the files. pg_dump reads every table in one snapshot, taken when
# it starts. The portal writes an uploaded file to MEDIA_ROOT before the row that names it
# is committed (Django saves a FileField's file, then inserts the row), so every file a row
# in the snapshot names was on disk when the snapshot was taken, and is in the tar made
# after it. What the tar holds besides is harmless: files uploaded after the snapshot, or
# by a transaction that rolled back, are files no row names, which the restored portal
# never serves.
#
# The other order would lose files: an attachment uploaded between the tar and the dump
# would be in the database and not in the tar. The one gap left is a file deleted between
# the snapshot and the tar; the portal deletes only statistics exports over a week old
# (stats.tasks.forget_old_exports, deleting their rows in the same run), which can be
# made again from the figures, and keeps every attachment and template file it stores.

say "dumping $SHOWN_URL (PostgreSQL $SERVER_VERSION)"
# --lock-wait-timeout: give up rather than queue behind a migration holding a table, which
# would make every request that reads the table wait behind the dump.
pg_dump --format=custom --no-password --lock-wait-timeout=2min \
  --file="$WORK/database.dump" --dbname="$DB_URL" ||
  die "pg_dump of $SHOWN_URL failed"
# The archive reads back: its table of contents lists the portal's migrations table.
pg_restore --list "$WORK/database.dump" | grep ' TABLE public django_migrations ' >/dev/null ||
  die "the dump of $SHOWN_URL holds no django_migrations table: is it the portal's database?"

say "archiving $MEDIA_ROOT"
# Paths relative to MEDIA_ROOT (./attachments/2026/05/…), so the files can be put back under
# any MEDIA_ROOT; owners by name, so root restores them to the portal's user on another
# machine. Uploads are written once and never changed, so GNU tar's status 1 ("file changed
# as we read it", an upload being written right now) is a file no row of the dump names yet:
# a warning. Status 2 is an error.
tar_status=0
tar --create --file="$WORK/media.tar" --directory="$MEDIA_ROOT" --sort=name . || tar_status=$?
case $tar_status in
  0) ;;
  1) say "warning: files changed while being archived (uploads in progress); kept as they were" ;;
  *) die "tar of $MEDIA_ROOT failed (status $tar_status)" ;;
esac
MEDIA_FILES=$(tar --list --verbose --file="$WORK/media.tar" | grep -c '^-' || true)

{
  echo "format=portal-backup-1"
  echo "created=$STAMP"
  echo "database=$SHOWN_URL"
  echo "server_version=$SERVER_VERSION"
  echo "pg_dump=$(pg_dump --version)"
  echo "media_root=$MEDIA_ROOT"
  echo "media_files=$MEDIA_FILES"
  echo "host=$(hostname)"
  echo "portal_commit=$(git -C "$PORTAL_DIR" rev-parse HEAD 2>/dev/null || echo unknown)"
} >"$WORK/backup.info"

# The manifest last: a backup with a manifest is complete.
(cd "$WORK" && sha256sum database.dump media.tar backup.info >SHA256SUMS)
mv -- "$WORK" "$FINAL"
trap - EXIT
say "wrote $FINAL ($(du -sh -- "$FINAL" | cut -f1), $MEDIA_FILES files)"

# --- Retention -------------------------------------------------------------------------
#
# Keep the newest KEEP complete backups (their names sort by time); only directories this
# script made (portal-<UTC time> with a manifest) are ever removed.
if [ "$KEEP" -gt 0 ]; then
  mapfile -t complete < <(
    find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d \
      -regextype posix-extended -regex '.*/portal-[0-9]{8}T[0-9]{6}Z' \
      -exec test -f '{}/SHA256SUMS' ';' -print | sort
  )
  excess=$((${#complete[@]} - KEEP))
  for ((i = 0; i < excess; i++)); do
    say "removing the old backup ${complete[i]} (keeping the newest $KEEP)"
    rm -rf -- "${complete[i]}"
  done
fi

echo "$FINAL"
