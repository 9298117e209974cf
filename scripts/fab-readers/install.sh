#!/usr/bin/env bash
# Creates (once) a Python 3.11 venv in .fab-readers/venv with the PyPI readers the fab export
# tests use (requirements.txt beside this file) and prints its python. Cached: a venv that
# already has them is reused. Python comes from scripts/find-python311.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.fab-readers/venv"
stamp="$venv/.requirements"
if [[ -x "$venv/bin/python" && -f "$stamp" ]] && cmp -s "$here/requirements.txt" "$stamp"; then
  echo "$venv/bin/python"
  exit 0
fi
python="$("$root/scripts/find-python311.sh")"
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
cp "$here/requirements.txt" "$stamp"
echo "$venv/bin/python"
