#!/usr/bin/env bash
# npm run demo [-- --reset]: private PostgreSQL + PostGIS, demo data, the local OpenID provider,
# production build, console on :3000. Reuses the database as it was left; --reset starts over.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-env.sh
RESET=0; [ "${1:-}" = "--reset" ] && RESET=1
PORT="${PORT:-3000}"
HOST="${HOST:-127.0.0.1}"
# The console's public origin (redirect URI, Host and CSRF checks); localhost is accepted too.
export CONSOLE_ORIGIN="${CONSOLE_ORIGIN:-http://$HOST:$PORT}"
export CONSOLE_EXTRA_HOSTS="${CONSOLE_EXTRA_HOSTS:-localhost:$PORT}"
export ALLOW_DESTRUCTIVE_MAINTENANCE="${ALLOW_DESTRUCTIVE_MAINTENANCE:-true}"
# pgSTAC: real pgSTAC where its release files are found (scripts/local-env.sh), else the stand-in.
echo "demo: pgSTAC is $PGSTAC_LABEL"
bash scripts/db.sh start
ADMIN_URL="$(bash scripts/db.sh url postgres)"
if [ "$RESET" = 1 ]; then psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $CONSOLE_DB WITH (FORCE)"; fi
psql -qtA "$ADMIN_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$CONSOLE_DB'" | grep -q 1 \
  || psql -q "$ADMIN_URL" -c "CREATE DATABASE $CONSOLE_DB"
npx tsx scripts/demo-data.ts "$(bash scripts/db.sh url "$CONSOLE_DB")"
# Build once per source state; a rebuild only when the sources changed since the last build.
STAMP=".next/.demo-build-stamp"
SRC_HASH="$(git ls-files -z -c -o --exclude-standard app components lib public proxy.ts next.config.mjs package-lock.json 2>/dev/null | xargs -0 sha1sum 2>/dev/null | sha1sum | cut -c1-40)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$SRC_HASH" ]; then
  npx next build
  echo "$SRC_HASH" > "$STAMP"
fi
start_idp
trap '[ -n "${IDP_PID:-}" ] && kill "$IDP_PID" 2>/dev/null || true' EXIT
cat <<MSG

GeoETL Admin Console: $CONSOLE_ORIGIN
Sign in on the local OpenID provider's page (local demo accounts):
  admin    ada@geoetl.local   / admin-demo
  reader   rita@geoetl.local  / reader-demo
  no role  nora@geoetl.local  / norole-demo
API token: npm run -s token -- admin | tail -1

MSG
# Loopback only by default.
npx next start -p "$PORT" -H "$HOST"
