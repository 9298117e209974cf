#!/usr/bin/env bash
# Installs openapi-python-client (PyPI) into <repo>/.python-client/venv for the test that
# generates a Python client from openapi/openapi.json and uses it against the service.
# Idempotent: does nothing when requirements.txt has not changed since the last install.
#
#   CHIPQ_PYTHON=/path/python3.11 scripts/python-client/install.sh   # interpreter (default: find-python311.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="$repo/.python-client"
venv="$home/venv"
stamp="$home/installed.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/openapi-python-client" ]]; then
  exit 0
fi
python="$("$repo/scripts/find-python311.sh")"
mkdir -p "$home"
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "$want" > "$stamp"
