#!/usr/bin/env bash
# The portal's read replica: a PostgreSQL hot standby streaming from the primary, for
# DATABASE_REPLICA_URL (portal/replica.py sends the anonymous public reads to it).
#
#   deploy/pg-replica.sh start    create the standby if there is none (pg_basebackup -R),
#                                 start it and wait until it answers, in recovery, streaming
#   deploy/pg-replica.sh stop     stop it; its data stays, and the next start catches up
#   deploy/pg-replica.sh status   whether it runs and is in recovery, and its replay lag
#   deploy/pg-replica.sh remove   stop it, delete its data and drop its replication slot
#
# Every command may be run again: start leaves a running standby alone, stop and remove do
# nothing when there is nothing to stop or remove. Run it as root (it acts as REPLICA_OWNER)
# or as REPLICA_OWNER itself. Settings, from the environment:
#
#   PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432)  the primary the standby copies
#   PRIMARY_USER (postgres)      a role with REPLICATION (or a superuser); a password comes
#                                from PGPASSWORD or REPLICA_OWNER's ~/.pgpass
#   REPLICA_PORT (5433), REPLICA_LISTEN (127.0.0.1)  where the standby listens: the
#                                address(es) the portal's servers reach it by
#   REPLICA_DATA (/var/lib/postgresql/portal-replica)  its data directory; its log is
#                                REPLICA_DATA.log (REPLICA_LOG)
#   REPLICA_OWNER (postgres)     the system user that owns and runs it
#   REPLICA_SLOT (none)          a physical replication slot on the primary, created with the
#                                standby and dropped by remove. With a slot the primary keeps
#                                every WAL segment the standby has not received, for as long
#                                as it is stopped (watch the primary's disk, or set
#                                max_slot_wal_keep_size there); without one a standby stopped
#                                too long finds its WAL gone and start copies the primary anew
#   PG_BIN                       PostgreSQL's programs, of the primary's major version
#                                (default /usr/lib/postgresql/<major>/bin, else pg_config's)
#   WAIT_SECONDS (60)            how long start waits for the standby to answer and stream
#
# The primary needs wal_level = replica (or logical) and max_wal_senders > 0, both the
# default since PostgreSQL 10, and a pg_hba.conf line letting PRIMARY_USER connect for
# replication from the standby's address, e.g.
#   host  replication  replicator  10.0.0.12/32  scram-sha-256
# When the primary is on this machine and has no such line, start adds one for 127.0.0.1
# (with the method its other connections from 127.0.0.1 use) and reloads it. The primary is
# never restarted.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_LISTEN=${REPLICA_LISTEN:-127.0.0.1}
REPLICA_DATA=${REPLICA_DATA:-/var/lib/postgresql/portal-replica}
REPLICA_DATA=$(realpath -m -- "$REPLICA_DATA")
REPLICA_LOG=${REPLICA_LOG:-$REPLICA_DATA.log}
REPLICA_OWNER=${REPLICA_OWNER:-postgres}
REPLICA_SLOT=${REPLICA_SLOT:-}
WAIT_SECONDS=${WAIT_SECONDS:-60}
# The standby's name in the primary's pg_stat_replication and in its process titles.
REPLICA_NAME=${REPLICA_NAME:-portal-replica}
# Its Unix socket: Debian's usual directory when there is one, else the data directory.
if [ -d /var/run/postgresql ]; then
  SOCKET_DIR=${REPLICA_SOCKET_DIR:-/var/run/postgresql}
else
  SOCKET_DIR=${REPLICA_SOCKET_DIR:-$REPLICA_DATA}
fi

say() { echo "pg-replica: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# The programs run as REPLICA_OWNER, with its home (for ~/.pgpass), from a directory it may
# enter, and without the lock's descriptor (the server would hold the lock as long as it runs).
cd /
OWNER_HOME=$(getent passwd "$REPLICA_OWNER" | cut -d: -f6) ||
  die "there is no system user $REPLICA_OWNER (REPLICA_OWNER)"
OWNER_GROUP=$(id -gn "$REPLICA_OWNER")
as_owner() {
  if [ "$(id -un)" = "$REPLICA_OWNER" ]; then
    "$@" 9<&-
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u "$REPLICA_OWNER" -- env HOME="$OWNER_HOME" "$@" 9<&-
  else
    die "run this as root or as $REPLICA_OWNER"
  fi
}

# psql's options for one value per line and no prompt for a password.
PSQL_OPTS=(-X -A -t -q -w -v ON_ERROR_STOP=1)

# A query on the primary (its database postgres), as PRIMARY_USER.
primary_sql() {
  as_owner "$(psql_bin)" "${PSQL_OPTS[@]}" \
    -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"
}

# A query on the standby, through its socket, as the owner's database role.
standby_sql() {
  as_owner "$PG_BIN/psql" "${PSQL_OPTS[@]}" \
    -h "$SOCKET_DIR" -p "$REPLICA_PORT" -d postgres -c "$1"
}

# Any psql will do to ask the primary its version; PG_BIN's once it is known.
psql_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN/psql"
  else
    command -v psql || die "psql is not installed (apt-get install postgresql-client)"
  fi
}

# PG_BIN: the standby runs the primary's major version, whose binaries are on this machine.
find_binaries() {
  [ -n "${PG_BIN:-}" ] && return
  local major
  if [ -f "$REPLICA_DATA/PG_VERSION" ]; then
    major=$(cat "$REPLICA_DATA/PG_VERSION")
  else
    major=$(primary_sql "SELECT current_setting('server_version_num')::int / 10000") ||
      die "the primary at $PRIMARY_HOST:$PRIMARY_PORT does not answer as $PRIMARY_USER"
  fi
  if [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]; then
    PG_BIN=/usr/lib/postgresql/$major/bin
  elif command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/pg_ctl" ] &&
    [ "$("$(pg_config --bindir)/pg_ctl" --version | grep -o '[0-9]*' | head -1)" = "$major" ]; then
    PG_BIN=$(pg_config --bindir)
  else
    die "PostgreSQL $major's server programs are not installed (apt-get install" \
      "postgresql-$major), or set PG_BIN"
  fi
}

# The data directory is a standby's (pg_basebackup -R left standby.signal in it): the only
# kind this script starts, stops or deletes.
is_standby_dir() { [ -f "$REPLICA_DATA/PG_VERSION" ] && [ -f "$REPLICA_DATA/standby.signal" ]; }

# A directory of something else in its place is never touched.
refuse_foreign_dir() {
  if [ -d "$REPLICA_DATA" ] && ! is_standby_dir && [ -n "$(ls -A "$REPLICA_DATA")" ]; then
    die "$REPLICA_DATA holds something other than a standby (no standby.signal): left alone"
  fi
}

running() { is_standby_dir && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1; }

# One start, stop or remove at a time for this data directory (a lock on its parent).
lock() {
  local parent
  parent=$(dirname "$REPLICA_DATA")
  install -d "$parent"
  exec 9<"$parent"
  flock -w 600 9 || die "another pg-replica.sh is still working on $REPLICA_DATA"
}

# The primary can stream WAL: its settings, PRIMARY_USER's right to replicate, pg_hba.conf.
check_primary() {
  local settings wal_level max_wal_senders may_replicate
  settings=$(primary_sql "SELECT format('%s %s %s', current_setting('wal_level'),
      current_setting('max_wal_senders'),
      CASE WHEN rolsuper OR rolreplication THEN 'yes' ELSE 'no' END)
      FROM pg_roles WHERE rolname = current_user") ||
    die "the primary at $PRIMARY_HOST:$PRIMARY_PORT does not answer as $PRIMARY_USER"
  read -r wal_level max_wal_senders may_replicate <<<"$settings"
  [ "$wal_level" != minimal ] ||
    die "the primary has wal_level = minimal: set it to replica and restart the primary"
  [ "$max_wal_senders" -gt 0 ] ||
    die "the primary has max_wal_senders = 0: raise it and restart the primary"
  [ "$may_replicate" = yes ] ||
    die "$PRIMARY_USER may not replicate: ALTER ROLE $PRIMARY_USER REPLICATION on the primary"
  replication_allowed || allow_local_replication
}

replication_allowed() {
  as_owner "$(psql_bin)" "${PSQL_OPTS[@]}" -c IDENTIFY_SYSTEM \
    "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER dbname=replication replication=true" \
    >/dev/null 2>&1
}

# A primary on this machine: let PRIMARY_USER replicate from 127.0.0.1 as it already connects
# from there, and reload (not restart) the primary.
allow_local_replication() {
  local hba method
  case "$PRIMARY_HOST" in
    127.0.0.1 | localhost | ::1) ;;
    *)
      die "the primary refuses replication connections from this machine: add a line" \
        "'host replication $PRIMARY_USER <this address>/32 scram-sha-256' to its pg_hba.conf" \
        "and reload it (SELECT pg_reload_conf())"
      ;;
  esac
  hba=$(primary_sql "SHOW hba_file") || die "cannot read the primary's hba_file setting"
  [ -w "$hba" ] || die "the primary refuses replication connections from 127.0.0.1, and" \
    "$hba is not writable here: add 'host replication $PRIMARY_USER 127.0.0.1/32 <method>'"
  method=$(primary_sql "SELECT auth_method FROM pg_hba_file_rules
      WHERE type = 'host' AND database = '{all}' AND address = '127.0.0.1'
        AND netmask = '255.255.255.255' AND error IS NULL
      ORDER BY line_number LIMIT 1")
  method=${method:-scram-sha-256}
  say "letting $PRIMARY_USER replicate from 127.0.0.1 ($method) in $hba"
  printf '%s\n' "" \
    "# Streaming replication to the portal's read replica (deploy/pg-replica.sh)." \
    "host    replication     $PRIMARY_USER    127.0.0.1/32    $method" >>"$hba"
  primary_sql "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 50); do
    replication_allowed && return
    sleep 0.2
  done
  die "the primary still refuses replication from 127.0.0.1 after reloading $hba"
}

# Copy the primary (pg_basebackup -R: the copy starts as its standby). Into REPLICA_DATA when
# it is an empty directory (a volume of its own, say), else into REPLICA_DATA.new, put in place
# once complete: an interrupted copy is cleared by the next one.
create() {
  local new=$REPLICA_DATA slot_args=()
  rm -rf -- "$REPLICA_DATA.new"
  [ -d "$REPLICA_DATA" ] || new=$REPLICA_DATA.new
  install -d "$new"
  chown "$REPLICA_OWNER:$OWNER_GROUP" "$new"
  chmod 700 "$new"
  if [ -n "$REPLICA_SLOT" ]; then
    slot_args=(--slot="$REPLICA_SLOT")
    if [ -z "$(primary_sql "SELECT 1 FROM pg_replication_slots
        WHERE slot_name = '$REPLICA_SLOT'")" ]; then
      slot_args+=(--create-slot)
    fi
  fi
  say "copying the primary $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DATA"
  # A fast checkpoint on the primary, so the copy begins at once rather than at the next one.
  as_owner "$PG_BIN/pg_basebackup" --pgdata="$new" --write-recovery-conf --wal-method=stream \
    --checkpoint=fast --no-password --progress "${slot_args[@]}" \
    --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" --username="$PRIMARY_USER" ||
    die "pg_basebackup failed"
  # Debian keeps a cluster's pg_hba.conf outside its data directory: the standby takes the
  # primary's rules when they are readable here (the portal connects to it as to the
  # primary), else local connections and 127.0.0.1 with a password; edit it for the portal's
  # servers.
  if [ ! -f "$new/pg_hba.conf" ]; then
    local hba
    hba=$(primary_sql "SHOW hba_file" 2>/dev/null || true)
    if [ -n "$hba" ] && [ -r "$hba" ]; then
      install -o "$REPLICA_OWNER" -g "$OWNER_GROUP" -m 600 "$hba" "$new/pg_hba.conf"
    else
      printf '%s\n' "local   all   all                 peer" \
        "host    all   all   127.0.0.1/32  scram-sha-256" \
        "host    all   all   ::1/128       scram-sha-256" >"$new/pg_hba.conf"
      chown "$REPLICA_OWNER:$OWNER_GROUP" "$new/pg_hba.conf"
    fi
  fi
  [ -f "$new/pg_ident.conf" ] ||
    install -o "$REPLICA_OWNER" -g "$OWNER_GROUP" -m 600 /dev/null "$new/pg_ident.conf"
  install -d -o "$REPLICA_OWNER" -g "$OWNER_GROUP" -m 700 "$new/conf.d"
  [ "$new" = "$REPLICA_DATA" ] || mv -- "$new" "$REPLICA_DATA"
}

# Delete the standby's data, leaving REPLICA_DATA itself when it cannot go (a mount point).
delete_data() {
  rm -rf -- "$REPLICA_DATA.new"
  if [ -d "$REPLICA_DATA" ]; then
    find "$REPLICA_DATA" -mindepth 1 -delete
    rmdir -- "$REPLICA_DATA" 2>/dev/null || true
  fi
}

# The standby's postgresql.conf, written at each start: where it listens, and the primary's
# settings a standby must hold at least as high (or it will not start) or that shape query
# results. Further settings go in REPLICA_DATA/conf.d/*.conf.
configure() {
  local shared
  shared=$(primary_sql "SELECT format('%s = %L', name, current_setting(name))
      FROM unnest(ARRAY['max_connections', 'max_worker_processes', 'max_wal_senders',
        'max_prepared_transactions', 'max_locks_per_transaction', 'DateStyle',
        'IntervalStyle', 'TimeZone', 'default_text_search_config', 'lc_messages',
        'lc_monetary', 'lc_numeric', 'lc_time']) AS name") ||
    die "cannot read the primary's settings"
  as_owner tee "$REPLICA_DATA/postgresql.conf" >/dev/null <<EOF
# The portal's read replica: a hot standby of $PRIMARY_HOST:$PRIMARY_PORT.
# Written by deploy/pg-replica.sh at each start; put other settings in conf.d/*.conf.
listen_addresses = '$REPLICA_LISTEN'
port = $REPLICA_PORT
unix_socket_directories = '$SOCKET_DIR'
cluster_name = '$REPLICA_NAME'
hot_standby = on

# As on the primary.
$shared

include_dir = 'conf.d'
EOF
}

# Start the server and wait until it answers in recovery; 0 once it streams from the primary,
# 2 when the primary no longer has the WAL it needs (stopped too long without a slot).
launch() {
  local log_from=0 status
  if [ -f "$REPLICA_LOG" ]; then
    log_from=$(stat -c %s "$REPLICA_LOG")
  else
    install -o "$REPLICA_OWNER" -g "$OWNER_GROUP" -m 640 /dev/null "$REPLICA_LOG"
  fi
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_LOG" -w -t "$WAIT_SECONDS" start \
    >/dev/null || {
    tail -n 20 "$REPLICA_LOG" >&2
    die "the standby did not start (log: $REPLICA_LOG)"
  }
  wait_streaming "$log_from" || status=$?
  return "${status:-0}"
}

wait_streaming() {
  local log_from=$1 deadline=$((SECONDS + WAIT_SECONDS))
  [ "$(standby_sql "SELECT pg_is_in_recovery()")" = t ] ||
    die "$REPLICA_DATA runs but is not in recovery: it was promoted, and is no replica"
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(standby_sql "SELECT status FROM pg_stat_wal_receiver")" = streaming ] && return 0
    if tail -c +"$((log_from + 1))" "$REPLICA_LOG" | grep -q "has already been removed"; then
      return 2
    fi
    sleep 0.2
  done
  tail -n 20 "$REPLICA_LOG" >&2
  die "the standby runs but does not stream from $PRIMARY_HOST:$PRIMARY_PORT (log: $REPLICA_LOG)"
}

stop_server() {
  if running; then
    as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null
    say "stopped the standby on port $REPLICA_PORT"
  fi
}

cmd_start() {
  local state=0
  lock
  refuse_foreign_dir
  find_binaries
  check_primary
  if running; then
    wait_streaming "$(stat -c %s "$REPLICA_LOG" 2>/dev/null || echo 0)" || state=$?
  else
    is_standby_dir || create
    configure
    launch || state=$?
  fi
  if [ "$state" -eq 2 ]; then
    # Without a slot the primary keeps only recent WAL: a fresh copy starts over.
    say "the primary no longer holds the WAL this standby needs: copying it anew"
    stop_server
    delete_data
    create
    configure
    launch || die "the new standby cannot stream either (log: $REPLICA_LOG)"
  fi
  cmd_status
}

cmd_stop() {
  lock
  refuse_foreign_dir
  if ! is_standby_dir; then
    say "no standby in $REPLICA_DATA"
    return
  fi
  find_binaries
  running || say "the standby in $REPLICA_DATA is not running"
  stop_server
}

# Prints the standby's state; exits 0 when it runs in recovery, 3 when it does not run.
cmd_status() {
  if ! is_standby_dir; then
    echo "standby: none in $REPLICA_DATA"
    exit 3
  fi
  find_binaries
  if ! running; then
    echo "standby: stopped ($REPLICA_DATA, port $REPLICA_PORT)"
    exit 3
  fi
  # The lag as portal/replica.py reads it: 0 when everything received is replayed.
  standby_sql "SELECT format(E'standby: running on port %s, %s\nreceiver: %s\n'
        'replay lag: %s s (received %s, replayed %s)%s',
      current_setting('port'),
      CASE WHEN pg_is_in_recovery() THEN 'in recovery' ELSE 'NOT in recovery (promoted)' END,
      COALESCE((SELECT status || ' from ' || sender_host || ':' || sender_port
        FROM pg_stat_wal_receiver), 'not streaming'),
      round(CASE WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
        END::numeric, 1),
      pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(),
      CASE WHEN pg_is_in_recovery() AND pg_get_wal_replay_pause_state() <> 'not paused'
        THEN ' — replay ' || pg_get_wal_replay_pause_state() ELSE '' END)"
  [ "$(standby_sql "SELECT pg_is_in_recovery()")" = t ]
}

cmd_remove() {
  lock
  refuse_foreign_dir
  local slot=$REPLICA_SLOT
  if is_standby_dir; then
    find_binaries
    stop_server
    # The slot the standby streamed through, as pg_basebackup -R recorded it.
    slot=$(sed -n "s/^primary_slot_name = '\(.*\)'$/\1/p" "$REPLICA_DATA/postgresql.auto.conf" |
      tail -1)
    slot=${slot:-$REPLICA_SLOT}
  fi
  delete_data
  rm -f -- "$REPLICA_LOG"
  say "removed $REPLICA_DATA"
  if [ -n "$slot" ]; then
    drop_slot "$slot"
  fi
}

# The primary lets go of a slot a moment after its standby disconnects.
drop_slot() {
  local found
  for _ in $(seq 50); do
    found=$(primary_sql "SELECT active FROM pg_replication_slots WHERE slot_name = '$1'") ||
      die "the primary does not answer: drop the replication slot $1 on it"
    case "$found" in
      "")
        return
        ;;
      f)
        primary_sql "SELECT pg_drop_replication_slot('$1')" >/dev/null
        say "dropped the replication slot $1 on the primary"
        return
        ;;
    esac
    sleep 0.2
  done
  die "the replication slot $1 on the primary is still in use: not dropped"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  remove) cmd_remove ;;
  *)
    echo "usage: $0 start|stop|status|remove" >&2
    exit 2
    ;;
esac
