#!/usr/bin/env bash
# Private PostgreSQL 15 + PostGIS cluster for this project: its own data directory (.data/pg),
# its own port (PGPORT, default 54329), loopback and a unix socket under .data/run only.
# Never touches a cluster on 5432.  Usage: scripts/db.sh start|stop|reset|status|url [dbname]
# TCP connections need a password (scram-sha-256); it is generated once per checkout into
# .data/pg-password (mode 600) and `url` prints it in the URL. Only the private unix socket
# (a directory only the server's user can enter) trusts local users.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PGPORT:-54329}"
if [ "$PORT" = "5432" ]; then echo "db.sh: refusing port 5432 (that is the system cluster); set PGPORT to another port." >&2; exit 1; fi
DATA="$ROOT/.data/pg-$PORT"
RUN="$ROOT/.data/run"
LOG="$ROOT/.data/pg-$PORT.log"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control
PWFILE="$ROOT/.data/pg-password"

password() {
  if [ ! -s "$PWFILE" ]; then
    mkdir -p "$ROOT/.data"
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' > "$PWFILE")
  fi
  cat "$PWFILE"
}

# pg_hba: trust on the private socket only, scram-sha-256 for every TCP connection.
write_hba() {
  as_owner tee "$DATA/pg_hba.conf" >/dev/null <<HBA
local all all trust
host  all all 127.0.0.1/32 scram-sha-256
host  all all ::1/128      scram-sha-256
HBA
}

# Sets the generated password on the admin role and the local reader role (created here if
# missing, so the reader URL works before any database exists). Idempotent; run at every start.
set_passwords() {
  local pw; pw="$(password)"
  "$PGBIN/psql" -q -X -h "$RUN" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -v pw="$pw" >/dev/null <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'geoetl_reader') AS missing \gset
\if :missing
CREATE ROLE geoetl_reader LOGIN;
\endif
ALTER ROLE postgres PASSWORD :'pw';
ALTER ROLE geoetl_reader PASSWORD :'pw';
SQL
}

# pg_stat_statements must be preloaded (shared_preload_libraries) before CREATE EXTENSION is any
# use. Appends the setting to the cluster's postgresql.conf when it is missing; returns 0 when it
# changed the file (a running server then needs a restart), 1 otherwise. A
# shared_preload_libraries someone set by hand (here or with ALTER SYSTEM) is left alone, and so is
# a PostgreSQL without the library.
ensure_preload() {
  local conf="$DATA/postgresql.conf" auto="$DATA/postgresql.auto.conf"
  [ -f "$conf" ] && [ -f "$PGBIN/../lib/pg_stat_statements.so" ] || return 1
  grep -qE "^[[:space:]]*shared_preload_libraries[[:space:]]*=.*pg_stat_statements" "$conf" && return 1
  if grep -qsE "^[[:space:]]*shared_preload_libraries[[:space:]]*=" "$conf" "$auto"; then
    echo "db.sh: shared_preload_libraries is set by hand in $DATA without pg_stat_statements; add it there to see slow queries on /health." >&2
    return 1
  fi
  echo "shared_preload_libraries = 'pg_stat_statements'  # db.sh: slow queries on /health" | as_owner tee -a "$conf" >/dev/null
  return 0
}

ensure_installed() {
  local missing=()
  [ -x "$PGBIN/initdb" ] || missing+=(postgresql-15)
  [ -f "$POSTGIS_CONTROL" ] || missing+=(postgresql-15-postgis-3)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "db.sh: installing ${missing[*]} with apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null
  else
    echo "db.sh: missing ${missing[*]}; install them (e.g. 'sudo apt-get install -y ${missing[*]}') and retry." >&2
    exit 1
  fi
}

# PostgreSQL refuses to run as root: as root, run the server as the 'postgres' system user.
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root the server runs as 'postgres', which must be able to reach the data directory. When the
# checkout sits below a private directory (e.g. mktemp -d, mode 700), keep the cluster in
# /var/lib/geoetl-console/<checkout hash> instead and leave a symlink in .data/.
relocate_if_unreachable() {
  [ "$(id -u)" = "0" ] && id postgres >/dev/null 2>&1 || return 0
  mkdir -p "$ROOT/.data"
  if ! runuser -u postgres -- test -x "$ROOT/.data" 2>/dev/null; then
    local alt="/var/lib/geoetl-console/$(echo "$ROOT" | sha1sum | cut -c1-12)"
    mkdir -p "$alt"; chown postgres "$alt"
    DATA="$alt/pg-$PORT"; RUN="$alt/run"; LOG="$alt/pg-$PORT.log"
    ln -sfn "$DATA" "$ROOT/.data/pg-$PORT"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  ensure_installed
  if [ "$(id -u)" = "0" ]; then id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; fi
  relocate_if_unreachable
  mkdir -p "$ROOT/.data" "$RUN"
  chmod 700 "$RUN"
  if [ "$(id -u)" = "0" ]; then chown postgres "$RUN"; [ -L "$ROOT/.data/pg-$PORT" ] || chown postgres "$ROOT/.data"; fi
  # A cluster made before passwords were required: switch it over (takes effect at start).
  if [ -f "$DATA/pg_hba.conf" ] && grep -qE '^host[[:space:]].*trust' "$DATA/pg_hba.conf"; then
    write_hba
    running && as_owner "$PGBIN/pg_ctl" -D "$DATA" reload >/dev/null
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    write_hba
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
max_connections = 200
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 4GB
jit = off
CONF
  fi
  # New clusters, and those made before the health page: load pg_stat_statements (slow queries).
  local restart_needed=0
  if ensure_preload; then restart_needed=1; fi
  if ! running && port_busy; then
    echo "db.sh: port $PORT is used by another server; choose a free one with PGPORT=<port>." >&2; exit 1
  fi
  if ! running; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT -k $RUN" -w -t 60 start >/dev/null \
      || { echo "db.sh: server failed to start; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
  elif [ "$restart_needed" = 1 ]; then
    # shared_preload_libraries is read at server start only: one clean restart (open sessions end).
    echo "db.sh: restarting the server once to load pg_stat_statements" >&2
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT -k $RUN" -m fast -w -t 60 restart >/dev/null \
      || { echo "db.sh: server failed to restart; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
  fi
  for _ in $(seq 1 60); do
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then set_passwords; return 0; fi
    sleep 0.5
  done
  echo "db.sh: server did not accept connections on 127.0.0.1:$PORT; see $LOG" >&2; exit 1
}

stop() { if running; then as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi; }

case "${1:-}" in url|password) ;; *) relocate_if_unreachable ;; esac
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$DATA"; start ;;
  status) if running; then echo "running on 127.0.0.1:$PORT ($DATA)"; else echo "stopped"; exit 3; fi ;;
  password) password; echo ;;
  url) echo "postgresql://postgres:$(password)@127.0.0.1:$PORT/${2:-geoetl}" ;;
  *) echo "usage: scripts/db.sh start|stop|reset|status|password|url [dbname]" >&2; exit 2 ;;
esac
