#!/usr/bin/env bash
# Put a backup made by deploy/backup.sh back: the database, then the uploaded files.
#
#   deploy/restore.sh [--create] [--force] BACKUP_DIR
#   deploy/restore.sh --verify BACKUP_DIR
#
# BACKUP_DIR is one backup, e.g. /var/backups/portal/portal-20260520T013000Z. In order:
#
#  1. the manifest (SHA256SUMS) is checked: a backup with a file missing or changed is
#     refused, and nothing is touched;
#  2. the target database, DATABASE_URL, must exist and hold no tables: a backup is never
#     mixed into a database in use. --create creates it when it does not exist (UTF8,
#     C.UTF-8, from template0), owned by the role DATABASE_URL names. --force restores over
#     a database that holds tables: that database is not dropped but renamed aside
#     (<name>_replaced_<time>), kept until you drop it, and a new one is created in its
#     place; stop the portal first (portal-web@*, portal-worker@*, portal-beat), as its
#     connections to the database are closed;
#  3. pg_restore --no-owner --no-privileges --exit-on-error --single-transaction: all of the
#     dump or, on any error, nothing; the tables belong to the role of DATABASE_URL, as
#     when `manage.py migrate` creates them;
#  4. the files are extracted into MEDIA_ROOT, which must be empty or missing (--force:
#     the backup's files are written over those already there; the files a restored row
#     names are the backup's, any others are left and unused);
#  5. a sanity check with the portal's code (PORTAL_PYTHON, default the project's
#     .venv/bin/python): `manage.py migrate --check` (no migration of this code is missing
#     from the restored database) and every file a restored row names is in MEDIA_ROOT.
#     A backup from an older version of the portal restores, then fails this check: run
#     `manage.py migrate` and start the portal.
#
# --verify checks a backup without restoring it: the manifest, the dump's table of
# contents and the tar's listing.
#
# Settings, from the environment, as deploy/backup.sh reads them: DATABASE_URL (else
# /etc/portal/portal.env, or PORTAL_ENV_FILE), MEDIA_ROOT. ADMIN_DATABASE_URL, when set,
# is the connection that creates or renames databases (a role with CREATEDB, e.g.
# postgres:///postgres); by default DATABASE_URL's role, connected to the database postgres.
#
# Every refusal and failure is one line on stderr and a non-zero exit.
set -euo pipefail

PROGRAM=restore
say() { echo "$PROGRAM: $*" >&2; }
die() {
  say "$*"
  exit 1
}
usage() { die "usage: $0 [--create] [--force] BACKUP_DIR | $0 --verify BACKUP_DIR"; }

PORTAL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORTAL_PYTHON=${PORTAL_PYTHON:-$PORTAL_DIR/.venv/bin/python}

CREATE=0
FORCE=0
VERIFY=0
SOURCE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --create) CREATE=1 ;;
    --force) FORCE=1 ;;
    --verify) VERIFY=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
      exit 0
      ;;
    -*) die "unknown option: $1" ;;
    *)
      [ -z "$SOURCE" ] || usage
      SOURCE=$1
      ;;
  esac
  shift
done
[ -n "$SOURCE" ] || usage

for program in pg_restore psql tar sha256sum; do
  command -v "$program" >/dev/null || die "$program is not installed (apt-get install postgresql-client)"
done

# --- 1. The backup ---------------------------------------------------------------------

[ -e "$SOURCE" ] || die "no backup at $SOURCE"
[ -d "$SOURCE" ] || die "$SOURCE is not a directory (give the backup's directory)"
SOURCE=$(cd "$SOURCE" && pwd)
[ -f "$SOURCE/SHA256SUMS" ] ||
  die "$SOURCE is not a complete backup: it has no SHA256SUMS manifest"
for file in database.dump media.tar backup.info; do
  grep -Eq "^[0-9a-f]{64}  $file\$" "$SOURCE/SHA256SUMS" ||
    die "the manifest of $SOURCE does not list $file"
done
# sha256sum --quiet names only the files that do not match (or cannot be read).
if ! report=$(cd "$SOURCE" && sha256sum --check --strict --quiet SHA256SUMS 2>&1); then
  bad=$(sed -n 's/^\(.*\): FAILED.*$/\1/p' <<<"$report" | paste -sd, - | sed 's/,/, /g')
  die "checksum mismatch in $SOURCE: ${bad:-$(head -n 1 <<<"$report")} (changed or missing); the backup is damaged, nothing restored"
fi
grep -qx 'format=portal-backup-1' "$SOURCE/backup.info" ||
  die "$SOURCE/backup.info is not of a backup this script reads (format=portal-backup-1)"
info() { sed -n "s/^$1=//p" "$SOURCE/backup.info"; }
pg_restore --list "$SOURCE/database.dump" >/dev/null 2>&1 ||
  die "$SOURCE/database.dump is not an archive pg_restore $(pg_restore --version | grep -o '[0-9.]*$') reads"
tar --list --file="$SOURCE/media.tar" >/dev/null 2>&1 || die "$SOURCE/media.tar is not a tar archive"

if [ "$VERIFY" -eq 1 ]; then
  say "$SOURCE is complete: made $(info created) from $(info database), $(info media_files) files"
  exit 0
fi

# --- 2. The target ---------------------------------------------------------------------

# As deploy/backup.sh: the production settings when DATABASE_URL is not set.
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

libpq_url() {
  case "$1" in
    postgres://* | postgresql://*) echo "$1" ;;
    psql://* | pgsql://*) echo "postgresql://${1#*://}" ;;
    *) return 1 ;;
  esac
}
DB_URL=$(libpq_url "$DATABASE_URL") ||
  die "DATABASE_URL is not a PostgreSQL URL (postgres://user:password@host:port/name)"
hide_password() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }
SHOWN_URL=$(hide_password "$DB_URL")

# The database's name is the URL's path; the same URL naming the database postgres reaches
# the server to create or rename it.
url_base=${DB_URL%%\?*}
url_query=${DB_URL:${#url_base}}
url_rest=${url_base#*://}
url_rest=${url_rest##*@}
[[ $url_rest == */* ]] || die "DATABASE_URL names no database: $SHOWN_URL"
encoded_name=${url_rest#*/}
DB_NAME=$(printf '%b' "${encoded_name//%/\\x}")
[ -n "$DB_NAME" ] || die "DATABASE_URL names no database: $SHOWN_URL"
if [ -n "${ADMIN_DATABASE_URL:-}" ]; then
  ADMIN_URL=$(libpq_url "$ADMIN_DATABASE_URL") || die "ADMIN_DATABASE_URL is not a PostgreSQL URL"
else
  ADMIN_URL=${url_base%/*}/postgres$url_query
fi

MEDIA_ROOT=${MEDIA_ROOT:-$PORTAL_DIR/media}
[[ $MEDIA_ROOT == /* ]] || MEDIA_ROOT=$PORTAL_DIR/$MEDIA_ROOT
[ -x "$PORTAL_PYTHON" ] ||
  die "no Python of the portal at $PORTAL_PYTHON (set PORTAL_PYTHON) for the check after restoring"

PSQL=(psql -X -A -t -q -w -v ON_ERROR_STOP=1)

# Relations the portal's migrations would create; an extension's own (PostGIS's tables, say,
# from a template) do not count.
TABLES_SQL="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"

first_line() { head -n 1 <<<"$1" | sed 's/^psql: //; s/^error: //'; }

# exists: the target answers; tables: how many it holds.
if answer=$("${PSQL[@]}" -d "$DB_URL" -c "$TABLES_SQL" 2>&1); then
  EXISTS=1
  TABLES=$answer
else
  EXISTS=0
  TABLES=0
  # Tell a database that is not there from a server that is not: ask the server.
  found=$("${PSQL[@]}" -d "$ADMIN_URL" -v name="$DB_NAME" 2>&1 <<<"SELECT count(*) FROM pg_database WHERE datname = :'name';") ||
    die "cannot connect to the database $SHOWN_URL: $(first_line "$answer")"
  [ "$found" = 0 ] || die "cannot connect to the database $SHOWN_URL: $(first_line "$answer")"
  [ "$CREATE" -eq 1 ] ||
    die "the database $DB_NAME does not exist at $SHOWN_URL: create it, or pass --create"
fi

if [ "$TABLES" -gt 0 ] && [ "$FORCE" -eq 0 ]; then
  die "the database $DB_NAME already holds tables ($TABLES): restore into a new or empty database" \
    "(a new name in DATABASE_URL with --create), or pass --force to rename this one aside"
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A -- "$MEDIA_ROOT")" ] && [ "$FORCE" -eq 0 ]; then
  die "MEDIA_ROOT $MEDIA_ROOT already holds files: restore into an empty or new directory," \
    "or pass --force to write the backup's files over them"
fi
[ ! -e "$MEDIA_ROOT" ] || [ -d "$MEDIA_ROOT" ] || die "MEDIA_ROOT $MEDIA_ROOT is not a directory"

say "restoring $SOURCE (made $(info created) from $(info database)) into $SHOWN_URL and $MEDIA_ROOT"

# Renames and creations are statements of their own (no transaction), on the admin
# connection; names are passed as psql variables, quoted by psql.
admin_sql() { "${PSQL[@]}" -d "$ADMIN_URL" "$@"; }

if [ "$TABLES" -gt 0 ]; then
  ASIDE=${DB_NAME:0:34}_replaced_$(date -u +%Y%m%d%H%M%S)
  # The portal's connections are closed first, as a database in use cannot be renamed.
  error=$(admin_sql -v name="$DB_NAME" -v aside="$ASIDE" 2>&1 <<'SQL'
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = :'name' AND pid <> pg_backend_pid();
ALTER DATABASE :"name" RENAME TO :"aside";
SQL
  ) || die "cannot rename the database $DB_NAME aside (stop the portal's services first):" \
    "$(first_line "$error")"
  say "the database that was $DB_NAME is now $ASIDE: drop it (dropdb $ASIDE) once the restore is checked"
  EXISTS=0
fi

if [ "$EXISTS" -eq 0 ]; then
  # Owned by the role the portal connects as: DATABASE_URL's user when another role
  # creates it, else the role creating it, which is that same one.
  owner_sql=""
  if [ -n "${ADMIN_DATABASE_URL:-}" ]; then
    owner=$(sed -nE 's#^[^:]*://([^:@/]+)(:[^@]*)?@.*#\1#p' <<<"$DB_URL")
    [ -n "$owner" ] || die "DATABASE_URL names no user to own the new database"
    owner=$(printf '%b' "${owner//%/\\x}")
    owner_sql='OWNER :"owner"'
  fi
  error=$(admin_sql -v name="$DB_NAME" -v owner="${owner:-}" 2>&1 <<SQL
CREATE DATABASE :"name" $owner_sql ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
  TEMPLATE template0;
SQL
  ) || die "cannot create the database $DB_NAME: $(first_line "$error")"
  say "created the database $DB_NAME"
fi

# --- 3. The database -------------------------------------------------------------------

say "restoring the database"
error=$(pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --no-password --dbname="$DB_URL" "$SOURCE/database.dump" 2>&1) ||
  die "pg_restore failed, the database $DB_NAME is left empty: $(grep -m 1 'error' <<<"$error" || first_line "$error")"
# pg_restore brings no planner statistics; the public lists choose their plans by them.
# (A role that is no superuser may not analyze the shared catalogues: said quietly.)
"${PSQL[@]}" -d "$DB_URL" -c "SET client_min_messages = error" -c "ANALYZE" >/dev/null

# --- 4. The files ----------------------------------------------------------------------

say "extracting the files into $MEDIA_ROOT"
mkdir -p -- "$MEDIA_ROOT"
# As root the owners and modes are the archive's, by name (the portal's user on this
# machine); as another user the files are that user's.
tar --extract --file="$SOURCE/media.tar" --directory="$MEDIA_ROOT" ||
  die "extracting the files into $MEDIA_ROOT failed; the database is restored"

# --- 5. The check ----------------------------------------------------------------------

say "checking the restored portal"
export DATABASE_URL MEDIA_ROOT
cd "$PORTAL_DIR"
check=$("$PORTAL_PYTHON" - 2>&1 <<'PY'
"""The restored database against this code, and the files its rows name."""
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.apps import apps
from django.core.management import call_command
from django.db.models import FileField

try:
    # manage.py migrate --check: exits non-zero when a migration is not applied.
    call_command("migrate", check_unapplied=True, verbosity=0)
except SystemExit as stop:
    if stop.code:
        print("the restored database lacks migrations of this code: run manage.py migrate")
        sys.exit(1)

names = missing = 0
first = []
for model in apps.get_models():
    for field in model._meta.concrete_fields:
        if not isinstance(field, FileField):
            continue
        values = model._base_manager.exclude(**{field.name: ""}).exclude(
            **{f"{field.name}__isnull": True}
        )
        for name in values.values_list(field.name, flat=True).iterator():
            names += 1
            if not field.storage.exists(name):
                missing += 1
                first.append(name)
if missing:
    print(f"{missing} of the {names} files the database names are not in MEDIA_ROOT: "
          + ", ".join(first[:3]))
    sys.exit(1)
print(f"{names} files named by the database, all present")
PY
) || die "restored, but the check failed: $(tail -n 1 <<<"$check")"
say "$check"
say "restored $SOURCE into $DB_NAME and $MEDIA_ROOT"
