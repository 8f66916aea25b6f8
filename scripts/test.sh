#!/usr/bin/env bash
# npm test: lint + typecheck, Vitest (unit + integration on throwaway databases in the private
# cluster), then Playwright against a production build in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-env.sh
export CONSOLE_DB=geoetl_e2e
export DATABASE_URL="postgresql://postgres:$PGPASSWORD@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable"
export DATABASE_READER_URL="postgresql://geoetl_reader:$PGPASSWORD@127.0.0.1:$PGPORT/$CONSOLE_DB?sslmode=disable"
export E2E_PORT="${E2E_PORT:-3100}"
export CONSOLE_ORIGIN="http://127.0.0.1:$E2E_PORT"
export ALLOW_DESTRUCTIVE_MAINTENANCE=true
echo "== pgSTAC: $PGSTAC_LABEL"

echo "== format + lint + typecheck"
npx prettier --check . --log-level warn
npx eslint . --max-warnings=0
npx tsc --noEmit

echo "== unit + integration (vitest)"
bash scripts/db.sh start
start_idp
trap '[ -n "${IDP_PID:-}" ] && kill "$IDP_PID" 2>/dev/null || true' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest-results.json

echo "== e2e (playwright, production build)"
npx next build
PLAYWRIGHT_JSON_OUTPUT_FILE=.data/playwright-results.json npx playwright test --reporter=list,json

# One closing line over both runners.
node -e '
const v = require("./.data/vitest-results.json"), p = require("./.data/playwright-results.json").stats;
const passed = v.numPassedTests + p.expected + p.flaky, failed = v.numFailedTests + p.unexpected;
console.log(`${passed} passed, ${failed} failed` + (v.numPendingTests + p.skipped ? `, ${v.numPendingTests + p.skipped} skipped` : ""));
'
