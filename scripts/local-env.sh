# Sourced by the demo and test scripts: environment for the private local cluster and the local
# OpenID provider (scripts/idp), which stands in for Microsoft Entra ID on this machine.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$ROOT/.data"
export PGPORT="${PGPORT:-54329}"
export CONSOLE_DB="${CONSOLE_DB:-geoetl}"
# The cluster's generated password (.data/pg-password); PGPASSWORD serves scripts that build
# their own URLs without one.
export PGPASSWORD="${PGPASSWORD:-$(bash "$ROOT/scripts/db.sh" password)}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres:$PGPASSWORD@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable}"
export DATABASE_READER_URL="${DATABASE_READER_URL:-postgresql://geoetl_reader:$PGPASSWORD@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable}"
export NEXT_TELEMETRY_DISABLED=1

# Real pgSTAC for the demo and the tests, where its release files are (lib/pgstac/local.ts looks
# in the same places): PGSTAC_MIGRATIONS_DIR as set, ../shared/pgstac beside the checkout, or an
# installed pypgstac's migrations folder. None found (or PGSTAC_MIGRATIONS_DIR=none): the
# stand-in, sql/fixtures/pgstac_standin.sql, which redeploy then reinstalls (PGSTAC_SQL_FILE).
if [ -z "${PGSTAC_MIGRATIONS_DIR:-}" ] && [ -z "${PGSTAC_SQL_FILE:-}" ] && [ -z "${PGSTAC_MIGRATE_COMMAND:-}" ]; then
  if compgen -G "$ROOT/../shared/pgstac/pgstac--*.sql" >/dev/null; then
    PGSTAC_MIGRATIONS_DIR="$(cd "$ROOT/../shared/pgstac" && pwd)"
  else
    PGSTAC_MIGRATIONS_DIR="$(python3 -c 'import os, pypgstac; print(os.path.join(os.path.dirname(pypgstac.__file__), "migrations"))' 2>/dev/null || true)"
  fi
  export PGSTAC_MIGRATIONS_DIR="${PGSTAC_MIGRATIONS_DIR:-none}"
fi
if [ "${PGSTAC_MIGRATIONS_DIR:-}" = "none" ]; then
  export PGSTAC_SQL_FILE="${PGSTAC_SQL_FILE:-sql/fixtures/pgstac_standin.sql}"
  PGSTAC_LABEL="the pgSTAC stand-in (sql/fixtures/pgstac_standin.sql; no release files found)"
elif [ -n "${PGSTAC_MIGRATIONS_DIR:-}" ]; then
  PGSTAC_LABEL="real pgSTAC from $PGSTAC_MIGRATIONS_DIR"
else
  PGSTAC_LABEL="pgSTAC as configured"
fi
export PGSTAC_LABEL

# The local OpenID provider (scripts/idp): Entra-shaped, HTTPS for servers (issuer, token, keys),
# plain http on loopback for the browser pages. The console is configured for it exactly as for
# Entra: ENTRA_* and the provider's certificate as an extra CA (NODE_EXTRA_CA_CERTS).
export IDP_PORT="${IDP_PORT:-54340}"
export IDP_HTTP_PORT="${IDP_HTTP_PORT:-54341}"
eval "$(cd "$ROOT" && npx tsx scripts/idp/env.ts)"
# A session key kept per checkout, so signed-in browsers survive a demo restart.
if [ ! -s "$ROOT/.data/session-secret" ]; then
  (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > "$ROOT/.data/session-secret")
fi
export SESSION_SECRET="${SESSION_SECRET:-$(cat "$ROOT/.data/session-secret")}"

# Starts the provider in the background unless one already answers; sets IDP_PID when it started one.
start_idp() {
  local ready='fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
  local discovery="$ENTRA_AUTHORITY/.well-known/openid-configuration"
  IDP_PID=""
  node -e "$ready" "$discovery" 2>/dev/null && return 0
  # node itself (no npx/tsx wrapper processes), so killing IDP_PID stops the provider.
  (cd "$ROOT" && exec node --import tsx scripts/idp/server.ts) >"$ROOT/.data/idp.log" 2>&1 &
  IDP_PID=$!
  for _ in $(seq 1 80); do
    node -e "$ready" "$discovery" 2>/dev/null && return 0
    sleep 0.25
  done
  echo "The local OpenID provider did not start; see .data/idp.log:" >&2
  tail -n 20 "$ROOT/.data/idp.log" >&2
  return 1
}
