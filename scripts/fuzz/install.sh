#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a cached venv, <repo>/.venv-fuzz by default. Idempotent:
# does nothing when requirements.txt and this script are unchanged since the last install.
#
#   scripts/fuzz/install.sh
#   CHIPQ_FUZZ_VENV=/path scripts/fuzz/install.sh   # install elsewhere
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CHIPQ_FUZZ_VENV:-$repo/.venv-fuzz}"
stamp="$venv/installed.sha256"
want="$(sha256sum "$here/requirements.txt" "$here/install.sh" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/schemathesis" ]]; then
  echo "fuzz: schemathesis already installed in $venv"
  exit 0
fi
python="$("$repo/scripts/find-python311.sh")"
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "$want" > "$stamp"
echo "fuzz: schemathesis $("$venv/bin/schemathesis" --version | head -1) in $venv"
