#!/usr/bin/env bash
# Fuzzes the running service from openapi/openapi.json with schemathesis, every check on
# (issue 10 item 6). Starts the built service (pnpm build first) on a throwaway copy of the test
# fixture models and a fresh data folder, with a bootstrap admin key sent on every request, so
# model management (deploy, load, unload, promote, keys) is fuzzed too without touching models/.
#
#   scripts/fuzz/run.sh                      # CHIPQ_FUZZ_MAX_EXAMPLES (default 30) per operation
#   CHIPQ_FUZZ_SEED=1 scripts/fuzz/run.sh    # reproduce a run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CHIPQ_FUZZ_VENV:-$repo/.venv-fuzz}"
"$here/install.sh" >/dev/null

work="$(mktemp -d)"
port="${CHIPQ_FUZZ_PORT:-18089}"
key="fuzz-admin-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cp -r "$repo/test/fixtures/models" "$work/models"
cleanup() {
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

MODEL_REPOSITORY="$work/models" DATA_DIR="$work/data" PORT="$port" HOST=127.0.0.1 \
  CHIPQ_ADMIN_KEY="$key" RATE_LIMIT=0 LOG_LEVEL=warn DEFAULT_MODEL=diff_detector \
  node "$repo/services/inference/dist/main.js" >"$work/service.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/api/v1/monitoring/health?probe=liveness" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.5
done

set +e
"$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$repo/openapi/openapi.json" \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $key" \
  --checks all \
  --max-examples "${CHIPQ_FUZZ_MAX_EXAMPLES:-30}" \
  ${CHIPQ_FUZZ_SEED:+--seed "$CHIPQ_FUZZ_SEED"} \
  --workers 1 \
  --request-timeout 30 \
  --report junit --report-dir "$repo/test/.tmp/fuzz" \
  "$@"
status=$?
set -e
if [[ $status -ne 0 ]]; then
  echo "fuzz: service log (last 40 lines):"; tail -40 "$work/service.log"
fi
exit $status
