# Sourced by the demo and test scripts: environment for the private local cluster.
# The local auth key is made once per checkout (.data/local-auth-secret) and never leaves it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$ROOT/.data"
if [ ! -s "$ROOT/.data/local-auth-secret" ]; then
  node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > "$ROOT/.data/local-auth-secret"
  chmod 600 "$ROOT/.data/local-auth-secret"
fi
export PGPORT="${PGPORT:-54329}"
export CONSOLE_DB="${CONSOLE_DB:-geoetl}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable}"
export DATABASE_READER_URL="${DATABASE_READER_URL:-postgresql://geoetl_reader@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable}"
export AUTH_MODE="${AUTH_MODE:-local}"
export LOCAL_AUTH_SECRET="${LOCAL_AUTH_SECRET:-$(cat "$ROOT/.data/local-auth-secret")}"
# `next start` is a production build; local sign-in stays allowed there only because the
# database is on this machine (the config refuses it on Azure or a remote database).
export ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD="${ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD:-1}"
export NEXT_TELEMETRY_DISABLED=1
