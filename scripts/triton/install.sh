#!/usr/bin/env bash
# Installs a real Triton Inference Server (the tritonserver binary bundled in nvidia-pytriton)
# into <repo>/.triton without Docker, and prepares the backend directory the way pytriton's own
# launcher does. Idempotent: does nothing when requirements.txt has not changed since last time.
#
#   scripts/triton/install.sh            # install or verify
#   CHIPQ_TRITON_HOME=/path install.sh   # install elsewhere (default: <repo>/.triton)
#   CHIPQ_TRITON_PYTHON=/path/python3.11 # interpreter (default: the first Python 3.11 with a shared
#                                        # libpython that scripts/find-python311.sh finds)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="${CHIPQ_TRITON_HOME:-$repo/.triton}"
python="${CHIPQ_TRITON_PYTHON:-$("$repo/scripts/find-python311.sh" --shared)}"
venv="$home/venv"
server="$home/server"
stamp="$home/installed.sha256"
want="$(sha256sum "$here/requirements.txt" "$here/install.sh" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$server/bin/tritonserver" ]]; then
  echo "triton: already installed in $home"
  exit 0
fi

if [[ ! -x "$python" ]]; then
  echo "triton: no Python 3.11 at $python (set CHIPQ_TRITON_PYTHON)" >&2
  exit 1
fi
pylib="$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
if [[ ! -e "$pylib/libpython3.11.so.1.0" ]]; then
  # The Python backend stub links libpython dynamically; a static-only build cannot host it.
  echo "triton: $python has no shared libpython3.11 in $pylib" >&2
  exit 1
fi

mkdir -p "$home"
echo "triton: creating venv in $venv"
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
dist="$site/pytriton/tritonserver"

# pytriton's recipe: copy the distribution without the per-Python stubs, then put the stub for
# our interpreter's minor version into backends/python/.
echo "triton: preparing $server"
rm -rf "$server"
mkdir -p "$server"
cp -r "$dist/bin" "$dist/backends" "$dist/caches" "$server/"
cp "$dist/python_backend_stubs/3.11/triton_python_backend_stub" "$server/backends/python/"
chmod +x "$server/bin/tritonserver" "$server/backends/python/triton_python_backend_stub"

# perf_analyzer (in tritonclient's wheel) looks for libb64.so.0d and libcudart.so.12 by their
# plain names; the same libraries ship in nvidia_pytriton.libs under auditwheel's hashed names.
perf_libs="$home/perf-analyzer-libs"
mkdir -p "$perf_libs"
ln -sf "$(ls "$site"/nvidia_pytriton.libs/libb64-*.so.0d | head -1)" "$perf_libs/libb64.so.0d"
ln -sf "$(ls "$site"/nvidia_pytriton.libs/libcudart-*.so.12* | head -1)" "$perf_libs/libcudart.so.12"

# Paths up.sh needs, written once so it never has to ask Python again.
cat > "$home/env.sh" <<ENV
# Written by scripts/triton/install.sh; sourced by up.sh.
CHIPQ_TRITON_SERVER='$server'
CHIPQ_TRITON_VENV='$venv'
CHIPQ_TRITON_LD_LIBRARY_PATH='$site/nvidia_pytriton.libs:$pylib'
CHIPQ_PERF_ANALYZER='$venv/bin/perf_analyzer'
CHIPQ_PERF_ANALYZER_LD_LIBRARY_PATH='$perf_libs:$site/nvidia_pytriton.libs'
ENV

echo "$want" > "$stamp"
echo "triton: installed tritonserver in $server"
