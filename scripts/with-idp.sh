#!/usr/bin/env bash
# Runs a command with the local environment (scripts/local-env.sh) and the local OpenID provider
# up (started here if none answers, stopped afterwards): benchmarks that call the API over HTTP
# need the provider that issued their token to stay up while the server checks it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-env.sh
start_idp
trap '[ -n "${IDP_PID:-}" ] && kill "$IDP_PID" 2>/dev/null || true' EXIT
"$@"
