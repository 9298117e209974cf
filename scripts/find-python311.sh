#!/usr/bin/env bash
# Prints the path of a Python 3.11 interpreter, found the portable way, or fails with a clear
# message. Used by scripts/triton/install.sh and the model card's retrain steps.
#
#   scripts/find-python311.sh            # any 3.11
#   scripts/find-python311.sh --shared   # a 3.11 with a shared libpython3.11 (Triton's Python backend needs it)
#
# Order: $CHIPQ_PYTHON, `python3.11` on PATH, `python3` if it is 3.11, then pyenv's 3.11 versions.
set -euo pipefail

need_shared=false
[[ "${1:-}" == "--shared" ]] && need_shared=true

candidates=()
[[ -n "${CHIPQ_PYTHON:-}" ]] && candidates+=("$CHIPQ_PYTHON")
command -v python3.11 >/dev/null 2>&1 && candidates+=("$(command -v python3.11)")
command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  for dir in $(ls -d "$root"/versions/3.11* 2>/dev/null | sort -rV); do
    candidates+=("$dir/bin/python3.11")
  done
fi

tried=()
for python in "${candidates[@]}"; do
  tried+=("$python")
  [[ -x "$python" ]] || continue
  # A pyenv shim answers for whatever version is selected: ask the interpreter itself.
  real="$("$python" -c 'import sys; print(sys.executable if sys.version_info[:2] == (3, 11) else "")' 2>/dev/null)" || continue
  [[ -n "$real" ]] || continue
  if $need_shared; then
    libdir="$("$real" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
    [[ -e "$libdir/libpython3.11.so.1.0" ]] || continue
  fi
  echo "$real"
  exit 0
done

what="Python 3.11"
$need_shared && what="Python 3.11 with a shared libpython3.11 (built with --enable-shared)"
echo "find-python311: no $what found; tried: ${tried[*]:-nothing}." >&2
echo "Install one (apt: python3.11 python3.11-venv libpython3.11; or pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.11) or set CHIPQ_PYTHON=/path/to/python3.11." >&2
exit 1
