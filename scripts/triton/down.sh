#!/usr/bin/env bash
# Stops a Triton started by `up.sh --detach` (by its pid file, never by name).
#   scripts/triton/down.sh [grpc-port]   # default 8001
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${CHIPQ_TRITON_HOME:-$(cd "$here/../.." && pwd)/.triton}"
pidfile="$home/logs/tritonserver-${1:-8001}.pid"
[[ -f "$pidfile" ]] || { echo "triton: no pid file $pidfile" >&2; exit 1; }
pid="$(cat "$pidfile")"
kill "$pid" 2>/dev/null || true
# Triton drains in-flight requests for up to --exit-timeout-secs (30 s) before it exits.
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
rm -f "$pidfile"
echo "triton: stopped pid $pid" >&2
