#!/usr/bin/env bash
# npm run demo [-- --reset]: private PostgreSQL + PostGIS, demo data, production build, console on :3000.
# Reuses the database as it was left; --reset (npm run demo:reset) starts over.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-env.sh
RESET=0; [ "${1:-}" = "--reset" ] && RESET=1
bash scripts/db.sh start
ADMIN_URL="$(bash scripts/db.sh url postgres)"
if [ "$RESET" = 1 ]; then psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $CONSOLE_DB WITH (FORCE)"; fi
psql -qtA "$ADMIN_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$CONSOLE_DB'" | grep -q 1 \
  || psql -q "$ADMIN_URL" -c "CREATE DATABASE $CONSOLE_DB"
npx tsx scripts/demo-data.ts "postgresql://postgres@127.0.0.1:$PGPORT/$CONSOLE_DB"
# Build once per source state; a rebuild only when the sources changed since the last build.
STAMP=".next/.demo-build-stamp"
SRC_HASH="$(git ls-files -z -c -o --exclude-standard app components lib public next.config.mjs package-lock.json 2>/dev/null | xargs -0 sha1sum 2>/dev/null | sha1sum | cut -c1-40)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$SRC_HASH" ]; then
  npx next build
  echo "$SRC_HASH" > "$STAMP"
fi
echo "GeoETL Admin Console: http://${HOST:-127.0.0.1}:${PORT:-3000}  (sign in locally; API token: npm run token -- admin)"
# Loopback only by default: local sign-in lets anyone who reaches the port be admin.
exec npx next start -p "${PORT:-3000}" -H "${HOST:-127.0.0.1}"
