#!/usr/bin/env bash
# Starts the bundled Triton Inference Server on loopback with explicit model control.
#
#   scripts/triton/up.sh <model-repository> [--grpc-port 8001] [--http-port 8000]
#                        [--metrics-port 8002] [--detach] [-- <extra tritonserver flags>]
#
# Foreground by default (the process becomes tritonserver, logs on stdout/stderr; Ctrl-C stops).
# With --detach: runs in the background, logs to .triton/logs/tritonserver-<grpc-port>.log, writes
# the pid next to it, waits until /v2/health/ready answers and prints both paths.
# Runs install.sh first, which returns at once when nothing changed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="${CHIPQ_TRITON_HOME:-$repo/.triton}"

usage() { sed -n '4,10p' "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
model_repository="$(cd "$1" && pwd)"; shift
grpc_port=8001 http_port=8000 metrics_port=8002 detach=0 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --grpc-port) grpc_port="$2"; shift 2 ;;
    --http-port) http_port="$2"; shift 2 ;;
    --metrics-port) metrics_port="$2"; shift 2 ;;
    --detach) detach=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
  esac
done

"$here/install.sh" >&2
# shellcheck source=/dev/null
source "$home/env.sh"

# pytriton's launcher environment: the bundled libraries and libpython on the loader path, the
# venv first on PATH so the Python backend stub finds numpy and onnxruntime.
export LD_LIBRARY_PATH="$CHIPQ_TRITON_LD_LIBRARY_PATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$CHIPQ_TRITON_VENV/bin:$PATH"
export VIRTUAL_ENV="$CHIPQ_TRITON_VENV"

args=(
  --model-repository="$model_repository"
  --model-control-mode=explicit
  --backend-directory="$CHIPQ_TRITON_SERVER/backends"
  --cache-directory="$CHIPQ_TRITON_SERVER/caches"
  --disable-auto-complete-config
  --allow-gpu-metrics=false
  --pinned-memory-pool-byte-size=0
  --grpc-address=127.0.0.1 --grpc-port="$grpc_port"
  --http-address=127.0.0.1 --http-port="$http_port"
  --metrics-address=127.0.0.1 --metrics-port="$metrics_port"
  "${extra[@]}"
)

if [[ $detach -eq 0 ]]; then
  echo "triton: logs on this terminal; gRPC 127.0.0.1:$grpc_port, HTTP :$http_port, metrics :$metrics_port" >&2
  exec "$CHIPQ_TRITON_SERVER/bin/tritonserver" "${args[@]}"
fi

mkdir -p "$home/logs"
log="$home/logs/tritonserver-$grpc_port.log"
pidfile="$home/logs/tritonserver-$grpc_port.pid"
nohup "$CHIPQ_TRITON_SERVER/bin/tritonserver" "${args[@]}" >"$log" 2>&1 &
echo $! >"$pidfile"
echo "triton: pid $(cat "$pidfile") ($pidfile), logs in $log" >&2
for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "triton: exited during start; last log lines:" >&2; tail -20 "$log" >&2; exit 1
  fi
  if curl -fsS "http://127.0.0.1:$http_port/v2/health/ready" >/dev/null 2>&1; then
    echo "triton: READY on 127.0.0.1:$grpc_port" >&2; exit 0
  fi
  sleep 1
done
echo "triton: not ready after 120 s; see $log" >&2
exit 1
